#pragma once
// What a request says, parsed without httplib: pure functions of the request's text,
// each the one place its rule lives, and each fuzzed (fuzz/).

#include <chirp/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::server {

/// A refusal of the request itself: an HTTP status, a stable code and a message.
struct HttpError {
  int status = 400;
  std::string code;
  std::string message;
};

constexpr int k_max_json_depth = 16;

/// A positive decimal id ("123"; no sign, no spaces).
std::optional<Id> parse_id(std::string_view text);

/// A live stream's event id as a client sends it back (Last-Event-ID): "0" or a
/// positive decimal number.
std::optional<EventId> parse_event_id(std::string_view text);

/// BODY as a JSON object: 415 unless CONTENT_TYPE is empty or application/json; 400
/// when BODY is not exactly one JSON document (a NUL byte, trailing bytes, invalid
/// UTF-8), nests deeper than k_max_json_depth, or is not an object.
std::expected<nlohmann::json, HttpError> parse_json_body(std::string_view body,
                                                         std::string_view content_type);

/// limit / max_id / since_id from query PARAMS (the last value of each wins, as
/// httplib reads them); 400 when one is malformed or out of bounds.
std::expected<PageRequest, HttpError> parse_page(const std::multimap<std::string, std::string>& params);

/// The token of one Authorization field value "Bearer TOKEN": the scheme name is
/// case-insensitive (RFC 9110 section 11.1), then one or more spaces.
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// The body length the Content-Length field VALUES declare: each a decimal number, or a
/// comma-separated list; 400 when one is malformed or two disagree (RFC 9112 6.3).
std::expected<std::uint64_t, HttpError> declared_length(const std::vector<std::string_view>& values);

/// The client address an X-Forwarded-For value names: its last entry (the one the
/// trusted proxy appended) when that is an IPv4 or IPv6 address, else nullopt.
std::optional<std::string> forwarded_client(std::string_view forwarded_for);

}  // namespace chirp::server
