#pragma once
// What every route handler shares: the per-request context set by the middleware,
// this thread's Core, and JSON in and out with the one error shape.

#include <chirp/core.hpp>
#include <chirp/error.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace chirp::server {

constexpr std::size_t k_max_body_bytes = 64 * 1024;
constexpr int k_max_json_depth = 16;

/// Set by the pre-routing middleware for the request this thread is serving.
struct RequestContext {
  std::string request_id;
  std::string route = "unmatched";  ///< metric label: "GET /users/{id}/timeline"
  std::optional<User> user;         ///< from a valid Bearer token
  std::int64_t start_ns = 0;
  int refused_status = 0;  ///< set when the middleware refused a request with a body
  bool closing = false;    ///< the response ends the connection
};
RequestContext& request_context();

/// This thread's Core (one SQLite connection per HTTP thread), opened on first use.
Core& core();
void set_database_path(const std::filesystem::path& path);

int http_status(Code code);
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
/// Sends BODY, already serialized JSON, with STATUS.
void send_json_text(httplib::Response& res, int status, std::string body);
void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message);
void send_error(httplib::Response& res, const Error& error);

/// The request body as a JSON object, or a response already sent (400/413/415).
std::optional<nlohmann::json> json_body(const httplib::Request& req, httplib::Response& res);

/// A field of BODY: absent → nullopt; present with the wrong type → sends 400.
struct FieldError {};
std::optional<std::string> string_field(const nlohmann::json& body, const char* name);
std::optional<Id> id_field(const nlohmann::json& body, const char* name);

/// limit / max_id / since_id from the query string; nullopt after sending 400.
std::optional<PageRequest> page_request(const httplib::Request& req, httplib::Response& res);
/// Sends {"data": DATA_JSON, "next_cursor": ...} with a Link header for the next page;
/// DATA_JSON is an already serialized JSON array.
void send_page(const httplib::Request& req, httplib::Response& res, std::string_view data_json,
               const std::optional<Id>& next_max_id, int limit);

/// The user named by path segment N ({id}: numeric id or handle); nullopt after 404.
std::optional<User> path_user(const httplib::Request& req, httplib::Response& res, int n = 1);
/// path_user, when the path's user is not simply USER (then without a query).
std::optional<User> path_user_or(const User& user, const httplib::Request& req,
                                 httplib::Response& res, int n = 1);
/// The numeric tweet id in path segment N; nullopt after 404.
std::optional<Id> path_tweet_id(const httplib::Request& req, httplib::Response& res, int n = 1);
/// The authenticated user; nullopt after sending 401.
std::optional<User> require_login(httplib::Response& res);

}  // namespace chirp::server
