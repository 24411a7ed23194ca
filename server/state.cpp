#include "state.hpp"

#include <httplib.h>

#include <chrono>

namespace chirp::server {

namespace {
constexpr std::int64_t k_rules_refresh_ms = 1000;
constexpr std::int64_t k_rate_window_ms = 300'000;
}  // namespace

ServerState::ServerState(std::filesystem::path db_path)
    : limiter(system_clock()), worker(db_path, metrics), m_db_path(std::move(db_path)) {}

ServerState::ThreadSlot& ServerState::slot() {
  std::lock_guard lock(m_slots_mutex);
  auto& slot = m_slots[std::this_thread::get_id()];
  if (!slot) slot = std::make_unique<ThreadSlot>();
  return *slot;
}

Core& ServerState::core() {
  auto& s = slot();
  if (!s.core) {
    s.core = std::make_unique<Core>(
        Core::open({.path = m_db_path, .work_queued = [this] { worker.notify(); }}));
  }
  return *s.core;
}

RequestContext& ServerState::context() { return slot().context; }

RateRules ServerState::rate_rules(Core& core) {
  std::int64_t now = core.clock().now_ms();
  std::lock_guard lock(m_rules_mutex);
  if (m_rules_read_ms < 0 || now - m_rules_read_ms >= k_rules_refresh_ms) {
    auto rule = [&](const char* key) {
      return RateRule{core.settings().value(key), k_rate_window_ms};
    };
    m_rules = {rule(setting::rate_requests), rule(setting::rate_logins), rule(setting::rate_posts)};
    m_rules_read_ms = now;
  }
  return m_rules;
}

void ServerState::add_route(const RouteSpec& route) {
  m_routes.push_back(
      {route.method, std::regex(route.pattern), std::string(route.method) + " " + route.label});
}

std::string ServerState::route_label(const httplib::Request& req) const {
  for (const auto& route : m_routes) {
    if (route.method == req.method && std::regex_match(req.path, route.pattern)) {
      return route.label;
    }
  }
  return "unmatched";
}

}  // namespace chirp::server
