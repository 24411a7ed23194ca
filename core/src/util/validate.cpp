#include <chirp/validate.hpp>

#include <fmt/core.h>
#include <utf8.h>

#include <algorithm>
#include <charconv>

namespace chirp {

namespace {

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xFEFF;
}

bool is_forbidden_control(char32_t c, bool allow_newlines) {
  if (allow_newlines && (c == '\n' || c == '\t')) return false;
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

/// Checks UTF-8 and control characters, trims white space; FIELD names it in messages.
Result<std::string> clean_text(std::string_view text, const char* field, bool allow_newlines) {
  if (!utf8::is_valid(text.begin(), text.end())) {
    return fail(Code::invalid, fmt::format("{} is not valid UTF-8", field));
  }
  std::u32string chars = utf8::utf8to32(text);
  for (char32_t c : chars) {
    if (is_forbidden_control(c, allow_newlines)) {
      return fail(Code::invalid,
                  fmt::format("{} contains a control character (U+{:04X})", field,
                              static_cast<std::uint32_t>(c)));
    }
  }
  std::size_t begin = 0;
  std::size_t end = chars.size();
  while (begin < end && is_space(chars[begin])) ++begin;
  while (end > begin && is_space(chars[end - 1])) --end;
  return utf8::utf32to8(std::u32string_view(chars).substr(begin, end - begin));
}

Result<std::string> bounded_text(std::string_view text, const char* field, int max_chars) {
  auto cleaned = clean_text(text, field, false);
  if (!cleaned) return cleaned;
  std::size_t length = code_points(*cleaned);
  if (length > static_cast<std::size_t>(max_chars)) {
    return fail(Code::invalid, fmt::format("{} is {} characters long; the limit is {}", field,
                                           length, max_chars));
  }
  return cleaned;
}

/// HANDLE as a refusal's message may quote it: messages are UTF-8 (JSON, terminals).
std::string shown_handle(std::string_view handle) {
  return utf8::is_valid(handle.begin(), handle.end()) ? std::string(handle) : std::string("?");
}

}  // namespace

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(utf8::unchecked::distance(text.begin(), text.end()));
}

Result<std::string> validate_tweet_text(std::string_view text) {
  auto cleaned = clean_text(text, "tweet text", true);
  if (!cleaned) return cleaned;
  std::size_t length = code_points(*cleaned);
  if (length == 0) return fail(Code::invalid, "tweet text is empty");
  if (length > static_cast<std::size_t>(k_max_tweet_chars)) {
    return fail(Code::invalid, fmt::format("tweet text is {} characters long; the limit is {}",
                                           length, k_max_tweet_chars));
  }
  return cleaned;
}

Result<std::string> validate_handle(std::string_view handle) {
  if (handle.empty() || handle.size() > static_cast<std::size_t>(k_max_handle_chars)) {
    return fail(Code::invalid, fmt::format("handle '{}' must be 1 to {} characters long",
                                           shown_handle(handle), k_max_handle_chars));
  }
  for (char c : handle) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_';
    if (!ok) {
      return fail(Code::invalid,
                  "a handle may only contain letters A-Z, digits and '_' (got '" +
                      shown_handle(handle) + "')");
    }
  }
  return std::string(handle);
}

Result<std::string> validate_name(std::string_view name) {
  return bounded_text(name, "name", k_max_name_chars);
}

Result<std::string> validate_bio(std::string_view bio) {
  return bounded_text(bio, "bio", k_max_bio_chars);
}

Result<void> validate_password(std::string_view password) {
  if (password.size() < static_cast<std::size_t>(k_min_password_bytes)) {
    return fail(Code::invalid,
                fmt::format("password must be at least {} characters", k_min_password_bytes));
  }
  if (password.size() > static_cast<std::size_t>(k_max_password_bytes)) {
    return fail(Code::invalid,
                fmt::format("password must be at most {} bytes", k_max_password_bytes));
  }
  if (!utf8::is_valid(password.begin(), password.end())) {
    return fail(Code::invalid, "password is not valid UTF-8");
  }
  return {};
}

Result<void> validate_page(const PageRequest& page) {
  if (page.limit < 1 || page.limit > k_max_page_limit) {
    return fail(Code::invalid, fmt::format("limit must be between 1 and {} (got {})",
                                           k_max_page_limit, page.limit));
  }
  return {};
}

Result<std::vector<std::string>> validate_media_urls(const std::vector<std::string>& urls) {
  if (urls.size() > static_cast<std::size_t>(k_max_media_urls)) {
    return fail(Code::invalid, fmt::format("at most {} media URLs per tweet (got {})",
                                           k_max_media_urls, urls.size()));
  }
  for (const auto& url : urls) {
    bool scheme = url.starts_with("https://") || url.starts_with("http://");
    std::size_t host_start = url.find("://") + 3;
    bool has_host = scheme && url.size() > host_start && url[host_start] != '/';
    bool clean = true;
    for (unsigned char c : url) clean = clean && c > 0x20 && c < 0x7F;
    if (!scheme || !has_host || !clean) {
      return fail(Code::invalid,
                  "a media URL must be an http:// or https:// URL without spaces or "
                  "non-ASCII characters");
    }
    if (url.size() > static_cast<std::size_t>(k_max_media_url_bytes)) {
      return fail(Code::invalid,
                  fmt::format("a media URL may be at most {} bytes", k_max_media_url_bytes));
    }
  }
  return urls;
}

std::string_view handle_part(std::string_view ref) {
  return ref.starts_with('@') ? ref.substr(1) : ref;
}

bool refers_to(std::string_view ref, const User& user) {
  std::string_view handle = handle_part(ref);
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (handle.size() == user.handle.size() &&
      std::equal(handle.begin(), handle.end(), user.handle.begin(),
                 [&](char a, char b) { return lower(a) == lower(b); })) {
    return true;
  }
  if (ref.size() <= static_cast<std::size_t>(k_max_handle_chars) ||
      !std::all_of(ref.begin(), ref.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  Id id = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  return ec == std::errc() && end == ref.data() + ref.size() && id == user.id;
}

}  // namespace chirp
