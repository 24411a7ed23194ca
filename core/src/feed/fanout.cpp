// The fan-out worker: drains the durable queue into followers' inboxes (push), many
// queue items per transaction (group commit), idempotently.
#include "feed/celebrities.hpp"
#include "feed/home_events.hpp"
#include "feed/inbox.hpp"
#include "feed/notify.hpp"
#include "session.hpp"
#include "storage/counters.hpp"
#include "storage/rows.hpp"

#include <chirp/fanout.hpp>
#include <chirp/settings.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace chirp {

using namespace detail;

namespace {

/// One queued event (sql/007_blocks_notifications.sql): KIND "tweet" (AUTHOR posted
/// TWEET), "like" (AUTHOR liked TWEET) or "follow" (AUTHOR followed SUBJECT).
struct QueueItem {
  std::int64_t id = 0;
  Id tweet = 0;  ///< 0 for a follow
  Id author = 0;
  std::int64_t queued_at_ms = 0;
  std::string kind;
  Id subject = 0;
};

struct FanoutSettings {
  std::int64_t threshold;
  std::int64_t cap;
  std::int64_t active_since_ms;  // 0 = push to every follower
  std::int64_t now_ms;
  std::int64_t sort_rows;  // 0 = each push its own INSERT
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

std::vector<QueueItem> oldest_queue_items(Db& db, std::int64_t n) {
  auto q = db.statement(
      "SELECT id, coalesce(tweet, 0), author, created_at, kind, coalesce(subject, 0) "
      "FROM fanout_queue ORDER BY id LIMIT ?");
  q.bind(n);
  std::vector<QueueItem> items;
  while (q.step()) {
    Cursor c(*q);
    QueueItem item;
    item.id = c.integer();
    item.tweet = c.integer();
    item.author = c.integer();
    item.queued_at_ms = c.integer();
    item.kind = c.text();
    item.subject = c.integer();
    items.push_back(std::move(item));
  }
  return items;
}

/// Whether some reader may not see TWEET by AUTHOR, whose original (a retweet's, else
/// the tweet itself) is by ORIGINAL_AUTHOR: the author is muted by someone, or the
/// original author muted, blocked or blocking. Three index seeks; nearly always false.
bool someone_hides(Db& db, Id author, Id original_author) {
  return db
      .statement(
          "SELECT EXISTS (SELECT 1 FROM mutes WHERE muted IN (?1, ?2)) "
          "OR EXISTS (SELECT 1 FROM blocks WHERE blocked = ?2) "
          "OR EXISTS (SELECT 1 FROM blocks WHERE blocker = ?2)")
      .bind(author, original_author)
      .single_int() != 0;
}

/// Amortized trimming after TWEET by AUTHOR was pushed: each pushed tweet checks about
/// 1 in K of its author's followers, so an inbox is checked about once per K pushes and
/// stays near CAP + K entries. The pick hashes follower and tweet together: Snowflake
/// ids share their low bits (a millisecond's first id ends in 22 zero bits), so picking
/// by id arithmetic would never pick some followers at all.
void trim_some_inboxes(Db& db, Id author, Id tweet, std::int64_t cap) {
  auto k = static_cast<std::uint64_t>(std::max<std::int64_t>(1, cap / 8));
  std::vector<Id> to_check;
  {
    auto q = db.statement("SELECT follower FROM follows WHERE followee = ?1");
    q.bind(author);
    while (q.step()) {
      Id follower = q->getColumn(0).getInt64();
      if (mixed_hash(follower, tweet) % k == 0) to_check.push_back(follower);
    }
  }
  for (Id follower : to_check) trim_inbox(db, follower, cap);
}

/// The plain pushes of a batch (no mute or block in the way), written together: one
/// INSERT ... SELECT ... ORDER BY reader, tweet, so that the rows go into the inbox in
/// its key order and each inbox page is read and dirtied once for all its new rows,
/// not once per tweet in a random order (bench/README.md: "sorted pushes").
class SortedPushes {
public:
  /// Holds TWEET by AUTHOR, who has FOLLOWERS, for the next flush.
  void add(Id tweet, Id author, std::int64_t followers) {
    m_pairs += m_items.empty() ? "[" : ",";
    m_pairs += fmt::format("[{},{}]", tweet, author);
    m_items.emplace_back(tweet, author);
    m_rows += followers;
  }
  /// Inbox rows the held tweets will write, at most (their authors' followers).
  std::int64_t pending_rows() const { return m_rows; }
  /// Writes the held tweets' inbox rows, then trims as each push does; returns the rows.
  std::int64_t flush(Db& db, const FanoutSettings& s) {
    if (m_items.empty()) return 0;
    m_pairs += "]";
    static constexpr const char* k_all =
        "INSERT OR IGNORE INTO timeline(reader, tweet) "
        "SELECT f.follower, p.tweet FROM (SELECT json_extract(value, '$[0]') AS tweet, "
        "json_extract(value, '$[1]') AS author FROM json_each(?1)) p "
        "JOIN follows f ON f.followee = p.author "
        "WHERE ?2 = 0 "  // binds as the other does: no activity bound
        "ORDER BY f.follower, p.tweet";
    static constexpr const char* k_active =
        "INSERT OR IGNORE INTO timeline(reader, tweet) "
        "SELECT f.follower, p.tweet FROM (SELECT json_extract(value, '$[0]') AS tweet, "
        "json_extract(value, '$[1]') AS author FROM json_each(?1)) p "
        "JOIN follows f ON f.followee = p.author JOIN users u ON u.id = f.follower "
        "WHERE u.last_seen_at >= ?2 "
        "ORDER BY f.follower, p.tweet";
    std::int64_t rows = db.statement(s.active_since_ms > 0 ? k_active : k_all)
                            .bind(m_pairs, s.active_since_ms)
                            .exec();
    for (auto [tweet, author] : m_items) trim_some_inboxes(db, author, tweet, s.cap);
    m_items.clear();
    m_pairs.clear();
    m_rows = 0;
    return rows;
  }

private:
  std::vector<std::pair<Id, Id>> m_items;
  std::string m_pairs;  ///< m_items as a JSON array of [tweet, author]
  std::int64_t m_rows = 0;
};

/// Pushes one tweet; returns the inbox rows written, or -1 for a celebrity. Not pushed
/// to a follower who mutes the author (blocks end follows), nor, for a retweet, to one
/// who blocks, is blocked by or mutes the original's author.
/// A plain push goes to SORTED (its rows are counted when it is flushed) unless
/// fanout.sort_rows is 0.
std::int64_t fan_out_item(Db& db, const QueueItem& item, const TweetHead& head,
                          const FanoutSettings& s, SortedPushes& sorted) {
  std::int64_t followers = 0;
  {
    auto author = load_reach(db, item.author);
    if (!author) return 0;  // the author is gone
    // Visible in every home timeline it belongs to once this commits: pulled, or
    // pushed below. Live streams read that from the log.
    append_home_event(db, item.tweet, item.author, s.now_ms);
    if (author->followers_count > s.threshold) {
      if (!author->pulled) mark_pulled(db, item.author);
      return -1;
    }
    followers = author->followers_count;
  }
  // INSERT OR IGNORE, not the portable ON CONFLICT DO NOTHING used elsewhere: on SQLite
  // 3.40 an upsert clause makes this INSERT ... SELECT twice as slow (300,000 inbox rows
  // in 0.76 s against 0.39 s; fan-out figure 0.68 against 0.84-1.13). A PostgreSQL
  // engine will spell this statement its own way.
  std::int64_t rows = 0;
  Id original_author = item.author;
  if (head.retweet_of) {
    if (auto original = live_tweet(db, *head.retweet_of)) original_author = original->author;
  }
  if (someone_hides(db, item.author, original_author)) {
    static constexpr const char* k_hidden_from =
        " AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter = f.follower AND m.muted IN (?1, ?4))"
        " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = f.follower AND b.blocked = ?4)"
        " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = ?4 AND b.blocked = f.follower)";
    static const std::string active_sql =
        std::string("INSERT OR IGNORE INTO timeline(reader, tweet) "
                    "SELECT f.follower, ?2 FROM follows f JOIN users u ON u.id = f.follower "
                    "WHERE f.followee = ?1 AND u.last_seen_at >= ?3") +
        k_hidden_from;
    static const std::string all_sql =
        std::string("INSERT OR IGNORE INTO timeline(reader, tweet) "
                    "SELECT f.follower, ?2 FROM follows f WHERE f.followee = ?1 "
                    "AND ?3 = 0") +  // binds as the other does: no activity bound
        k_hidden_from;
    rows = db.statement(s.active_since_ms > 0 ? active_sql.c_str() : all_sql.c_str())
               .bind(item.author, item.tweet, s.active_since_ms, original_author)
               .exec();
  } else if (s.sort_rows > 0) {
    sorted.add(item.tweet, item.author, followers);
    return 0;
  } else if (s.active_since_ms > 0) {
    rows = db.statement(
                 "INSERT OR IGNORE INTO timeline(reader, tweet) "
                 "SELECT f.follower, ?2 FROM follows f JOIN users u ON u.id = f.follower "
                 "WHERE f.followee = ?1 AND u.last_seen_at >= ?3")
               .bind(item.author, item.tweet, s.active_since_ms)
               .exec();
  } else {
    rows = db.statement(
                 "INSERT OR IGNORE INTO timeline(reader, tweet) "
                 "SELECT follower, ?2 FROM follows WHERE followee = ?1")
               .bind(item.author, item.tweet)
               .exec();
  }
  trim_some_inboxes(db, item.author, item.tweet, s.cap);
  return rows;
}

/// A like notifies the liked tweet's author, if the like still stands.
void notify_liked(Db& db, const QueueItem& item, std::vector<CreatedNotification>& created) {
  auto tweet = live_tweet(db, item.tweet);
  if (!tweet) return;
  if (!db.statement("SELECT 1 FROM likes WHERE liker = ? AND tweet = ?")
           .bind(item.author, item.tweet)
           .step()) {
    return;  // unliked before the worker came to it
  }
  notify(db, "like", tweet->author, item.author, item.tweet, item.queued_at_ms, created);
}

/// A follow notifies the followee, if the follow still stands.
void notify_followed(Db& db, const QueueItem& item, std::vector<CreatedNotification>& created) {
  if (!db.statement("SELECT 1 FROM follows WHERE follower = ? AND followee = ?")
           .bind(item.author, item.subject)
           .step()) {
    return;
  }
  notify(db, "follow", item.subject, item.author, std::nullopt, item.queued_at_ms, created);
}

}  // namespace

FanoutStats Fanout::drain(std::int64_t max_items, const Done& on_done) {
  auto& db = m_session.db;
  FanoutStats stats;
  std::vector<CreatedNotification> created;
  while (stats.items < max_items) {
    std::vector<QueueItem> items;
    auto [drained, batch_stats] = db.write([&] {
      created.clear();  // a BUSY retry runs the batch again
      std::int64_t batch =
          std::min(m_session.setting(setting::fanout_batch), max_items - stats.items);
      items = oldest_queue_items(db, batch);
      if (items.empty()) return std::pair{true, FanoutStats{}};
      std::int64_t inactive_days = m_session.setting(setting::inactive_days);
      std::int64_t now = m_session.now_ms();
      FanoutSettings s{m_session.setting(setting::celebrity_threshold),
                       m_session.setting(setting::inbox_cap),
                       inactive_days > 0 ? now - inactive_days * 86'400'000 : 0, now,
                       m_session.setting(setting::fanout_sort_rows)};
      SortedPushes sorted;
      trim_home_events(db, now - m_session.setting(setting::stream_resume_minutes) * 60'000);
      FanoutStats batch_stats;
      // Group commit: many items per transaction (each commit rewrites every inbox page
      // it dirtied, and a longer batch dirties the same pages more often), but the write
      // lock is given up after fanout.batch_ms as soon as a post (or any other write of
      // this process) waits for it, and after fanout.batch_max_ms in any case. Writers
      // of other processes (the CLI) are not seen: they wait up to the longer budget.
      auto started = std::chrono::steady_clock::now();
      auto yield_at = started + std::chrono::milliseconds(m_session.setting(setting::fanout_batch_ms));
      auto deadline = std::max(
          yield_at, started + std::chrono::milliseconds(m_session.setting(setting::fanout_batch_max_ms)));
      std::size_t done = 0;
      for (const auto& item : items) {
        if (item.kind == "tweet") {
          // Deleted before fan-out: nothing to push, nobody to notify.
          if (auto head = live_tweet(db, item.tweet)) {
            std::int64_t rows = fan_out_item(db, item, *head, s, sorted);
            if (rows < 0) {
              ++batch_stats.skipped_celebrity;
            } else {
              batch_stats.rows += rows;
            }
            if (sorted.pending_rows() >= s.sort_rows) batch_stats.rows += sorted.flush(db, s);
            notify_posted(db, *head, item.queued_at_ms, created);
          }
        } else if (item.kind == "like") {
          notify_liked(db, item, created);
        } else if (item.kind == "follow") {
          notify_followed(db, item, created);
        }
        db.statement("DELETE FROM fanout_queue WHERE id = ?").bind(item.id).exec();
        ++batch_stats.items;
        ++done;
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline || (now >= yield_at && Db::waiting_writers() > 0)) break;
      }
      batch_stats.rows += sorted.flush(db, s);
      bool more = done < items.size() || items.size() == static_cast<std::size_t>(batch);
      items.resize(done);
      batch_stats.notifications = static_cast<std::int64_t>(created.size());
      return std::pair{!more, batch_stats};
    });
    // Counted after the commit (a BUSY retry re-runs the whole batch).
    stats.items += batch_stats.items;
    stats.rows += batch_stats.rows;
    stats.skipped_celebrity += batch_stats.skipped_celebrity;
    stats.notifications += batch_stats.notifications;
    if (on_done) {
      for (const auto& item : items) {
        if (item.kind == "tweet") on_done(item.tweet, item.queued_at_ms);
      }
    }
    if (!created.empty()) m_session.notifications_created(created);
    if (drained) break;
  }
  return stats;
}

QueueStatus Fanout::queue_status() {
  auto q = m_session.db.statement("SELECT count(*), min(created_at) FROM fanout_queue");
  q.step();
  Cursor c(*q);
  QueueStatus status;
  status.depth = c.integer();
  if (auto oldest = c.optional_integer()) {
    status.oldest_age_ms = std::max<std::int64_t>(0, m_session.now_ms() - *oldest);
  }
  return status;
}

}  // namespace chirp
