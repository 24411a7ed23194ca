#include "feed/celebrities.hpp"

#include "feed/feed_cache.hpp"
#include "session.hpp"
#include "storage/counters.hpp"

#include <algorithm>

namespace chirp::detail {

const CelebrityCache& celebrities(Session& session, std::int64_t threshold) {
  auto& cache = session.feed->celebrities;
  std::int64_t epoch = celebrity_epoch(session.db);
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
  return cache;
}

void mark_pulled(Db& db, Id author) {
  auto mark = db.statement("UPDATE users SET pulled = 1 WHERE id = ? AND pulled = 0");
  if (mark.bind(author).exec() > 0) bump_celebrity_epoch(db);
}

}  // namespace chirp::detail
