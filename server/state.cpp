#include "state.hpp"

#include "parse.hpp"

#include <httplib.h>

#include <algorithm>

#include <chrono>

namespace chirp::server {

namespace {
constexpr auto k_rules_refresh = std::chrono::seconds(1);
}  // namespace

ServerState::ServerState(std::filesystem::path db_path, std::vector<std::string> trusted_proxies)
    : limiter(system_clock()),
      worker(db_path, metrics, [this] { streams.publish(); }),
      m_db_path(std::move(db_path)),
      m_trusted_proxies(std::move(trusted_proxies)) {}

std::string ServerState::client_address(const httplib::Request& req) const {
  if (std::find(m_trusted_proxies.begin(), m_trusted_proxies.end(), req.remote_addr) ==
      m_trusted_proxies.end()) {
    return req.remote_addr;
  }
  // The proxy sets the field itself (proxy_set_header X-Forwarded-For $remote_addr):
  // exactly one, naming an address, or the request did not come through it properly.
  if (req.headers.count("X-Forwarded-For") != 1) return req.remote_addr;
  return forwarded_client(req.headers.find("X-Forwarded-For")->second).value_or(req.remote_addr);
}

ServerState::ThreadSlot ServerState::thread() {
  Slot* slot = nullptr;
  {
    std::lock_guard lock(m_slots_mutex);
    auto& entry = m_slots[std::this_thread::get_id()];
    if (!entry) entry = std::make_unique<Slot>();
    slot = entry.get();  // stable: only this thread uses it, and it lives as long as we do
  }
  if (!slot->core) {
    slot->core = std::make_unique<Core>(
        Core::open({.path = m_db_path,
                    .autocheckpoint_pages = k_request_autocheckpoint_pages,
                    .work_queued = [this] { worker.notify(); }}));
  }
  return {*slot->core, slot->context, slot->pipeline};
}

RateRules ServerState::rate_rules(Core& core) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(m_rules_mutex);
  if (!m_rules_read || now - *m_rules_read >= k_rules_refresh) {
    auto rule = [&](const char* key) {
      return RateRule{core.settings().value(key), setting::rate_window_ms};
    };
    m_rules = {rule(setting::rate_requests), rule(setting::rate_logins),
               rule(setting::rate_account_logins), rule(setting::rate_posts)};
    m_rules_read = now;
  }
  return m_rules;
}

namespace {
constexpr std::size_t k_known_addresses_per_account = 8;
constexpr std::size_t k_known_accounts = 100'000;
}  // namespace

bool ServerState::known_login_address(const std::string& account, const std::string& address) {
  std::lock_guard lock(m_known_mutex);
  auto it = m_known_addresses.find(account);
  return it != m_known_addresses.end() &&
         std::find(it->second.begin(), it->second.end(), address) != it->second.end();
}

void ServerState::remember_login_address(const std::string& account, const std::string& address) {
  std::lock_guard lock(m_known_mutex);
  if (m_known_addresses.size() >= k_known_accounts && !m_known_addresses.contains(account)) {
    m_known_addresses.clear();  // as many as fit; starting over costs only convenience
  }
  auto& addresses = m_known_addresses[account];
  std::erase(addresses, address);
  addresses.insert(addresses.begin(), address);  // newest first
  if (addresses.size() > k_known_addresses_per_account) addresses.pop_back();
}

void ServerState::add_route(const RouteSpec& route) {
  m_routes.push_back(
      {route.method, std::regex(route.pattern), std::string(route.method) + " " + route.label});
  if (route.limit == RouteLimit::exempt) m_exempt_routes.push_back(m_routes.back());
}

std::string ServerState::allowed_methods(const std::string& path) const {
  std::vector<std::string> methods;
  for (const auto& route : m_routes) {
    if (std::find(methods.begin(), methods.end(), route.method) == methods.end() &&
        std::regex_match(path, route.pattern)) {
      methods.push_back(route.method);
      if (route.method == "GET") methods.emplace_back("HEAD");  // httplib answers HEAD too
    }
  }
  std::string allow;
  for (const auto& method : methods) allow += (allow.empty() ? "" : ", ") + method;
  return allow;
}

bool ServerState::is_exempt(const httplib::Request& req) const {
  return std::any_of(m_exempt_routes.begin(), m_exempt_routes.end(), [&](const RouteEntry& r) {
    return (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) &&
           std::regex_match(req.path, r.pattern);
  });
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
