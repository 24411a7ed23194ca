// parse_json_body on arbitrary bytes: it never throws; what it accepts is a JSON object
// no deeper than k_max_json_depth that serializes and reads back the same; it refuses a
// NUL byte; and it accepts exactly what a strict parse of the whole body accepts.
#include "targets/check.hpp"
#include "targets/input.hpp"
#include "targets/targets.hpp"

#include "parse.hpp"

#include <utf8.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace chirp::fuzz {

namespace {

using nlohmann::json;

int depth(const json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const auto& item : value) deepest = std::max(deepest, depth(item));
    return deepest + 1;
  }
  return 0;
}

/// What a strict parse of the whole BODY says: the document when it is an object within
/// the depth limit.
std::optional<json> strict_object(std::string_view body) {
  if (body.find('\0') != std::string_view::npos) return std::nullopt;
  try {
    json value = json::parse(body.begin(), body.end());
    if (!value.is_object() || depth(value) > server::k_max_json_depth) return std::nullopt;
    return value;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

using Parsed = std::expected<json, server::HttpError>;

Parsed parse(std::string_view body, std::string_view content_type) {
  try {
    return server::parse_json_body(body, content_type);
  } catch (const std::exception& e) {
    broken(std::string("parse_json_body threw: ") + e.what());
  }
}

bool same(const Parsed& a, const Parsed& b) {
  if (a.has_value() != b.has_value()) return false;
  if (a) return *a == *b;
  return a.error().status == b.error().status && a.error().code == b.error().code;
}

}  // namespace

int json_body(const std::uint8_t* data, std::size_t size) {
  // A first byte from 1 to 7 (no JSON text starts with one) picks the Content-Type, and
  // whether it names application/json (media types compare without regard to case;
  // application/jsonx is another type).
  struct ContentType {
    std::string_view value;
    bool json;
  };
  static constexpr std::array<ContentType, 8> k_content_types = {{
      {"application/json", true},
      {"", true},
      {"application/json; charset=utf-8", true},
      {"text/plain", false},
      {"application/jsonx", false},
      {"APPLICATION/JSON", true},
      {"application/x-www-form-urlencoded", false},
      {"multipart/form-data; boundary=x", false},
  }};
  Input input(data, size);
  ContentType content_type = k_content_types[0];
  if (size > 0 && data[0] >= 1 && data[0] <= 7) content_type = k_content_types[input.byte()];
  std::string_view body = input.rest();

  Parsed as_json = parse(body, "application/json");
  Parsed result = parse(body, content_type.value);
  std::string what = "parse_json_body('" + printable(body.substr(0, 200)) + "')";
  std::string named = "Content-Type '" + std::string(content_type.value) + "'";
  if (content_type.json) {
    expect(same(result, as_json), what + ": the " + named + " changed the answer");
  } else {
    expect(!result && result.error().status == 415, what + ": " + named + " not refused with 415");
  }

  if (!as_json) {
    const auto& error = as_json.error();
    expect(error.status == 400, what + ": a bad body is not a 400");
    expect(!error.code.empty() && !error.message.empty(), what + ": refusal without code or message");
    expect(utf8::is_valid(error.message.begin(), error.message.end()),
           what + ": the message is not UTF-8");
  } else {
    expect(as_json->is_object(), what + ": accepted a body that is not an object");
    expect(depth(*as_json) <= server::k_max_json_depth, what + ": accepted a body nested too deep");
    std::string dumped;
    try {
      dumped = as_json->dump();
    } catch (const json::exception& e) {
      broken(what + ": the accepted document does not serialize: " + e.what());
    }
    expect(json::parse(dumped) == *as_json, what + ": the document does not read back the same");
  }
  if (body.find('\0') != std::string_view::npos) {
    expect(!as_json, what + ": accepted a body holding a NUL byte");
  }
  auto strict = strict_object(body);
  expect(strict.has_value() == as_json.has_value(),
         what + (strict ? ": refused a JSON object a strict parse accepts"
                        : ": accepted what a strict parse refuses"));
  if (strict) expect(*strict == *as_json, what + ": read differently from a strict parse");
  return 0;
}

}  // namespace chirp::fuzz
