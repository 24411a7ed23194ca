// Reading a search query: every term is checked here and written into the FTS5
// expression quoted, so no text of the user's is ever FTS5 syntax.
#include "discovery/query.hpp"

#include "entities/characters.hpp"

#include <chirp/entities.hpp>
#include <chirp/search.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>
#include <utf8.h>

namespace chirp::detail {

namespace {

/// Whether TEXT holds a letter or digit: something the index has a token for.
bool has_word(std::string_view text) {
  auto it = text.begin();
  while (it != text.end()) {
    auto c = static_cast<char32_t>(utf8::next(it, text.end()));
    if (c != U'_' && is_word_char(c)) return true;
  }
  return false;
}

/// TEXT as an FTS5 string: in double quotes, a double quote doubled (never present:
/// the language ends a phrase there, but the quoting does not rely on it).
std::string fts_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string joined(const std::vector<std::string>& terms, std::string_view op) {
  std::string out;
  for (const auto& term : terms) {
    if (!out.empty()) out += fmt::format(" {} ", op);
    out += term;
  }
  return out;
}

Error refused(std::string message) { return Error{Code::invalid, std::move(message)}; }

/// Reads the words and phrases of a query, term by term.
class QueryReader {
public:
  explicit QueryReader(std::string_view query) : m_query(query) {}

  Result<SearchQuery> read() {
    std::size_t terms = 0;
    while (true) {
      while (m_pos < m_query.size() && m_query[m_pos] == ' ') ++m_pos;
      if (m_pos >= m_query.size()) break;
      if (++terms > k_max_search_terms) {
        return std::unexpected(refused(
            fmt::format("a search has at most {} terms", k_max_search_terms)));
      }
      if (auto term = read_term(); !term) return std::unexpected(term.error());
    }
    if (m_positive.empty() && !m_out.from && m_out.tags.empty()) {
      return std::unexpected(refused(
          m_excluded.empty() ? "the search has nothing to look for"
                             : "a search needs a word, phrase, from: or #tag that is not excluded"));
    }
    if (!m_positive.empty()) {
      m_out.match = joined(m_positive, "AND");
      if (!m_excluded.empty()) {
        m_out.match = fmt::format("({}) NOT ({})", m_out.match, joined(m_excluded, "OR"));
      }
    } else {
      m_out.excluded = joined(m_excluded, "OR");
    }
    return std::move(m_out);
  }

private:
  Result<void> read_term() {
    bool negated = m_query[m_pos] == '-';
    if (negated) {
      ++m_pos;
      if (m_pos >= m_query.size() || m_query[m_pos] == ' ') {
        return std::unexpected(refused("a '-' must come right before the word or phrase it excludes"));
      }
    }
    if (m_query[m_pos] == '"') return read_phrase(negated);
    std::size_t end = m_query.find(' ', m_pos);
    if (end == std::string_view::npos) end = m_query.size();
    std::string_view word = m_query.substr(m_pos, end - m_pos);
    m_pos = end;
    if (word.starts_with("from:") || word.starts_with("#")) {
      if (negated) {
        return std::unexpected(refused(fmt::format(
            "'-{}': only words and phrases can be excluded", word)));
      }
      return word.front() == '#' ? read_tag(word) : read_from(word.substr(5));
    }
    return read_word(word, negated);
  }

  Result<void> read_phrase(bool negated) {
    std::size_t close = m_query.find('"', m_pos + 1);
    if (close == std::string_view::npos) {
      return std::unexpected(refused("a '\"' opens a phrase that is never closed"));
    }
    std::string_view phrase = m_query.substr(m_pos + 1, close - m_pos - 1);
    m_pos = close + 1;
    if (m_pos < m_query.size() && m_query[m_pos] != ' ') {
      return std::unexpected(refused("a phrase's closing '\"' must be followed by a space"));
    }
    if (!has_word(phrase)) {
      return std::unexpected(refused("a phrase needs a letter or digit to look for"));
    }
    (negated ? m_excluded : m_positive).push_back(fts_string(phrase));
    return {};
  }

  Result<void> read_word(std::string_view word, bool negated) {
    bool prefix = word.ends_with('*');
    std::string_view body = prefix ? word.substr(0, word.size() - 1) : word;
    if (body.empty()) {
      return std::unexpected(refused("a '*' must end a word: data* finds data, database, ..."));
    }
    if (auto bad = body.find_first_of("\"()*:^{}"); bad != std::string_view::npos) {
      char c = body[bad];
      if (c == ':') {
        return std::unexpected(refused(fmt::format(
            "'{}': the only filter is from:HANDLE (put the words in double quotes to search "
            "for them as text)", word)));
      }
      if (c == '*') {
        return std::unexpected(refused(fmt::format("'{}': a '*' may only end a word", word)));
      }
      return std::unexpected(refused(fmt::format(
          "'{}': '{}' has no meaning in a search (put the words in double quotes to search "
          "for them as text)", word, c)));
    }
    if (!has_word(body)) {
      return std::unexpected(refused(fmt::format("'{}' has no letter or digit to look for", word)));
    }
    std::string term = fts_string(body);
    if (prefix) term += '*';
    (negated ? m_excluded : m_positive).push_back(std::move(term));
    return {};
  }

  Result<void> read_from(std::string_view handle) {
    if (!validate_handle(handle)) {
      return std::unexpected(refused(fmt::format(
          "'from:{}': from: takes a handle (1 to 15 letters, digits or _)", handle)));
    }
    if (m_out.from) return std::unexpected(refused("a search takes one from: at most"));
    m_out.from = std::string(handle);
    return {};
  }

  Result<void> read_tag(std::string_view word) {
    std::string name = hashtag_name(word);
    if (name.empty()) {
      return std::unexpected(refused(fmt::format("'{}' is not a hashtag", word)));
    }
    m_out.tags.push_back(std::move(name));
    return {};
  }

  std::string_view m_query;
  std::size_t m_pos = 0;
  std::vector<std::string> m_positive;
  std::vector<std::string> m_excluded;
  SearchQuery m_out;
};

}  // namespace

Result<void> check_query_text(std::string_view query, std::size_t max_bytes, std::string_view what) {
  if (utf8::find_invalid(query.begin(), query.end()) != query.end()) {
    return std::unexpected(refused(fmt::format("{} is not valid UTF-8", what)));
  }
  for (auto it = query.begin(); it != query.end();) {
    auto c = utf8::next(it, query.end());
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return std::unexpected(refused(fmt::format(
          "{} holds a control character (U+{:04X}); use spaces between terms", what, c)));
    }
  }
  if (query.find_first_not_of(' ') == std::string_view::npos) {
    return std::unexpected(refused(fmt::format("{} is empty", what)));
  }
  if (query.size() > max_bytes) {
    return std::unexpected(refused(fmt::format("{} is longer than {} bytes", what, max_bytes)));
  }
  return {};
}

Result<SearchQuery> parse_search_query(std::string_view query) {
  if (auto ok = check_query_text(query, k_max_search_query_bytes, "the search"); !ok) {
    return std::unexpected(ok.error());
  }
  return QueryReader(query).read();
}

}  // namespace chirp::detail
