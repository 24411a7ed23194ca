#pragma once
// The endpoints. Each handler parses, calls core, formats: no rules live here. What the
// middleware applies to a route (who may call it, which limits) is declared where the
// route is registered, so no route can be added without saying.

#include "http.hpp"
#include "state.hpp"

#include <httplib.h>

#include <functional>

namespace chirp::server {

using RouteHandler = std::function<void(Exchange&)>;

/// Registers HANDLER for SPEC. Before HANDLER runs, the request is refused with 401
/// when SPEC needs a login and there is none, and with 429 when SPEC's own rate limit
/// is spent; a body field of the wrong type becomes a 400.
void add_route(httplib::Server& server, ServerState& state, const RouteSpec& spec,
               RouteHandler handler);

/// Applies RULE to KEY in the bucket family SCOPE; on refusal sends 429 and returns
/// false. Sets the RateLimit-* headers of the last bucket checked.
bool within_limit(ServerState& state, httplib::Response& res, const std::string& scope,
                  const std::string& key, const RateRule& rule);
/// The RateLimit-* headers of DECISION, taken under RULE (none for an unlimited rule).
void set_rate_headers(httplib::Response& res, const RateRule& rule, const RateDecision& decision);
/// Sets the RateLimit-* headers from DECISION (taken under RULE in bucket family
/// SCOPE); on refusal counts it, sends 429 with Retry-After and returns false.
bool answer_rate_decision(ServerState& state, httplib::Response& res, const std::string& scope,
                          const RateRule& rule, const RateDecision& decision);

void register_routes(httplib::Server& server, ServerState& state);
void register_auth_routes(httplib::Server& server, ServerState& state);
void register_user_routes(httplib::Server& server, ServerState& state);
void register_tweet_routes(httplib::Server& server, ServerState& state);
void register_ops_routes(httplib::Server& server, ServerState& state);
void register_discovery_routes(httplib::Server& server, ServerState& state);
void register_block_routes(httplib::Server& server, ServerState& state);
void register_notification_routes(httplib::Server& server, ServerState& state);
void register_stream_routes(httplib::Server& server, ServerState& state);

}  // namespace chirp::server
