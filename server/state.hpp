#pragma once
// What the middleware and routes share for the life of one server.

#include "metrics.hpp"
#include "worker.hpp"

#include <chirp/rate_limit.hpp>

#include <atomic>

namespace chirp::server {

struct ServerState {
  explicit ServerState(const std::filesystem::path& db_path);
  Metrics metrics;
  RateLimiter limiter;
  RateRule requests;  ///< per user and per client address
  RateRule logins;    ///< per client address
  RateRule posts;     ///< per user
  FanoutWorker worker;
  std::atomic<std::uint64_t> next_request_id{1};
};

}  // namespace chirp::server
