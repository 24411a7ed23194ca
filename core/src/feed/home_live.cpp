// The live view of a home timeline: the home_events log (what fan-out made visible, in
// commit order), filtered by the sources a home timeline reads (the reader's own
// tweets, the pushed inbox, followed celebrities), hydrated as home hydrates.
#include "feed/celebrities.hpp"
#include "feed/feed_cache.hpp"
#include "feed/home.hpp"
#include "feed/home_events.hpp"
#include "feed/hydrate.hpp"
#include "feed/visibility.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/settings.hpp>
#include <chirp/timelines.hpp>

#include <fmt/core.h>

#include <algorithm>

namespace chirp {

using namespace detail;

namespace {

/// Log rows examined per call: a reader who sees few of them still gets an answer soon.
constexpr int k_rows_per_call = 2000;

struct LogRow {
  EventId seq = 0;
  Id tweet = 0;
  Id author = 0;
};

std::vector<LogRow> log_rows_after(Db& db, EventId after, int n) {
  auto q = db.statement("SELECT seq, tweet, author FROM home_events WHERE seq > ? ORDER BY seq LIMIT ?");
  q.bind(after, n);
  std::vector<LogRow> rows;
  while (q.step()) {
    Cursor c(*q);
    LogRow row;
    row.seq = c.integer();
    row.tweet = c.integer();
    row.author = c.integer();
    rows.push_back(row);
  }
  return rows;
}

EventId head_of(Db& db) {
  return db.statement("SELECT coalesce(max(seq), 0) FROM home_events").single_int();
}

LiveBatch<Tweet> read_home_after(Session& session, const UserRow& reader, EventId after,
                                 int limit) {
  auto& db = session.db;
  LiveBatch<Tweet> batch;
  EventId head = head_of(db);
  EventId oldest = db.statement("SELECT coalesce(min(seq), 0) FROM home_events").single_int();
  if (after > head || (oldest > 0 && after < oldest - 1)) {
    batch.gap = true;
    batch.next_after = head;
    return batch;
  }
  Id me = reader.user.id;
  std::int64_t threshold = cached_setting(session, setting::celebrity_threshold);
  std::vector<Id> celebrities = followed_celebrities(session, reader, threshold);
  std::sort(celebrities.begin(), celebrities.end());
  auto in_inbox = db.statement("SELECT 1 FROM timeline WHERE reader = ? AND tweet = ?");
  auto rows = log_rows_after(db, after, k_rows_per_call);
  std::vector<EventId> seqs;
  std::vector<Id> ids;
  batch.next_after = after;
  for (const auto& row : rows) {
    if (ids.size() == static_cast<std::size_t>(limit)) break;
    batch.next_after = row.seq;
    // The sources read_home merges: own tweets and followed celebrities' are pulled,
    // the rest is what fan-out pushed into the inbox.
    bool visible = row.author == me ||
                   std::binary_search(celebrities.begin(), celebrities.end(), row.author) ||
                   in_inbox.rebind().bind(me, row.tweet).step();
    if (!visible) continue;
    seqs.push_back(row.seq);
    ids.push_back(row.tweet);
  }
  batch.more = batch.next_after < head;
  // hydrate keeps the order of IDS and drops what was deleted meanwhile; blocks and
  // mutes hide what they hide in home.
  auto tweets = without_hidden(hydrate(session, ids, me), hidden_users(session, reader));
  std::size_t next = 0;
  for (auto& tweet : tweets) {
    while (next < ids.size() && ids[next] != tweet.id) ++next;
    if (next == ids.size()) break;
    batch.events.push_back({seqs[next], std::move(tweet)});
    ++next;
  }
  return batch;
}

}  // namespace

namespace detail {

void append_home_event(Db& db, Id tweet, Id author, std::int64_t now_ms) {
  db.statement("INSERT INTO home_events(tweet, author, created_at) VALUES (?, ?, ?)")
      .bind(tweet, author, now_ms)
      .exec();
}

void trim_home_events(Db& db, std::int64_t cutoff_ms) {
  // Rows are in about created_at order: the scan stops at the first one to keep, so
  // this costs what it deletes.
  auto q = db.statement(
      "SELECT seq FROM home_events WHERE created_at >= ? OR seq = (SELECT max(seq) FROM "
      "home_events) ORDER BY seq LIMIT 1");
  q.bind(cutoff_ms);
  if (!q.step()) return;
  EventId keep_from = q->getColumn(0).getInt64();
  db.statement("DELETE FROM home_events WHERE seq < ?").bind(keep_from).exec();
}

}  // namespace detail

Result<LiveBatch<Tweet>> Timelines::home_after(Id owner, EventId after, int limit, Id viewer) {
  if (limit < 1 || limit > k_max_page_limit) {
    return fail(Code::invalid, fmt::format("limit must be between 1 and {}", k_max_page_limit));
  }
  if (after < 0) return fail(Code::invalid, "an event id is a number of 0 or more");
  LiveBatch<Tweet> out;
  if (auto refused = read_as_home_owner(m_session, owner, viewer, [&](const UserRow& reader) {
        out = read_home_after(m_session, reader, after, limit);
      })) {
    return std::unexpected(*refused);
  }
  return out;
}

EventId Timelines::home_head() {
  auto& db = m_session.db;
  return db.read([&] { return head_of(db); });
}

}  // namespace chirp
