#include "http.hpp"

#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <charconv>

namespace chirp::server {

namespace {

std::optional<Id> parse_id(std::string_view text) {
  Id id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

/// Deepest nesting of arrays/objects in TEXT (strings skipped), stopping past LIMIT.
int json_depth(const std::string& text, int limit) {
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

}  // namespace

int http_status(Code code) {
  switch (code) {
    case Code::invalid: return 422;
    case Code::not_found: return 404;
    case Code::forbidden: return 403;
    case Code::conflict: return 409;
    case Code::unauthenticated: return 401;
  }
  return 500;
}

void send_json_text(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  send_json_text(res, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message) {
  send_json(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

void send_error(httplib::Response& res, const Error& error) {
  send_error(res, http_status(error.code), code_name(error.code), error.message);
}

void send_unauthenticated(httplib::Response& res) {
  res.set_header("WWW-Authenticate", "Bearer");
  send_error(res, 401, "unauthenticated", "log in first: send Authorization: Bearer <token>");
}

std::optional<nlohmann::json> json_body(Exchange& x) {
  const auto& req = x.req;
  auto& res = x.res;
  std::string type = req.get_header_value("Content-Type");
  if (!type.empty() && type.rfind("application/json", 0) != 0) {
    send_error(res, 415, "unsupported_media_type", "send the body as application/json");
    return std::nullopt;
  }
  // JSON has no raw NUL (a string spells it \u0000). nlohmann's parser stops at one,
  // so `{"text":"x"}\0junk` would read as a whole document: refused as what it is.
  if (req.body.find('\0') != std::string::npos) {
    send_error(res, 400, "bad_json", "the body must be one JSON document (it holds a NUL byte)");
    return std::nullopt;
  }
  if (json_depth(req.body, k_max_json_depth) > k_max_json_depth) {
    send_error(res, 400, "bad_json",
               fmt::format("JSON nested deeper than {} levels", k_max_json_depth));
    return std::nullopt;
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    send_error(res, 400, "bad_json", "the body is not valid JSON (or not valid UTF-8)");
    return std::nullopt;
  }
  if (!body.is_object()) {
    send_error(res, 400, "bad_request", "the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> string_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw FieldError{};
  return it->get<std::string>();
}

std::optional<Id> id_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (it->is_number_unsigned()) {
    auto id = it->get<std::uint64_t>();
    if (id > 0 && id <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<Id>(id);
  } else if (it->is_string()) {
    if (auto id = parse_id(it->get<std::string>())) return id;
  }
  throw FieldError{};
}

std::optional<PageRequest> page_request(Exchange& x) {
  const auto& req = x.req;
  auto& res = x.res;
  PageRequest page;
  if (req.has_param("limit")) {
    std::string text = req.get_param_value("limit");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page.limit);
    if (ec != std::errc() || end != text.data() + text.size()) {
      send_error(res, 400, "bad_request",
                 fmt::format("limit must be a number from 1 to {}", k_max_page_limit));
      return std::nullopt;
    }
  }
  // Out of bounds is a bad query string here (400), whatever core calls it.
  if (auto ok = validate_page(page); !ok) {
    send_error(res, 400, "bad_request", ok.error().message);
    return std::nullopt;
  }
  for (auto [name, slot] : {std::pair{"max_id", &page.max_id}, {"since_id", &page.since_id}}) {
    if (!req.has_param(name)) continue;
    auto id = parse_id(req.get_param_value(name));
    if (!id) {
      send_error(res, 400, "bad_request", fmt::format("{} must be a tweet or user id", name));
      return std::nullopt;
    }
    *slot = id;
  }
  return page;
}

void send_page(Exchange& x, std::string_view data_json, const std::optional<PageRequest>& next) {
  // Keys in sorted order, as the rest of the API prints them.
  std::string body;
  body.reserve(data_json.size() + 64);
  body += "{\"data\":";
  body += data_json;
  body += ",\"next_cursor\":";
  if (next && next->max_id) {
    body += fmt::format("\"{}\"", *next->max_id);
    std::string link = fmt::format("<{}?limit={}&max_id={}", x.req.path, next->limit, *next->max_id);
    if (next->since_id) link += fmt::format("&since_id={}", *next->since_id);
    x.res.set_header("Link", link + ">; rel=\"next\"");
  } else {
    body += "null";
  }
  body += '}';
  send_json_text(x.res, 200, std::move(body));
}

std::optional<User> path_user(Exchange& x, int n) {
  auto user = x.core.users().find(x.req.matches[n].str());
  if (!user) {
    send_error(x.res, user.error());
    return std::nullopt;
  }
  return *user;
}

std::optional<User> path_user_or(Exchange& x, const User& user, int n) {
  if (refers_to(x.req.matches[n].str(), user)) return user;
  return path_user(x, n);
}

std::optional<Id> path_tweet_id(Exchange& x, int n) {
  auto id = parse_id(x.req.matches[n].str());
  if (!id) send_error(x.res, 404, "not_found", "no tweet with id " + x.req.matches[n].str());
  return id;
}

}  // namespace chirp::server
