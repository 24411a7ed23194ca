#include "feed/inbox_check.hpp"

#include "feed/inbox.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/settings.hpp>

namespace chirp::detail {

std::int64_t find_stale_inbox_rows(Db& db, const std::function<void(const StaleInboxRow&)>& see) {
  // Every row must be a live tweet by someone the reader follows: fan-out and back-fill
  // only push to followers, and deleting or unfollowing takes the rows out again.
  auto q = db.statement(
      "SELECT t.reader, coalesce(r.handle, ''), t.tweet, w.id IS NULL, w.deleted_at IS NOT NULL,"
      "       coalesce(w.author, 0), coalesce(a.handle, '') "
      "FROM timeline t LEFT JOIN tweets w ON w.id = t.tweet "
      "LEFT JOIN users r ON r.id = t.reader LEFT JOIN users a ON a.id = w.author "
      "WHERE w.id IS NULL OR w.deleted_at IS NOT NULL OR NOT EXISTS ("
      "  SELECT 1 FROM follows f WHERE f.follower = t.reader AND f.followee = w.author) "
      "ORDER BY t.reader, t.tweet");
  std::int64_t seen = 0;
  while (q.step()) {
    Cursor c(*q);
    StaleInboxRow row;
    row.reader = c.integer();
    row.reader_handle = c.text();
    row.tweet = c.integer();
    bool missing = c.integer() != 0;
    bool deleted = c.integer() != 0;
    row.why = missing   ? StaleInboxRow::Why::missing_tweet
              : deleted ? StaleInboxRow::Why::deleted_tweet
                        : StaleInboxRow::Why::not_followed;
    row.author = c.integer();
    row.author_handle = c.text();
    see(row);
    ++seen;
  }
  return seen;
}

std::int64_t delete_stale_inbox_rows(Db& db) {
  return db
      .statement(
          "DELETE FROM timeline WHERE NOT EXISTS ("
          "  SELECT 1 FROM tweets w JOIN follows f ON f.followee = w.author"
          "  WHERE w.id = timeline.tweet AND w.deleted_at IS NULL"
          "  AND f.follower = timeline.reader)")
      .exec();
}

std::vector<InboxGap> find_inbox_gaps(Session& session) {
  auto& db = session.db;
  // Each follow of a pushed author, joined to that author's live tweets above the
  // reader's floor (the inbox is complete from there up: trimming and bounded
  // back-fill raise the floor past what they leave out). Celebrities, and authors
  // fan-out once skipped (pulled), are read at read time, so their rows are optional.
  auto q = db.statement(
      "SELECT f.follower, r.handle, count(*),"
      "       sum(t.tweet IS NULL), max(CASE WHEN t.tweet IS NULL THEN w.id END) "
      "FROM follows f JOIN users r ON r.id = f.follower JOIN users a ON a.id = f.followee "
      "JOIN tweets w ON w.author = f.followee AND w.deleted_at IS NULL "
      "LEFT JOIN timeline t ON t.reader = f.follower AND t.tweet = w.id "
      "WHERE a.followers_count <= ?1 AND a.pulled = 0 AND r.last_seen_at >= ?2 "
      "AND w.id >= r.inbox_floor "
      "AND w.id NOT IN (SELECT tweet FROM fanout_queue WHERE kind = 'tweet') "
      // Fan-out pushes nothing to a follower who mutes the author, nor a retweet to one
      // a block or mute keeps from the original's author: those rows are optional.
      "AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter = f.follower AND m.muted = f.followee) "
      "AND NOT EXISTS (SELECT 1 FROM tweets o WHERE o.id = w.retweet_of AND ("
      "  EXISTS (SELECT 1 FROM mutes m WHERE m.muter = f.follower AND m.muted = o.author) "
      "  OR EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = f.follower AND b.blocked = o.author) "
      "  OR EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = o.author AND b.blocked = f.follower))) "
      "GROUP BY f.follower HAVING sum(t.tweet IS NULL) > 0 ORDER BY f.follower");
  q.bind(session.setting(setting::celebrity_threshold),
         pushed_readers_seen_since(session, session.now_ms()));
  std::vector<InboxGap> gaps;
  while (q.step()) {
    Cursor c(*q);
    InboxGap gap;
    gap.reader = c.integer();
    gap.handle = c.text();
    gap.expected = c.integer();
    gap.missing = c.integer();
    gap.newest_missing = c.integer();
    gaps.push_back(std::move(gap));
  }
  return gaps;
}

}  // namespace chirp::detail
