// GET /healthz and GET /metrics.
#include "http.hpp"
#include "routes.hpp"

namespace chirp::server {

void register_ops_routes(httplib::Server& server, ServerState& state) {
  add_route(server, "GET", "/healthz", "/healthz", [](const auto&, auto& res) {
    auto queue = core().fanout_queue_status();  // also proves the database answers
    send_json(res, 200, {{"status", "ok"}, {"fanout_queue_depth", queue.depth}});
  });
  add_route(server, "GET", "/metrics", "/metrics", [&state](const auto&, auto& res) {
    res.set_content(state.metrics.render(core().fanout_queue_status()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace chirp::server
