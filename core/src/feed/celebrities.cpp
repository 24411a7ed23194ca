#include "feed/celebrities.hpp"

#include "feed/feed_cache.hpp"
#include "feed/read_cache.hpp"
#include "storage/rows.hpp"
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

/// The celebrities READER follows: whichever is shorter of the (cached) celebrity list
/// and the reader's own follows is walked, and checked against the other. Kept in the
/// connection's read cache until the reader's follows or the celebrities change.
std::vector<Id> followed_celebrities(Session& session, const UserRow& reader,
                                     std::int64_t threshold) {
  auto& db = session.db;
  const CelebrityCache& celebrity_set = celebrities(session, threshold);
  const auto& all = celebrity_set.sorted_ids;
  std::vector<Id> out;
  if (all.empty()) return out;
  ReadCache* cache = read_cache(session);
  ReadCache::FollowedStamp stamp{reader.follows_version, celebrity_set.epoch, threshold};
  if (cache) {
    if (const auto* hit = cache->find_followed(reader.user.id, stamp)) return *hit;
  }
  if (static_cast<std::int64_t>(all.size()) <= reader.user.following_count) {
    auto q = db.statement("SELECT 1 FROM follows WHERE follower = ? AND followee = ?");
    for (Id celebrity : all) {
      if (q.rebind().bind(reader.user.id, celebrity).step()) out.push_back(celebrity);
    }
  } else {
    auto q = db.statement("SELECT followee FROM follows WHERE follower = ?");
    q.bind(reader.user.id);
    while (q.step()) {
      Id followee = q->getColumn(0).getInt64();
      if (std::binary_search(all.begin(), all.end(), followee)) out.push_back(followee);
    }
  }
  if (cache) cache->insert_followed(reader.user.id, stamp, out);
  return out;
}

}  // namespace chirp::detail
