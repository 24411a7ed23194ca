#include "feed/inbox.hpp"

#include "feed/celebrities.hpp"
#include "session.hpp"
#include "storage/counters.hpp"
#include "storage/rows.hpp"
#include "util/merge.hpp"

#include <chirp/settings.hpp>

#include <algorithm>

namespace chirp::detail {

void raise_inbox_floor(Db& db, Id reader, Id floor) {
  db.statement("UPDATE users SET inbox_floor = max(inbox_floor, ?) WHERE id = ?")
      .bind(floor, reader)
      .exec();
}

void trim_inbox(Db& db, Id reader, std::int64_t cap) {
  Id kth = 0;
  {
    auto q = db.statement(
        "SELECT tweet FROM timeline WHERE reader = ? ORDER BY tweet DESC LIMIT 1 OFFSET ?");
    q.bind(reader, cap - 1);
    if (!q.step()) return;  // not over the cap
    kth = q->getColumn(0).getInt64();
  }
  if (db.statement("DELETE FROM timeline WHERE reader = ? AND tweet < ?").bind(reader, kth).exec() ==
      0) {
    return;
  }
  // What was removed is now only reachable by pull: the inbox is complete from KTH up.
  raise_inbox_floor(db, reader, kth);
}

void backfill_inbox(Db& db, Id reader, Id author, std::int64_t cap) {
  Id inbox_floor = 0;
  if (auto row = load_user_row(db, reader)) inbox_floor = row->inbox_floor;
  auto recent = authored(db, author, inbox_floor - 1, INT64_MAX, cap + 1);
  bool truncated = recent.size() > static_cast<std::size_t>(cap);
  if (truncated) recent.pop_back();
  auto insert = db.statement(
      "INSERT INTO timeline(reader, tweet) VALUES (?, ?) ON CONFLICT DO NOTHING");
  for (Id tweet : recent) insert.rebind().bind(reader, tweet).exec();
  if (truncated) raise_inbox_floor(db, reader, recent.back());
  trim_inbox(db, reader, cap);
}

std::int64_t pushed_readers_seen_since(Session& session, std::int64_t now_ms) {
  std::int64_t inactive_days = session.setting(setting::inactive_days);
  std::int64_t since = inactive_days_changed_at(session.db);
  if (inactive_days > 0) since = std::max(since, now_ms - inactive_days * 86'400'000);
  return since;
}

std::vector<Id> pushed_followees(Db& db, Id reader, std::int64_t threshold) {
  auto q = db.statement(
      "SELECT f.followee FROM follows f JOIN users u ON u.id = f.followee "
      "WHERE f.follower = ?1 AND u.followers_count <= ?2");
  q.bind(reader, threshold);
  std::vector<Id> ids;
  while (q.step()) ids.push_back(q->getColumn(0).getInt64());
  return ids;
}

void rebuild_inbox(Session& session, Id reader) {
  auto& db = session.db;
  std::int64_t cap = session.setting(setting::inbox_cap);
  std::int64_t threshold = session.setting(setting::celebrity_threshold);
  std::vector<std::vector<Id>> sources;
  for (Id followee : pushed_followees(db, reader, threshold)) {
    sources.push_back(authored(db, followee, 0, INT64_MAX, cap));
  }
  auto ids = merge_newest(std::move(sources), static_cast<std::size_t>(cap));
  db.statement("DELETE FROM timeline WHERE reader = ?").bind(reader).exec();
  auto insert = db.statement("INSERT INTO timeline(reader, tweet) VALUES (?, ?)");
  for (Id tweet : ids) insert.rebind().bind(reader, tweet).exec();
  // With CAP entries, older tweets may exist that the inbox does not hold.
  Id inbox_floor = ids.size() == static_cast<std::size_t>(cap) ? ids.back() : 0;
  db.statement("UPDATE users SET inbox_floor = ? WHERE id = ?").bind(inbox_floor, reader).exec();
  // The followees over the threshold were left out: their tweets stay pulled even once
  // they are back under it.
  std::vector<Id> left_out;
  {
    auto q = db.statement(
        "SELECT f.followee FROM follows f JOIN users u ON u.id = f.followee "
        "WHERE f.follower = ?1 AND u.followers_count > ?2 AND u.pulled = 0");
    q.bind(reader, threshold);
    while (q.step()) left_out.push_back(q->getColumn(0).getInt64());
  }
  for (Id followee : left_out) mark_pulled(db, followee);
}

void remove_from_inboxes(Db& db, Id tweet, Id author) {
  db.statement(
        "DELETE FROM timeline WHERE tweet = ?1 AND reader IN "
        "(SELECT follower FROM follows WHERE followee = ?2)")
      .bind(tweet, author)
      .exec();
}

void remove_author_from_inbox(Db& db, Id reader, Id author) {
  db.statement(
        "DELETE FROM timeline WHERE reader = ?1 AND tweet IN ("
        "  SELECT t.tweet FROM timeline t JOIN tweets w ON w.id = t.tweet"
        "  WHERE t.reader = ?1 AND w.author = ?2)")
      .bind(reader, author)
      .exec();
}

}  // namespace chirp::detail
