// The input rules (validate.hpp) on arbitrary bytes: what each accepts is what its
// comment promises, accepting again changes nothing, and every refusal's message is
// valid UTF-8 (the server puts it in a JSON body).
#include "targets/check.hpp"
#include "targets/targets.hpp"

#include <chirp/validate.hpp>

#include <utf8.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::fuzz {

namespace {

bool valid_utf8(std::string_view text) { return utf8::is_valid(text.begin(), text.end()); }

/// Unicode's White_Space property, and U+FEFF, which chirp also trims.
bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool is_control(char32_t c) { return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F); }

/// What clean_text promises for TEXT, decided from its code points: whether it should be
/// accepted, and whether unchanged (nothing to trim).
struct Expectation {
  bool accepted = false;
  bool unchanged = false;
};

Expectation expect_text(std::string_view text, bool allow_newlines, std::size_t min_chars,
                        std::size_t max_chars) {
  if (!valid_utf8(text)) return {};
  std::u32string chars = utf8::utf8to32(text);
  for (char32_t c : chars) {
    if (is_control(c) && !(allow_newlines && (c == '\n' || c == '\t'))) return {};
  }
  auto begin = std::find_if_not(chars.begin(), chars.end(), is_white_space);
  auto end = std::find_if_not(chars.rbegin(), chars.rend(), is_white_space).base();
  auto length = static_cast<std::size_t>(begin < end ? end - begin : 0);
  bool trimmed = chars.empty() || (!is_white_space(chars.front()) && !is_white_space(chars.back()));
  return {length >= min_chars && length <= max_chars, trimmed};
}

template <class T>
void check_refusal(const Result<T>& result, std::string_view rule) {
  if (result) return;
  expect(result.error().code == Code::invalid, std::string(rule) + ": refusal is not 'invalid'");
  expect(!result.error().message.empty(), std::string(rule) + ": refusal without a message");
  expect(valid_utf8(result.error().message),
         std::string(rule) + ": message is not UTF-8: " + printable(result.error().message));
}

/// A text rule (tweet, name, bio): accepted texts are clean, trimmed, within bounds,
/// a part of the input, and accepted again unchanged.
template <class Rule>
void check_text_rule(std::string_view text, Rule rule, std::string_view name, bool allow_newlines,
                     std::size_t min_chars, std::size_t max_chars) {
  auto result = rule(text);
  check_refusal(result, name);
  auto expected = expect_text(text, allow_newlines, min_chars, max_chars);
  std::string what = std::string(name) + " of '" + printable(text) + "'";
  expect(result.has_value() == expected.accepted,
         what + (result ? ": accepted" : ": refused: " + result.error().message));
  if (!result) return;
  const std::string& clean = *result;
  expect(valid_utf8(clean), what + ": result is not UTF-8");
  std::size_t length = code_points(clean);
  expect(length >= min_chars && length <= max_chars, what + ": result length out of bounds");
  expect(length == static_cast<std::size_t>(utf8::distance(clean.begin(), clean.end())),
         what + ": code_points disagrees with utf8::distance");
  expect(text.find(clean) != std::string_view::npos, what + ": result is not part of the input");
  if (expected.unchanged) expect(clean == text, what + ": a trimmed text was changed");
  auto again = rule(clean);
  expect(again && *again == clean, what + ": accepting the result again changed it");
}

void check_handle(std::string_view text) {
  auto result = validate_handle(text);
  check_refusal(result, "validate_handle");
  bool expected = !text.empty() && text.size() <= static_cast<std::size_t>(k_max_handle_chars) &&
                  std::all_of(text.begin(), text.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_';
                  });
  expect(result.has_value() == expected, "validate_handle of '" + printable(text) + "'");
  if (result) expect(*result == text, "validate_handle changed a handle");
}

void check_password(std::string_view text) {
  auto result = validate_password(text);
  check_refusal(result, "validate_password");
  bool expected = text.size() >= static_cast<std::size_t>(k_min_password_bytes) &&
                  text.size() <= static_cast<std::size_t>(k_max_password_bytes) && valid_utf8(text);
  expect(result.has_value() == expected, "validate_password of '" + printable(text) + "'");
}

bool acceptable_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  return !rest.empty() && rest.front() != '/' &&
         url.size() <= static_cast<std::size_t>(k_max_media_url_bytes) &&
         std::all_of(url.begin(), url.end(),
                     [](unsigned char c) { return c > 0x20 && c < 0x7F; });
}

/// Media URLs: one per line of TEXT.
void check_media_urls(std::string_view text) {
  std::vector<std::string> urls;
  for (std::string_view rest = text; !text.empty(); rest.remove_prefix(rest.find('\n') + 1)) {
    urls.emplace_back(rest.substr(0, rest.find('\n')));
    if (rest.find('\n') == std::string_view::npos) break;
  }
  auto result = validate_media_urls(urls);
  check_refusal(result, "validate_media_urls");
  bool expected = urls.size() <= static_cast<std::size_t>(k_max_media_urls) &&
                  std::all_of(urls.begin(), urls.end(), acceptable_url);
  expect(result.has_value() == expected, "validate_media_urls of '" + printable(text) + "'");
  if (result) expect(*result == urls, "validate_media_urls changed the URLs");
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// refers_to: REF names a user by handle (any case, optional '@') or by an id of more
/// digits than a handle can have.
void check_refers_to(std::string_view text) {
  User alice{.id = 1234567890123456789, .handle = "Alice_01"};
  std::string_view handle = handle_part(text);
  expect(handle == text || (text.starts_with('@') && handle == text.substr(1)),
         "handle_part is not the text less one '@'");
  std::string_view digits = text;
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  bool by_id = text.size() > static_cast<std::size_t>(k_max_handle_chars) &&
               digits == "1234567890123456789";
  bool expected = ascii_lower(handle) == "alice_01" || by_id;
  expect(refers_to(text, alice) == expected, "refers_to('" + printable(text) + "', alice)");

  if (validate_handle(text)) {
    User user{.id = 7, .handle = std::string(text)};
    expect(refers_to(text, user), "a handle does not refer to its user");
    expect(refers_to("@" + ascii_lower(text), user), "'@' and lower case do not refer to a user");
    expect(!refers_to(std::string(text) + "_", user), "a longer handle refers to a user");
  }
}

}  // namespace

int tweet_text(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_text_rule(text, validate_tweet_text, "validate_tweet_text", true, 1,
                  static_cast<std::size_t>(k_max_tweet_chars));
  check_text_rule(text, validate_name, "validate_name", false, 0,
                  static_cast<std::size_t>(k_max_name_chars));
  check_text_rule(text, validate_bio, "validate_bio", false, 0,
                  static_cast<std::size_t>(k_max_bio_chars));
  check_handle(text);
  check_password(text);
  check_media_urls(text);
  check_refers_to(text);
  return 0;
}

}  // namespace chirp::fuzz
