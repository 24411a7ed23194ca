#include "http.hpp"

#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <vector>


namespace chirp::server {

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
  auto body = parse_json_body(x.req.body, x.req.get_header_value("Content-Type"));
  if (!body) {
    send_error(x.res, body.error().status, body.error().code, body.error().message);
    return std::nullopt;
  }
  return std::move(*body);
}

namespace {

/// Edits (insert, delete, replace one character) that turn A into B, case ignored.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

bool only_known_fields(Exchange& x, const nlohmann::json& body,
                       std::initializer_list<std::string_view> known,
                       std::initializer_list<std::string_view> earlier) {
  for (const auto& [name, value] : body.items()) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (std::find(earlier.begin(), earlier.end(), name) != earlier.end()) continue;
    std::string names;
    std::string_view closest;
    std::size_t best = 3;  // more edits than this is not a misspelling
    for (auto candidate : known) {
      names += (names.empty() ? "" : ", ") + std::string(candidate);
      if (name.size() > 64) continue;
      if (auto d = edit_distance(name, candidate); d < best) {
        best = d;
        closest = candidate;
      }
    }
    std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
    std::string message = closest.empty()
                              ? fmt::format("unknown field '{}'", shown)
                              : fmt::format("unknown field '{}' (did you mean '{}'?)", shown, closest);
    send_error(x.res, 422, "invalid", fmt::format("{}; this endpoint takes {}", message, names));
    return false;
  }
  return true;
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
  auto page = parse_page(x.req.params);
  if (!page) {
    send_error(x.res, page.error().status, page.error().code, page.error().message);
    return std::nullopt;
  }
  return *page;
}

std::string percent_encoded(std::string_view text, bool keep_slashes) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slashes && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
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
    // The path as it was decoded (a tag page's /tags/%23x is /tags/#x), encoded again.
    std::string link = fmt::format("<{}?limit={}&max_id={}", percent_encoded(x.req.path, true),
                                   next->limit, *next->max_id);
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
