#pragma once
// What the middleware and routes share for the life of one server, passed to each
// explicitly: the route table, the rate limiter and its live rules, metrics, the
// fan-out worker, and each HTTP thread's Core and request context.

#include "connections.hpp"
#include "metrics.hpp"
#include "rate_limit.hpp"
#include "streams.hpp"
#include "worker.hpp"

#include <chirp/checkpointer.hpp>
#include <chirp/core.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace chirp::server {

/// Who may call a route.
enum class Access {
  open,   ///< anyone; a valid token, when sent, identifies the caller
  login,  ///< a valid Bearer token (401 otherwise)
};

/// A rate limit a route adds to the per-address and per-user request limits.
enum class RouteLimit {
  none,
  posting,  ///< ratelimit.posts_per_5min, per user: it creates a tweet
  exempt,   ///< not even the per-address and per-user limits: health checks, metrics
  stream,   ///< a live event stream: one of stream.max_open (503 past it); its time open
            ///< is not request latency
};

/// A route as registered: where it lives and what the middleware applies to it.
struct RouteSpec {
  const char* method;
  const char* pattern;  ///< a regex over the path; groups are the {id}s
  const char* label;    ///< the path with {id}s, for metrics ("/users/{id}/timeline")
  Access access = Access::open;
  RouteLimit limit = RouteLimit::none;
};

/// The rate-limit settings, read from the database (at most a second old).
struct RateRules {
  RateRule requests;  ///< per user and per client address
  RateRule logins;          ///< failed logins per client address
  RateRule account_logins;  ///< failed logins per account, from addresses new to it
  RateRule posts;     ///< per user
};

/// What the middleware learns about the request a thread is serving.
struct RequestContext {
  std::string request_id;
  std::string route = "unmatched";  ///< metric label: "GET /users/{id}/timeline"
  std::optional<User> user;         ///< from a valid Bearer token
  RateRules rules;                  ///< the limits in force for this request
  std::string client;               ///< the client's address (see client_address)
  std::int64_t start_ns = 0;
  int refused_status = 0;  ///< set when the middleware refused a request with a body
  std::uint64_t head_bytes = 0;  ///< the request line and headers, as sent (estimated)
  bool closing = false;    ///< the response ends the connection
  /// A live stream's place under stream.max_open (RouteLimit::stream), taken by the
  /// route wrapper for the handler to keep for the stream's life.
  std::shared_ptr<StreamHub::Lease> stream;
  bool streaming = false;  ///< the response is a live stream: its time open is no latency
};


class ServerState {
public:
  /// TRUSTED_PROXIES: the addresses (a reverse proxy such as nginx) whose
  /// X-Forwarded-For is believed.
  ServerState(std::filesystem::path db_path, std::vector<std::string> trusted_proxies = {});

  /// The address rate limits and the log know the client by: the socket's peer, or,
  /// when the peer is a trusted proxy, the last X-Forwarded-For entry that proxy
  /// appended. A client talking to chirp directly cannot choose its address.
  std::string client_address(const httplib::Request& req) const;

  /// What each HTTP thread keeps: its Core (one SQLite connection per thread, opened
  /// on first use; its posts wake the fan-out worker) and the context of the request
  /// it is serving.
  struct ThreadSlot {
    Core& core;
    RequestContext& context;
    PipelineWatch& pipeline;
  };
  ThreadSlot thread();
  Core& core() { return thread().core; }
  RequestContext& context() { return thread().context; }

  /// The rate-limit rules as the settings have them now (re-read at most once a second,
  /// so `chirp config set ratelimit...` applies to a running server).
  RateRules rate_rules(Core& core);

  /// Records ROUTE in the table (for labels of requests refused before routing).
  void add_route(const RouteSpec& route);
  /// The metric label of the route REQ would take ("unmatched" when none).
  std::string route_label(const httplib::Request& req) const;
  /// The methods routes take at PATH, as an Allow header lists them ("" when none).
  std::string allowed_methods(const std::string& path) const;
  /// Whether REQ takes a route declared RouteLimit::exempt (cheap: only those are tried).
  bool is_exempt(const httplib::Request& req) const;

  Metrics metrics;
  Connections connections;
  RateLimiter limiter;
  StreamHub streams;
  FanoutWorker worker;  ///< publishes to streams
  /// Checkpoints the WAL for the connections of this process and bounds it (they
  /// checkpoint on their own commits never, or the worker past 64 MiB: worker.hpp).
  /// Started by serve once the stop signals are blocked (a thread started before
  /// would take them).
  std::optional<Checkpointer> checkpointer;
  Checkpointer::Stats checkpoint_stats() const {
    return checkpointer ? checkpointer->stats() : Checkpointer::Stats{};
  }
  std::atomic<std::uint64_t> next_request_id{1};

  /// The addresses each account last logged in from (at most a few per account, for
  /// as many accounts as fit), so that a throttled account still lets its owner in.
  bool known_login_address(const std::string& account, const std::string& address);
  void remember_login_address(const std::string& account, const std::string& address);

private:
  struct Slot {
    std::unique_ptr<Core> core;
    RequestContext context;
    PipelineWatch pipeline;
  };

  std::filesystem::path m_db_path;
  std::vector<std::string> m_trusted_proxies;
  std::mutex m_slots_mutex;
  std::unordered_map<std::thread::id, std::unique_ptr<Slot>> m_slots;

  std::mutex m_rules_mutex;
  RateRules m_rules;
  std::optional<std::chrono::steady_clock::time_point> m_rules_read;

  std::mutex m_known_mutex;
  std::unordered_map<std::string, std::vector<std::string>> m_known_addresses;

  struct RouteEntry {
    std::string method;
    std::regex pattern;
    std::string label;
  };
  std::vector<RouteEntry> m_exempt_routes;
  std::vector<RouteEntry> m_routes;
};

}  // namespace chirp::server
