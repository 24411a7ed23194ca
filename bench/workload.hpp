#pragma once
// The synthetic social graph and the request mix of the benchmarks.

#include <chirp/core.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace chirp::bench {

struct GraphSpec {
  std::size_t users = 100'000;
  double mean_followers = 75;     ///< Twitter's average audience
  double tail_exponent = 2.4;     ///< P(k) ~ k^-2.4, as measured on Twitter's graph
  std::size_t celebrities = 5;    ///< each followed by 5-20% of all users
  double tweets_per_user = 2;     ///< history, posted over the last 30 days
  std::uint64_t seed = 42;
};

/// small: CI in seconds; medium; large: the default 100,000 users (minutes); xlarge:
/// 1,000,000 users (bench/run --xlarge, not in CI).
GraphSpec graph_spec_for_scale(const std::string& scale);

/// Follower counts: Pareto with the spec's tail, scaled to the mean, plus celebrities
/// (the first `celebrities` users). Deterministic from the seed.
BulkData generate_graph(const GraphSpec& spec, std::int64_t now_ms);

/// Draws user indexes with Zipf-skewed popularity (s = 1): index 0 most often.
class Zipf {
public:
  Zipf(std::size_t n, double s, std::uint64_t seed);
  std::size_t next();

private:
  std::vector<double> m_cdf;
  std::mt19937_64 m_rng;
  std::uniform_real_distribution<double> m_unit{0.0, 1.0};
};

/// A sentence of tweet text, deterministic from RNG.
std::string tweet_text(std::mt19937_64& rng);

}  // namespace chirp::bench
