#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace chirp::server {

namespace {
constexpr std::int64_t k_sweep_interval_ms = 60'000;
constexpr std::int64_t k_longest_window_ms = 3'600'000;
}  // namespace

RateLimiter::RateLimiter(std::shared_ptr<Clock> clock) : m_clock(std::move(clock)) {}

RateDecision RateLimiter::take(const std::string& key, const RateRule& rule) {
  return decide(key, rule, true);
}

RateDecision RateLimiter::peek(const std::string& key, const RateRule& rule) {
  return decide(key, rule, false);
}

RateDecision RateLimiter::decide(const std::string& key, const RateRule& rule, bool take) {
  if (rule.capacity <= 0) return {};
  std::int64_t now = m_clock->now_ms();
  double capacity = static_cast<double>(rule.capacity);
  double per_ms = capacity / static_cast<double>(rule.window_ms);
  std::lock_guard lock(m_mutex);
  if (now - m_last_sweep_ms > k_sweep_interval_ms) forget_full_buckets(now);
  auto [it, inserted] = m_buckets.try_emplace(key, Bucket{0.0, now});
  Bucket& bucket = it->second;
  // Drained at this rule's rate; never more spent than the rule holds, so a lowered
  // limit costs a client at most one window, not the difference in requests.
  bucket.spent = std::clamp(bucket.spent - static_cast<double>(now - bucket.updated_ms) * per_ms,
                            0.0, capacity);
  bucket.updated_ms = now;
  RateDecision decision;
  decision.limit = rule.capacity;
  decision.window_seconds = rule.window_ms / 1000;
  bool allowed = bucket.spent + 1.0 <= capacity;
  if (allowed && take) bucket.spent += 1.0;
  // Seconds until the next request may be made (at least 1 while none may).
  auto seconds_until_one = [&] {
    return std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil((bucket.spent + 1.0 - capacity) / per_ms / 1000.0)));
  };
  decision.remaining = static_cast<std::int64_t>(std::floor(std::max(0.0, capacity - bucket.spent)));
  if (!allowed) {
    decision.allowed = false;
    decision.retry_after_seconds = seconds_until_one();
  }
  // With nothing left, the quota is back when the next request may be made, which is
  // what Retry-After says too; with some left, when the bucket is full again.
  decision.reset_seconds =
      decision.remaining == 0 ? seconds_until_one()
                              : static_cast<std::int64_t>(std::ceil(bucket.spent / per_ms / 1000.0));
  return decision;
}

void RateLimiter::forget_full_buckets(std::int64_t now) {
  // A bucket untouched for longer than any window is full again: the same as absent.
  std::erase_if(m_buckets, [&](const auto& entry) {
    return now - entry.second.updated_ms > k_longest_window_ms;
  });
  m_last_sweep_ms = now;
}

}  // namespace chirp::server
