// Finding the mentions and hashtags of a tweet's text (rules in chirp/entities.hpp).
#include "entities/characters.hpp"
#include "entities/unicode_tables.hpp"

#include <chirp/entities.hpp>

#include <utf8.h>

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace chirp {

namespace detail {

namespace {

bool in_ranges(const CodeRange* ranges, std::size_t count, char32_t c) {
  const CodeRange* end = ranges + count;
  const CodeRange* it = std::upper_bound(ranges, end, c,
                                         [](char32_t v, const CodeRange& r) { return v < r.first; });
  return it != ranges && c <= (it - 1)->last;
}

}  // namespace

bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
  return in_ranges(detail::k_letter_ranges, detail::k_letter_range_count, c);
}

bool is_word_char(char32_t c) {
  if (c < 0x80) return is_letter(c) || (c >= U'0' && c <= U'9') || c == U'_';
  return is_letter(c) || in_ranges(detail::k_number_ranges, detail::k_number_range_count, c);
}

}  // namespace detail

namespace {

using detail::is_letter;
using detail::is_word_char;

using detail::CaseFold;
using detail::CodeRange;

constexpr std::size_t k_max_handle = 15;
constexpr std::size_t k_max_tag = 100;  // code points

bool is_handle_char(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') ||
         c == U'_';
}

/// The code points of TEXT with their byte offsets; an invalid byte decodes as U+FFFD.
struct Decoded {
  std::vector<char32_t> chars;
  std::vector<std::size_t> offsets;  // one more than chars: the end
};

Decoded decode(std::string_view text) {
  Decoded out;
  out.chars.reserve(text.size());
  out.offsets.reserve(text.size() + 1);
  auto it = text.begin();
  while (it != text.end()) {
    out.offsets.push_back(static_cast<std::size_t>(it - text.begin()));
    auto before = it;
    try {
      out.chars.push_back(static_cast<char32_t>(utf8::next(it, text.end())));
    } catch (const utf8::exception&) {
      it = before + 1;
      out.chars.push_back(0xFFFD);
    }
  }
  out.offsets.push_back(text.size());
  return out;
}

/// Whether an entity may start at index I (after its sigil's predecessor).
bool starts_entity(const Decoded& d, std::size_t sigil) {
  if (sigil == 0) return true;
  char32_t before = d.chars[sigil - 1];
  return !is_word_char(before) && before != U'@' && before != U'#' && before != U'&' &&
         before != U'/';
}

bool same_ascii_case_insensitive(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

void append_utf8(std::string& out, char32_t c) { utf8::append(static_cast<std::uint32_t>(c), std::back_inserter(out)); }

}  // namespace

std::string fold_tag(std::string_view tag) {
  std::string out;
  out.reserve(tag.size());
  for (char32_t c : decode(tag).chars) {
    if (c < 0x80) {
      out += static_cast<char>(c >= U'A' && c <= U'Z' ? c - U'A' + U'a' : c);
      continue;
    }
    const CaseFold* end = detail::k_case_folds + detail::k_case_fold_count;
    const CaseFold* it = std::lower_bound(detail::k_case_folds, end, c,
                                          [](const CaseFold& f, char32_t v) { return f.from < v; });
    if (it != end && it->from == c) {
      out += it->to;
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

TextEntities parse_entities(std::string_view text) {
  TextEntities out;
  const Decoded d = decode(text);
  const std::size_t n = d.chars.size();
  auto slice = [&](std::size_t from, std::size_t to) {
    return std::string(text.substr(d.offsets[from], d.offsets[to] - d.offsets[from]));
  };
  for (std::size_t i = 0; i < n; ++i) {
    char32_t sigil = d.chars[i];
    if ((sigil != U'@' && sigil != U'#') || !starts_entity(d, i)) continue;
    std::size_t end = i + 1;
    if (sigil == U'@') {
      while (end < n && is_handle_char(d.chars[end])) ++end;
      std::size_t length = end - i - 1;
      bool whole = end == n || (!is_word_char(d.chars[end]) && d.chars[end] != U'@');
      if (length >= 1 && length <= k_max_handle && whole) {
        std::string handle = slice(i + 1, end);
        bool seen = std::any_of(out.mentions.begin(), out.mentions.end(), [&](const auto& m) {
          return same_ascii_case_insensitive(m, handle);
        });
        if (!seen) out.mentions.push_back(std::move(handle));
      }
    } else {
      bool lettered = false;
      while (end < n && is_word_char(d.chars[end])) {
        lettered = lettered || is_letter(d.chars[end]);
        ++end;
      }
      std::size_t length = end - i - 1;
      if (lettered && length <= k_max_tag) {
        std::string spelling = slice(i + 1, end);
        std::string name = fold_tag(spelling);
        bool seen = std::any_of(out.hashtags.begin(), out.hashtags.end(),
                                [&](const auto& h) { return h.name == name; });
        if (!seen) out.hashtags.push_back({std::move(name), std::move(spelling)});
      }
    }
    i = end - 1;  // an entity's body never starts another
  }
  return out;
}

std::string hashtag_name(std::string_view tag) {
  if (!tag.empty() && tag.front() == '#') tag.remove_prefix(1);
  if (tag.empty() || utf8::find_invalid(tag.begin(), tag.end()) != tag.end()) return {};
  std::string hashed = "#" + std::string(tag);
  auto parsed = parse_entities(hashed);
  if (parsed.hashtags.size() != 1 || parsed.hashtags[0].spelling != tag) return {};
  return parsed.hashtags[0].name;
}

}  // namespace chirp
