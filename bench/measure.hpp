#pragma once
// Timing, percentiles and the figure lines every benchmark prints.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/core.h>

namespace chirp::bench {

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// The P-th percentile (0..100) of SAMPLES (sorted in place).
inline double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(index, samples.size() - 1)];
}

/// Calls per second and the latency of one call, in microseconds.
struct Rate {
  double per_second;
  double p50_us;
  double p99_us;
};

/// Calls CALL(i) for SECONDS, timing each call.
template <class F>
Rate measure(double seconds, F&& call) {
  std::vector<double> latencies;
  double t0 = now_seconds();
  std::size_t i = 0;
  while (now_seconds() - t0 < seconds) {
    double start = now_seconds();
    call(i++);
    latencies.push_back((now_seconds() - start) * 1e6);
  }
  double rate = static_cast<double>(i) / (now_seconds() - t0);
  return {rate, percentile(latencies, 50), percentile(latencies, 99)};
}

/// One figure line: what, the baseline, chirp, and chirp / baseline.
inline void print_ratio(const std::string& figure, const std::string& unit, double baseline,
                        double chirp, const std::string& target = "") {
  fmt::print("{:<44} baseline {:>12.1f} {:<10} chirp {:>12.1f} {:<10} ratio {:.2f}{}\n", figure,
             baseline, unit, chirp, unit, baseline > 0 ? chirp / baseline : 0.0,
             target.empty() ? "" : "  (target " + target + ")");
  std::fflush(stdout);
}

}  // namespace chirp::bench
