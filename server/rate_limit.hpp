#pragma once
// Token-bucket rate limiting, shared by every request thread of a server.

#include <chirp/clock.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace chirp::server {

/// CAPACITY requests per WINDOW_MS, refilled continuously; capacity 0 means unlimited.
struct RateRule {
  std::int64_t capacity = 0;
  std::int64_t window_ms = 300'000;
};

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;              ///< the rule's capacity
  std::int64_t remaining = 0;          ///< whole tokens left after this request
  std::int64_t window_seconds = 0;     ///< the rule's window
  /// With tokens left, until the bucket is full again; with none, until one is back
  /// (then equal to retry_after_seconds, so the two headers agree).
  std::int64_t reset_seconds = 0;
  std::int64_t retry_after_seconds = 0;  ///< until one token is back (when refused)
};

class RateLimiter {
public:
  explicit RateLimiter(std::shared_ptr<Clock> clock);
  /// Takes one token from the bucket KEY under RULE.
  RateDecision take(const std::string& key, const RateRule& rule);
  /// Whether the bucket KEY has a token left under RULE, taking none.
  RateDecision peek(const std::string& key, const RateRule& rule);

private:
  /// What a key has spent, draining at the rule's rate: kept as spent rather than left,
  /// so that a rule changed while the server runs applies to every bucket at once.
  struct Bucket {
    double spent;
    std::int64_t updated_ms;
  };
  void forget_full_buckets(std::int64_t now);
  RateDecision decide(const std::string& key, const RateRule& rule, bool take);

  std::shared_ptr<Clock> m_clock;
  std::mutex m_mutex;
  std::unordered_map<std::string, Bucket> m_buckets;
  std::int64_t m_last_sweep_ms = 0;
};

}  // namespace chirp::server
