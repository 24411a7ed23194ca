#include "parse.hpp"

#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace chirp::server {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Deepest nesting of arrays/objects in TEXT (strings skipped), stopping past LIMIT.
int json_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

/// True when CONTENT_TYPE names the media type application/json, with or without
/// parameters: media types compare without regard to case (RFC 9110 section 8.3.1), and
/// application/jsonx or application/json-seq are other types.
bool is_json_media_type(std::string_view content_type) {
  constexpr std::string_view k_json = "application/json";
  std::string_view type = trimmed(content_type.substr(0, content_type.find(';')));
  return type.size() == k_json.size() &&
         std::equal(type.begin(), type.end(), k_json.begin(), [](char a, char b) {
           return static_cast<char>(std::tolower(static_cast<unsigned char>(a))) == b;
         });
}

std::unexpected<HttpError> refuse(int status, std::string code, std::string message) {
  return std::unexpected(HttpError{status, std::move(code), std::move(message)});
}

}  // namespace

std::optional<Id> parse_id(std::string_view text) {
  Id id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

std::optional<EventId> parse_event_id(std::string_view text) {
  if (text == "0") return 0;
  return parse_id(text);
}

std::expected<nlohmann::json, HttpError> parse_json_body(std::string_view body,
                                                         std::string_view content_type) {
  if (!content_type.empty() && !is_json_media_type(content_type)) {
    return refuse(415, "unsupported_media_type", "send the body as application/json");
  }
  // JSON has no raw NUL (a string spells it \u0000). nlohmann's parser stops at one,
  // so `{"text":"x"}\0junk` would read as a whole document: refused as what it is.
  if (body.find('\0') != std::string_view::npos) {
    return refuse(400, "bad_json", "the body must be one JSON document (it holds a NUL byte)");
  }
  if (json_depth(body, k_max_json_depth) > k_max_json_depth) {
    return refuse(400, "bad_json", fmt::format("JSON nested deeper than {} levels", k_max_json_depth));
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return refuse(400, "bad_json", "the body is not valid JSON (or not valid UTF-8)");
  }
  if (!json.is_object()) return refuse(400, "bad_request", "the body must be a JSON object");
  return json;
}

std::expected<PageRequest, HttpError> parse_page(const std::multimap<std::string, std::string>& params) {
  auto last = [&](const char* name) -> std::optional<std::string_view> {
    auto [first, end] = params.equal_range(name);
    if (first == end) return std::nullopt;
    return std::string_view(std::prev(end)->second);
  };
  PageRequest page;
  if (auto text = last("limit")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), page.limit);
    if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
      return refuse(400, "bad_request",
                    fmt::format("limit must be a number from 1 to {}", k_max_page_limit));
    }
  }
  // Out of bounds is a bad query string here (400), whatever core calls it.
  if (auto ok = validate_page(page); !ok) return refuse(400, "bad_request", ok.error().message);
  for (auto [name, slot] : {std::pair{"max_id", &page.max_id}, {"since_id", &page.since_id}}) {
    auto text = last(name);
    if (!text) continue;
    auto id = parse_id(*text);
    if (!id) return refuse(400, "bad_request", fmt::format("{} must be a tweet or user id", name));
    *slot = id;
  }
  return page;
}

std::optional<std::string_view> bearer_token(std::string_view value) {
  constexpr std::string_view k_scheme = "bearer";
  if (value.size() <= k_scheme.size() ||
      !std::equal(k_scheme.begin(), k_scheme.end(), value.begin(), [](char a, char b) {
        return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
      }) ||
      value[k_scheme.size()] != ' ') {
    return std::nullopt;
  }
  value.remove_prefix(k_scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

std::expected<std::uint64_t, HttpError> declared_length(const std::vector<std::string_view>& values) {
  std::optional<std::uint64_t> declared;
  for (std::string_view field : values) {
    while (true) {
      auto comma = field.find(',');
      std::string_view value = trimmed(field.substr(0, comma));
      std::uint64_t length = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
          (declared && *declared != length)) {
        return refuse(400, "bad_request", "malformed or conflicting Content-Length");
      }
      declared = length;
      if (comma == std::string_view::npos) break;
      field.remove_prefix(comma + 1);
    }
  }
  if (!declared) return refuse(400, "bad_request", "malformed Content-Length");
  return *declared;
}

std::optional<std::string> forwarded_client(std::string_view forwarded_for) {
  auto comma = forwarded_for.rfind(',');
  std::string candidate(trimmed(comma == std::string_view::npos ? forwarded_for
                                                                 : forwarded_for.substr(comma + 1)));
  // inet_pton reads up to a NUL: "1.2.3.4\0junk" must not pass as 1.2.3.4.
  if (candidate.empty() || candidate.size() > 45 || candidate.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  unsigned char buffer[16];
  if (::inet_pton(AF_INET, candidate.c_str(), buffer) == 1 ||
      ::inet_pton(AF_INET6, candidate.c_str(), buffer) == 1) {
    return candidate;
  }
  return std::nullopt;
}

}  // namespace chirp::server
