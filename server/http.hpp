#pragma once
// What every route handler works with: the exchange (request, response, this thread's
// Core and the middleware's context), JSON in and out with the one error shape.

#include "parse.hpp"
#include "state.hpp"

#include <chirp/core.hpp>
#include <chirp/error.hpp>
#include <chirp/json.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::server {

/// The one limit on request bodies (refused at their headers by the middleware; the
/// server also tells httplib, so that it skips rather than reads a refused body).
constexpr std::size_t k_max_body_bytes = 64 * 1024;

/// One request being answered, with what its handler needs.
struct Exchange {
  ServerState& state;
  Core& core;
  RequestContext& context;
  const httplib::Request& req;
  httplib::Response& res;

  /// The caller, on a route declared Access::login (the middleware checked it).
  const User& caller() const { return *context.user; }
  /// The caller's id, 0 for an anonymous request.
  Id viewer() const { return context.user ? context.user->id : 0; }
};

int http_status(Code code);
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
/// Sends BODY, already serialized JSON, with STATUS.
void send_json_text(httplib::Response& res, int status, std::string body);
void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message);
void send_error(httplib::Response& res, const Error& error);
/// Sends 401 with a WWW-Authenticate challenge.
void send_unauthenticated(httplib::Response& res);

/// The request body as a JSON object, or a response already sent (400/415).
std::optional<nlohmann::json> json_body(Exchange& x);

/// Whether BODY has only fields named in KNOWN. Otherwise sends 422 naming the first
/// other one (and the known name it is likely a misspelling of) and returns false: a
/// field the server would ignore is a mistake the client should hear about. EARLIER
/// names are accepted too, but neither listed nor suggested.
bool only_known_fields(Exchange& x, const nlohmann::json& body,
                       std::initializer_list<std::string_view> known,
                       std::initializer_list<std::string_view> earlier = {});

/// A field of BODY: absent → nullopt; present with the wrong type → throws FieldError,
/// which the route wrapper answers with 400.
struct FieldError {};
std::optional<std::string> string_field(const nlohmann::json& body, const char* name);
std::optional<Id> id_field(const nlohmann::json& body, const char* name);

/// TEXT percent-encoded for a URL (RFC 3986 unreserved characters kept, and `/` too
/// when KEEP_SLASHES: a path).
std::string percent_encoded(std::string_view text, bool keep_slashes = false);

/// limit / max_id / since_id from the query string; nullopt after sending 400.
std::optional<PageRequest> page_request(Exchange& x);
/// ITEMS (users, notifications: whatever to_json takes) as a compact JSON array, for
/// send_page; invalid UTF-8 is written as U+FFFD.
template <class T>
std::string json_list(const std::vector<T>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Sends {"data": DATA_JSON, "next_cursor": ...}; DATA_JSON is an already serialized
/// JSON array. A Link header points at the NEXT page, with every bound it keeps.
void send_page(Exchange& x, std::string_view data_json, const std::optional<PageRequest>& next);

/// The user named by path segment N ({id}: numeric id or handle); nullopt after 404.
std::optional<User> path_user(Exchange& x, int n = 1);
/// path_user, answered from USER without a query when the path names USER.
std::optional<User> path_user_or(Exchange& x, const User& user, int n = 1);
/// The numeric tweet id in path segment N; nullopt after 404.
std::optional<Id> path_tweet_id(Exchange& x, int n = 1);

}  // namespace chirp::server
