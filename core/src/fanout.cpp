// The fan-out worker: drains the durable queue into followers' inboxes (push), many
// queue items per transaction (group commit), idempotently.
#include "internal.hpp"

#include <chirp/core.hpp>

#include <algorithm>
#include <chrono>

namespace chirp {

using namespace detail;

namespace detail {

void trim_inbox(Db& db, Id user, std::int64_t cap) {
  Id kth = 0;
  {
    auto q = db.statement(
        "SELECT tweet FROM timeline WHERE user = ? ORDER BY tweet DESC LIMIT 1 OFFSET ?");
    q->bind(1, user);
    q->bind(2, cap - 1);
    if (!q->executeStep()) return;  // not over the cap
    kth = q->getColumn(0).getInt64();
  }
  auto del = db.statement("DELETE FROM timeline WHERE user = ? AND tweet < ?");
  del->bind(1, user);
  del->bind(2, kth);
  if (del->exec() == 0) return;
  // What was removed is now only reachable by pull: the inbox is complete from KTH up.
  auto floor = db.statement("UPDATE users SET inbox_floor = max(inbox_floor, ?) WHERE id = ?");
  floor->bind(1, kth);
  floor->bind(2, user);
  floor->exec();
}

void backfill_inbox(Db& db, Id user, Id author, std::int64_t cap) {
  Id inbox_floor = 0;
  {
    auto q = db.statement("SELECT inbox_floor FROM users WHERE id = ?");
    q->bind(1, user);
    if (q->executeStep()) inbox_floor = q->getColumn(0).getInt64();
  }
  auto recent = authored(db, author, inbox_floor - 1, INT64_MAX, static_cast<int>(cap + 1));
  bool truncated = recent.size() > static_cast<std::size_t>(cap);
  if (truncated) recent.pop_back();
  auto insert = db.statement("INSERT OR IGNORE INTO timeline(user, tweet) VALUES (?, ?)");
  for (Id tweet : recent) {
    insert->bind(1, user);
    insert->bind(2, tweet);
    insert->exec();
    insert->reset();
  }
  if (truncated) {
    auto floor = db.statement("UPDATE users SET inbox_floor = max(inbox_floor, ?) WHERE id = ?");
    floor->bind(1, recent.back());
    floor->bind(2, user);
    floor->exec();
  }
  trim_inbox(db, user, cap);
}

}  // namespace detail

namespace {

struct QueueItem {
  std::int64_t id;
  Id tweet;
  Id author;
  std::int64_t queued_at_ms;
};

struct FanoutSettings {
  std::int64_t threshold;
  std::int64_t cap;
  std::int64_t active_since_ms;  // 0 = push to every follower
};

/// A well-mixed hash of two ids (splitmix64's finalizer over their combination).
std::uint64_t mixed_hash(Id a, Id b) {
  std::uint64_t x = static_cast<std::uint64_t>(a) * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(b);
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Pushes one queue item; returns the inbox rows written, or -1 for a celebrity.
std::int64_t fan_out_item(Db& db, const QueueItem& item, const FanoutSettings& s) {
  if (!live_tweet(db, item.tweet)) return 0;  // deleted before fan-out: nothing to push
  {
    auto q = db.statement("SELECT followers_count, pulled FROM users WHERE id = ?");
    q->bind(1, item.author);
    if (q->executeStep() && q->getColumn(0).getInt64() > s.threshold) {
      if (q->getColumn(1).getInt() == 0) {
        // From now on this author's tweets are pulled whatever their follower count.
        auto mark = db.statement("UPDATE users SET pulled = 1 WHERE id = ?");
        mark->bind(1, item.author);
        mark->exec();
        bump_celebrity_epoch(db);
      }
      return -1;
    }
  }
  std::int64_t rows = 0;
  if (s.active_since_ms > 0) {
    auto q = db.statement(
        "INSERT OR IGNORE INTO timeline(user, tweet) "
        "SELECT f.follower, ?2 FROM follows f JOIN users u ON u.id = f.follower "
        "WHERE f.followee = ?1 AND u.last_seen_at >= ?3");
    q->bind(1, item.author);
    q->bind(2, item.tweet);
    q->bind(3, s.active_since_ms);
    rows = q->exec();
  } else {
    auto q = db.statement(
        "INSERT OR IGNORE INTO timeline(user, tweet) "
        "SELECT follower, ?2 FROM follows WHERE followee = ?1");
    q->bind(1, item.author);
    q->bind(2, item.tweet);
    rows = q->exec();
  }
  // Amortized trimming: each item checks about 1 in K of its followers, so an inbox
  // is checked about once per K pushes and stays near cap + K entries. The pick hashes
  // follower and tweet together: Snowflake ids share their low bits (a millisecond's
  // first id ends in 22 zero bits), so picking by id arithmetic would never pick some
  // followers at all.
  std::int64_t k = std::max<std::int64_t>(1, s.cap / 8);
  std::vector<Id> to_check;
  {
    auto q = db.statement("SELECT follower FROM follows WHERE followee = ?1");
    q->bind(1, item.author);
    while (q->executeStep()) {
      Id follower = q->getColumn(0).getInt64();
      if (mixed_hash(follower, item.tweet) % static_cast<std::uint64_t>(k) == 0) {
        to_check.push_back(follower);
      }
    }
  }
  for (Id follower : to_check) trim_inbox(db, follower, s.cap);
  return rows;
}

}  // namespace

FanoutStats Core::drain_fanout(std::int64_t max_items, const FanoutDone& on_done) {
  FanoutStats stats;
  while (stats.items < max_items) {
    std::vector<QueueItem> items;
    auto [drained, batch_stats] = m_db->write([&] {
      std::int64_t batch = std::min(read_setting(*m_db, setting::fanout_batch),
                                    max_items - stats.items);
      items.clear();
      {
        auto q = m_db->statement(
            "SELECT id, tweet, author, created_at FROM fanout_queue ORDER BY id LIMIT ?");
        q->bind(1, batch);
        while (q->executeStep()) {
          items.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getInt64(),
                           q->getColumn(2).getInt64(), q->getColumn(3).getInt64()});
        }
      }
      if (items.empty()) return std::pair{true, FanoutStats{}};
      std::int64_t inactive_days = read_setting(*m_db, setting::inactive_days);
      FanoutSettings s{read_setting(*m_db, setting::celebrity_threshold),
                       read_setting(*m_db, setting::inbox_cap),
                       inactive_days > 0 ? m_clock->now_ms() - inactive_days * 86'400'000 : 0};
      FanoutStats batch_stats;
      // Group commit: many items per transaction (each commit rewrites every inbox page
      // it dirtied), but the write lock is held for at most the time budget so posts
      // from other connections wait little.
      auto deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(read_setting(*m_db, setting::fanout_batch_ms));
      std::size_t done = 0;
      for (const auto& item : items) {
        std::int64_t rows = fan_out_item(*m_db, item, s);
        if (rows < 0) {
          ++batch_stats.skipped_celebrity;
        } else {
          batch_stats.rows += rows;
        }
        auto finished = m_db->statement("DELETE FROM fanout_queue WHERE id = ?");
        finished->bind(1, item.id);
        finished->exec();
        ++batch_stats.items;
        ++done;
        if (std::chrono::steady_clock::now() >= deadline) break;
      }
      bool more = done < items.size() || items.size() == static_cast<std::size_t>(batch);
      items.resize(done);
      return std::pair{!more, batch_stats};
    });
    // Counted after the commit (a BUSY retry re-runs the whole batch).
    stats.items += batch_stats.items;
    stats.rows += batch_stats.rows;
    stats.skipped_celebrity += batch_stats.skipped_celebrity;
    if (on_done) {
      for (const auto& item : items) on_done(item.tweet, item.queued_at_ms);
    }
    if (drained) break;
  }
  return stats;
}

QueueStatus Core::fanout_queue_status() {
  auto q = m_db->statement("SELECT count(*), min(created_at) FROM fanout_queue");
  q->executeStep();
  QueueStatus status;
  status.depth = q->getColumn(0).getInt64();
  if (!q->getColumn(1).isNull()) {
    status.oldest_age_ms = std::max<std::int64_t>(0, m_clock->now_ms() - q->getColumn(1).getInt64());
  }
  return status;
}

}  // namespace chirp
