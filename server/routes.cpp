#include "routes.hpp"

#include "middleware.hpp"

#include <chirp/settings.hpp>

#include <fmt/core.h>

#include <stdexcept>
#include <string>

namespace chirp::server {

bool within_limit(ServerState& state, httplib::Response& res, const std::string& scope,
                  const std::string& key, const RateRule& rule) {
  return answer_rate_decision(state, res, scope, rule, state.limiter.take(scope + ":" + key, rule));
}

void set_rate_headers(httplib::Response& res, const RateRule& rule, const RateDecision& d) {
  if (rule.capacity <= 0) return;
  // Several buckets may apply to one request: the headers describe the last one checked.
  // The fields of draft-ietf-httpapi-ratelimit-headers-06: the policy is "LIMIT;w=WINDOW".
  for (const char* name :
       {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"}) {
    res.headers.erase(name);
  }
  res.set_header("RateLimit-Policy", fmt::format("{};w={}", d.limit, d.window_seconds));
  res.set_header("RateLimit-Limit", std::to_string(d.limit));
  res.set_header("RateLimit-Remaining", std::to_string(d.remaining));
  res.set_header("RateLimit-Reset", std::to_string(d.reset_seconds));
}

bool answer_rate_decision(ServerState& state, httplib::Response& res, const std::string& scope,
                          const RateRule& rule, const RateDecision& d) {
  if (rule.capacity <= 0) return true;
  set_rate_headers(res, rule, d);
  if (d.allowed) return true;
  state.metrics.count_rate_limited(scope);
  res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
  send_error(res, 429, "rate_limited",
             fmt::format("too many requests; retry in {} s", d.retry_after_seconds));
  return false;
}

namespace {

/// The route's own limit, after the middleware's per-address and per-user ones.
bool within_route_limit(Exchange& x, RouteLimit limit) {
  switch (limit) {
    case RouteLimit::none:
    case RouteLimit::exempt: return true;
    case RouteLimit::posting:
      return within_limit(x.state, x.res, "post", std::to_string(x.caller().id),
                          x.context.rules.posts);
    case RouteLimit::stream: {
      auto& settings = x.core.settings();
      x.context.stream = x.state.streams.open(settings.value(setting::stream_max_open));
      if (x.context.stream) return true;
      x.state.metrics.count_stream_refused();
      // A stream ends only when its client leaves: suggest the reconnect delay streams
      // themselves are told.
      auto retry_s = (settings.value(setting::stream_retry_ms) + 999) / 1000;
      x.res.set_header("Retry-After", std::to_string(retry_s));
      send_error(x.res, 503, "unavailable",
                 fmt::format("the server holds as many live streams as it may "
                             "(stream.max_open); retry in {} s",
                             retry_s));
      return false;
    }
  }
  return true;
}

}  // namespace

void add_route(httplib::Server& server, ServerState& state, const RouteSpec& spec,
               RouteHandler handler) {
  if ((spec.limit == RouteLimit::posting || spec.limit == RouteLimit::stream) &&
      spec.access != Access::login) {
    // Posting is counted per user, so it needs one.
    throw std::logic_error(fmt::format("{} {}: a posting or stream route needs a login", spec.method,
                                       spec.label));
  }
  const RouteSpec& route = spec;
  state.add_route(route);
  auto wrapped = [&state, route, label = std::string(route.method) + " " + route.label,
                  handler = std::move(handler)](const httplib::Request& req,
                                                httplib::Response& res) {
    auto thread = state.thread();
    Exchange x{state, thread.core, thread.context, req, res};
    x.context.route = label;
    if (int status = x.context.refused_status) {
      res.status = status;  // refused before routing; the response is already set
      return;
    }
    if (!x.state.connections.handler_started(peer_key(req.remote_addr, req.remote_port))) {
      // Its connection was ended (shutdown, or too slow) after httplib read the
      // request: nothing is done that the client could not be told of.
      return send_error(res, 503, "unavailable", "the connection was closed");
    }
    if (route.access == Access::login && !x.context.user) return send_unauthenticated(res);
    if (!within_route_limit(x, route.limit)) return;
    try {
      handler(x);
    } catch (const FieldError&) {
      send_error(res, 400, "bad_request", "a field of the body has the wrong type");
    }
    end_if_pipelined(state, req, res);
  };
  std::string method = route.method;
  if (method == "GET") {
    server.Get(route.pattern, wrapped);
  } else if (method == "POST") {
    server.Post(route.pattern, wrapped);
  } else if (method == "DELETE") {
    server.Delete(route.pattern, wrapped);
  } else if (method == "PUT") {
    server.Put(route.pattern, wrapped);
  }
}

void register_routes(httplib::Server& server, ServerState& state) {
  register_auth_routes(server, state);
  register_user_routes(server, state);
  register_tweet_routes(server, state);
  register_block_routes(server, state);
  register_notification_routes(server, state);
  register_ops_routes(server, state);
  register_discovery_routes(server, state);
  register_stream_routes(server, state);
}

}  // namespace chirp::server
