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

/// One figure line: what, the baseline, chirp, and chirp / baseline.
inline void print_ratio(const std::string& figure, const std::string& unit, double baseline,
                        double chirp, const std::string& target = "") {
  fmt::print("{:<44} baseline {:>12.1f} {:<10} chirp {:>12.1f} {:<10} ratio {:.2f}{}\n", figure,
             baseline, unit, chirp, unit, baseline > 0 ? chirp / baseline : 0.0,
             target.empty() ? "" : "  (target " + target + ")");
  std::fflush(stdout);
}

}  // namespace chirp::bench
