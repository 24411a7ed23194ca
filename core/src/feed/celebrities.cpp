#include "feed/celebrities.hpp"

#include "session.hpp"

#include <algorithm>

namespace chirp::detail {

void bump_celebrity_epoch(Db& db) {
  db.statement("UPDATE counters SET value = value + 1 WHERE name = 'celebrity_epoch'").exec();
}

const std::vector<Id>& celebrities(Session& session, std::int64_t threshold) {
  auto& cache = session.celebrities;
  std::int64_t epoch =
      session.db.statement("SELECT value FROM counters WHERE name = 'celebrity_epoch'").single_int();
  if (epoch != cache.epoch || threshold != cache.threshold) {
    cache.sorted_ids.clear();
    auto load = session.db.statement(
        "SELECT id FROM users WHERE followers_count > ? UNION SELECT id FROM users WHERE pulled = 1");
    load.bind(threshold);
    while (load.step()) cache.sorted_ids.push_back(load->getColumn(0).getInt64());
    std::sort(cache.sorted_ids.begin(), cache.sorted_ids.end());
    cache.epoch = epoch;
    cache.threshold = threshold;
  }
  return cache.sorted_ids;
}

}  // namespace chirp::detail
