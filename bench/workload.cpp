#include "workload.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

namespace chirp::bench {

GraphSpec graph_spec_for_scale(const std::string& scale) {
  GraphSpec spec;
  if (scale == "small") {
    spec.users = 5'000;
  } else if (scale == "medium") {
    spec.users = 30'000;
  } else if (scale == "large") {
    spec.users = 100'000;
  } else if (scale == "xlarge") {
    spec.users = 1'000'000;
  } else {
    throw std::invalid_argument("scale must be small, medium, large or xlarge");
  }
  return spec;
}

BulkData generate_graph(const GraphSpec& spec, std::int64_t now_ms) {
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::size_t n = spec.users;
  BulkData data;
  data.users.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    data.users.push_back({.handle = fmt::format("u{}", i), .name = fmt::format("User {}", i)});
  }
  // Pareto: P(K > k) = (k / k_min)^-(alpha - 1); mean = k_min (alpha - 1) / (alpha - 2).
  double alpha = spec.tail_exponent;
  double k_min = spec.mean_followers * (alpha - 2) / (alpha - 1);
  std::uniform_int_distribution<std::size_t> any_user(0, n - 1);
  for (std::size_t followee = 0; followee < n; ++followee) {
    double k;
    if (followee < spec.celebrities) {
      k = static_cast<double>(n) * (0.05 + 0.15 * unit(rng));
    } else {
      k = k_min * std::pow(1.0 - unit(rng), -1.0 / (alpha - 1));
    }
    auto count = std::min<std::size_t>(n - 1, static_cast<std::size_t>(k));
    std::unordered_set<std::size_t> chosen;
    while (chosen.size() < count) {
      std::size_t follower = any_user(rng);
      if (follower != followee && chosen.insert(follower).second) {
        data.follows.emplace_back(follower, followee);
      }
    }
  }
  // History: activity is skewed too (Zipf over a shuffled order), spread over 30 days.
  auto total = static_cast<std::size_t>(spec.tweets_per_user * static_cast<double>(n));
  Zipf author(n, 1.0, spec.seed + 1);
  std::vector<std::size_t> by_activity(n);
  for (std::size_t i = 0; i < n; ++i) by_activity[i] = i;
  std::shuffle(by_activity.begin(), by_activity.end(), rng);
  std::int64_t span_ms = 30LL * 86'400'000;
  std::vector<std::int64_t> times(total);
  for (auto& t : times) t = now_ms - static_cast<std::int64_t>(unit(rng) * static_cast<double>(span_ms));
  std::sort(times.begin(), times.end());
  for (std::size_t i = 0; i < total; ++i) {
    data.tweets.push_back({by_activity[author.next()], tweet_text(rng), times[i]});
  }
  return data;
}

Zipf::Zipf(std::size_t n, double s, std::uint64_t seed) : m_cdf(n), m_rng(seed) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
    m_cdf[i] = sum;
  }
  for (auto& c : m_cdf) c /= sum;
}

std::size_t Zipf::next() {
  double u = m_unit(m_rng);
  auto it = std::lower_bound(m_cdf.begin(), m_cdf.end(), u);
  return std::min<std::size_t>(static_cast<std::size_t>(it - m_cdf.begin()), m_cdf.size() - 1);
}

std::string tweet_text(std::mt19937_64& rng) {
  static const char* words[] = {"sqlite", "timeline", "chirp",   "fan-out", "inbox", "coffee",
                                "laptop", "deploy",   "morning", "release", "bug",   "fast",
                                "today",  "reading",  "#cpp",    "#sqlite", "hello", "world"};
  std::uniform_int_distribution<int> count(4, 20);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(words) - 1);
  std::string text;
  for (int i = count(rng); i > 0; --i) {
    if (!text.empty()) text += ' ';
    text += words[pick(rng)];
  }
  return text;
}

}  // namespace chirp::bench
