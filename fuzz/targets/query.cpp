// The server's small parsers of request text, each against the rule its comment in
// parse.hpp states, decided here the plain way:
// - parse_page: the input read as a query string "name=value&..." (not percent-decoded:
//   httplib decodes before parse_page sees the values);
// - bearer_token, forwarded_client: the input as one header field value;
// - declared_length: the input's lines as the values of repeated Content-Length fields;
// - parse_id: the input as a path segment.
#include "targets/check.hpp"
#include "targets/targets.hpp"
#include "targets/text.hpp"

#include "parse.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::fuzz {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// TEXT as a decimal integer of type T: an optional '-' when T is signed, then digits.
template <class T>
std::optional<T> decimal(std::string_view text) {
  bool negative = std::numeric_limits<T>::is_signed && text.starts_with('-');
  if (negative) text.remove_prefix(1);
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
  constexpr std::uint64_t k_max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t magnitude = 0;
  for (char c : text) {
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (k_max - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  auto max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  if (negative ? magnitude > max + 1 : magnitude > max) return std::nullopt;
  if (!negative || magnitude == 0) return static_cast<T>(magnitude);
  return static_cast<T>(-static_cast<T>(magnitude - 1) - 1);  // no overflow at the minimum
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void check_page(std::string_view text) {
  std::multimap<std::string, std::string> params;
  for (auto pair : split(text, '&')) {
    auto equals = pair.find('=');
    params.emplace(std::string(pair.substr(0, equals)),
                   equals == std::string_view::npos ? "" : std::string(pair.substr(equals + 1)));
  }
  auto last = [&](const std::string& name) -> std::optional<std::string> {
    auto [first, end] = params.equal_range(name);
    if (first == end) return std::nullopt;
    return std::prev(end)->second;
  };
  bool ok = true;
  PageRequest expected;
  if (auto limit = last("limit")) {
    auto n = decimal<int>(*limit);
    ok = n && *n >= 1 && *n <= k_max_page_limit;
    if (ok) expected.limit = *n;
  }
  for (auto [name, slot] : {std::pair{"max_id", &expected.max_id}, {"since_id", &expected.since_id}}) {
    if (auto value = last(name)) {
      auto id = decimal<Id>(*value);
      ok = ok && id && *id > 0;
      if (ok) *slot = id;
    }
  }

  std::expected<PageRequest, server::HttpError> page;
  try {
    page = server::parse_page(params);
  } catch (const std::exception& e) {
    broken(std::string("parse_page threw: ") + e.what());
  }
  std::string what = "parse_page('" + printable(text) + "')";
  expect(page.has_value() == ok, what + (page ? ": accepted" : ": refused"));
  if (page) {
    expect(page->limit >= 1 && page->limit <= k_max_page_limit, what + ": limit out of bounds");
    expect(page->limit == expected.limit && page->max_id == expected.max_id &&
               page->since_id == expected.since_id,
           what + ": read other values than the query says");
  } else {
    expect(page.error().status == 400 && !page.error().message.empty(),
           what + ": a bad query is not a 400 with a message");
  }
}

void check_bearer(std::string_view text) {
  std::optional<std::string_view> expected;
  if (text.size() > 6 && text[6] == ' ') {
    std::string scheme(text.substr(0, 6));
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (scheme == "bearer") {
      auto token = text.substr(6);
      expected = token.substr(std::min(token.find_first_not_of(' '), token.size()));
    }
  }
  auto token = server::bearer_token(text);
  std::string what = "bearer_token('" + printable(text) + "')";
  expect(token.has_value() == expected.has_value(), what + (token ? ": accepted" : ": refused"));
  if (token) {
    expect(*token == *expected, what + ": another token than the value holds");
    expect(token->data() >= text.data() && token->data() + token->size() == text.data() + text.size(),
           what + ": the token is not the end of the value");
  }
}

void check_declared_length(std::string_view text) {
  auto values = split(text, '\n');
  std::optional<std::uint64_t> expected;
  bool ok = true;
  for (auto field : values) {
    for (auto piece : split(field, ',')) {
      auto n = decimal<std::uint64_t>(trimmed(piece));
      ok = ok && n && (!expected || *expected == *n);
      if (ok) expected = n;
    }
  }
  ok = ok && expected;
  std::expected<std::uint64_t, server::HttpError> length;
  try {
    length = server::declared_length(values);
  } catch (const std::exception& e) {
    broken(std::string("declared_length threw: ") + e.what());
  }
  std::string what = "declared_length('" + printable(text) + "')";
  expect(length.has_value() == ok, what + (length ? ": accepted" : ": refused"));
  if (length) expect(*length == *expected, what + ": another length than declared");
  if (!length) expect(length.error().status == 400, what + ": a bad length is not a 400");
}

bool is_address(const std::string& text) {
  unsigned char buffer[16];
  return text.find('\0') == std::string::npos &&
         (::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
          ::inet_pton(AF_INET6, text.c_str(), buffer) == 1);
}

void check_forwarded_client(std::string_view text) {
  auto entries = split(text, ',');
  std::string last(trimmed(entries.back()));
  auto client = server::forwarded_client(text);
  std::string what = "forwarded_client('" + printable(text) + "')";
  expect(client.has_value() == is_address(last), what + (client ? ": accepted" : ": refused"));
  if (client) {
    expect(*client == last, what + ": not the last entry");
    expect(is_address(*client), what + ": not an address: '" + printable(*client) + "'");
  }
}

void check_id(std::string_view text) {
  auto value = decimal<Id>(text);
  auto id = server::parse_id(text);
  bool valid = value && *value > 0;
  expect(id.has_value() == valid && (!id || *id == *value), "parse_id('" + printable(text) + "')");
}

}  // namespace

int query(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_id(text);
  check_page(text);
  check_bearer(text);
  check_declared_length(text);
  check_forwarded_client(text);
  return 0;
}

}  // namespace chirp::fuzz
