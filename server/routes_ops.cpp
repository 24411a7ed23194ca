// GET /healthz and GET /metrics.
#include "routes.hpp"

namespace chirp::server {

void register_ops_routes(httplib::Server& server, ServerState& state) {
  // Never rate limited: a health check or a metrics scraper that gets 429 reports an
  // outage that is not there, and neither costs more than a cheap read.
  add_route(server, state, {"GET", "/healthz", "/healthz", Access::open, RouteLimit::exempt},
            [](Exchange& x) {
    auto queue = x.core.fanout().queue_status();  // also proves the database answers
    send_json(x.res, 200, {{"status", "ok"}, {"fanout_queue_depth", queue.depth}});
  });
  add_route(server, state, {"GET", "/metrics", "/metrics", Access::open, RouteLimit::exempt},
            [](Exchange& x) {
    x.res.set_content(x.state.metrics.render(x.core.fanout().queue_status(), x.state.checkpoint_stats()),
                      "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace chirp::server
