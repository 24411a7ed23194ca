#pragma once
// The endpoints. Each handler parses, calls core, formats: no rules live here.

#include "state.hpp"

#include <httplib.h>

#include <functional>

namespace chirp::server {

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

/// Registers HANDLER for METHOD and PATTERN (a regex), labelled ROUTE in metrics; a
/// body field of the wrong type becomes a 400.
void add_route(httplib::Server& server, const char* method, const char* pattern,
               const char* route, RouteHandler handler);

/// The metric label of the route REQ would take ("unmatched" when none): for requests
/// answered before routing (refused by the middleware).
std::string route_label(const httplib::Request& req);

void register_routes(httplib::Server& server, ServerState& state);
void register_auth_routes(httplib::Server& server, ServerState& state);
void register_user_routes(httplib::Server& server, ServerState& state);
void register_tweet_routes(httplib::Server& server, ServerState& state);
void register_ops_routes(httplib::Server& server, ServerState& state);

}  // namespace chirp::server
