// Reading timelines: the home timeline merges the pushed inbox with pulled tweets
// (the reader's own, followed celebrities', and anything older than the inbox keeps).
#include "feed/celebrities.hpp"
#include "feed/feed_cache.hpp"
#include "feed/home.hpp"
#include "feed/hydrate.hpp"
#include "feed/inbox.hpp"
#include "feed/visibility.hpp"
#include "session.hpp"
#include "storage/rows.hpp"
#include "util/merge.hpp"
#include "util/paging.hpp"

#include <chirp/settings.hpp>
#include <chirp/timelines.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <algorithm>

namespace chirp {

using namespace detail;

namespace {

constexpr std::int64_t k_seen_granularity_ms = 10 * 60 * 1000;
/// Pages up to this size (plus one) keep pulled authors' ids in the read cache.
constexpr int k_max_recent_ids = 64;

/// Records that USER was seen now; rebuilds the inbox when fan-out has been skipping
/// them for inactivity.
void mark_seen(Session& session, Id user, std::int64_t last_seen, std::int64_t now) {
  auto& db = session.db;
  db.write([&] {
    // Fan-out may have skipped this reader: under the current setting, or under an
    // earlier one if the setting changed since the reader was last seen.
    if (last_seen < pushed_readers_seen_since(session, now)) rebuild_inbox(session, user);
    db.statement("UPDATE users SET last_seen_at = max(last_seen_at, ?) WHERE id = ?")
        .bind(now, user)
        .exec();
  });
}

std::vector<Id> inbox_ids(Db& db, const UserRow& reader, Id lo, Id hi, int n) {
  // Deleting a tweet removes it from every inbox in the same transaction, so the
  // inbox needs no join here; hydrate() still drops anything deleted.
  auto q = db.statement(
      "SELECT tweet FROM timeline WHERE reader = ? AND tweet < ? AND tweet > ? "
      "AND tweet >= ? ORDER BY tweet DESC LIMIT ?");
  q.bind(reader.user.id, hi, lo, reader.inbox_floor, n);
  std::vector<Id> ids;
  while (q.step()) ids.push_back(q->getColumn(0).getInt64());
  return ids;
}

/// The newest N ids of READER's home timeline in (LO, HI), before blocks and mutes.
std::vector<Id> home_ids(Session& session, const UserRow& reader, Id lo, Id hi, int n) {
  auto& db = session.db;
  Id user = reader.user.id;
  std::int64_t threshold = cached_setting(session, setting::celebrity_threshold);
  std::vector<Id> ids = inbox_ids(db, reader, lo, hi, n);
  // The reader's own tweets and the followed celebrities' are pulled. Once N ids are
  // merged, older tweets cannot make the page: each author is read only above the N-th
  // newest so far (a seek that usually finds nothing).
  std::vector<Id> authors = followed_celebrities(session, reader, threshold);
  authors.push_back(user);
  // The read cache keeps each pulled author's newest ids until they post or delete,
  // which spares the seek for every author with nothing new.
  ReadCache* cache = read_cache(session);
  for (Id author : authors) {
    Id above = ids.size() == static_cast<std::size_t>(n) ? std::max(lo, ids.back()) : lo;
    std::vector<Id> pulled;
    const ReadCache::Recent* recent = cache ? cache->find_recent(author) : nullptr;
    if (recent && above >= recent->floor) {
      for (Id id : recent->ids) {
        if (id <= above || pulled.size() == static_cast<std::size_t>(n)) break;
        if (id < hi) pulled.push_back(id);
      }
    } else {
      pulled = authored(db, author, above, hi, n);
      if (cache && hi == INT64_MAX && n <= k_max_recent_ids) {
        // All of the author's live tweets above the floor are in the list.
        Id floor = pulled.size() == static_cast<std::size_t>(n) ? pulled.back() - 1 : above;
        cache->insert_recent(author, {floor, pulled});
      }
    }
    if (!pulled.empty()) {
      ids = merge_newest({std::move(ids), std::move(pulled)}, static_cast<std::size_t>(n));
    }
  }
  // Below the inbox floor the inbox is incomplete (trimmed, or back-fill was bounded).
  // Everything above it is complete, so only when the page is not full from above the
  // floor are the older tweets pulled from every pushed followee.
  auto above_floor =
      std::count_if(ids.begin(), ids.end(), [&](Id id) { return id >= reader.inbox_floor; });
  if (lo < reader.inbox_floor && above_floor < n) {
    std::vector<std::vector<Id>> older{std::move(ids)};
    Id pull_hi = std::min(hi, reader.inbox_floor);
    for (Id followee : pushed_followees(db, user, threshold)) {
      older.push_back(authored(db, followee, lo, pull_hi, n));
    }
    ids = merge_newest(std::move(older), static_cast<std::size_t>(n));
  }
  return ids;
}

Page<Tweet> read_home(Session& session, const UserRow& reader, const PageRequest& page) {
  Id lo = page.since_id.value_or(0);
  Id hi = page.max_id.value_or(INT64_MAX);
  int n = page.limit + 1;  // one more than asked: tells whether another page exists
  std::vector<Id> ids = home_ids(session, reader, lo, hi, n);
  // Blocks and mutes hide tweets whatever fan-out pushed before them. A reader who
  // hides nobody (nearly everyone) pays nothing here; otherwise the hidden ids are
  // dropped and, when that leaves the page short, the next ids below are read.
  std::vector<Id> hidden = hidden_users(session, reader);
  if (!hidden.empty()) {
    std::vector<Id> visible;
    for (;;) {
      bool exhausted = ids.size() < static_cast<std::size_t>(n);
      Id oldest = ids.empty() ? lo : ids.back();
      for (Id id : ids_without_hidden(session.db, ids, hidden)) visible.push_back(id);
      if (exhausted || visible.size() >= static_cast<std::size_t>(n)) break;
      ids = home_ids(session, reader, lo, oldest, n);
    }
    if (visible.size() > static_cast<std::size_t>(n)) visible.resize(static_cast<std::size_t>(n));
    ids = std::move(visible);
  }
  return make_page(hydrate(session, shown_ids(ids, page), reader.user.id), ids, page);
}

}  // namespace

namespace detail {

std::optional<Error> read_as_home_owner(Session& session, Id owner, Id viewer,
                                        const std::function<void(const UserRow&)>& read) {
  auto& db = session.db;
  std::int64_t now = session.now_ms();
  // Usually one read transaction; a reader not marked seen for a while is marked (and,
  // back from inactivity, has the inbox rebuilt) first, then read again.
  for (int attempt = 0;; ++attempt) {
    auto refused = db.read([&]() -> std::optional<std::optional<Error>> {
      auto reader = load_user_row(db, owner);
      if (!reader) return Error{Code::not_found, fmt::format("no user with id {}", owner)};
      if (viewer != owner) {
        return Error{Code::forbidden, "only its owner may read a home timeline"};
      }
      if (attempt == 0 && now - reader->last_seen_at_ms >= k_seen_granularity_ms) {
        return std::nullopt;
      }
      read(*reader);
      return std::optional<Error>();
    });
    if (refused) return *refused;
    if (auto reader = load_user_row(db, owner)) {
      mark_seen(session, owner, reader->last_seen_at_ms, now);
    }
  }
}

}  // namespace detail

Result<Page<Tweet>> Timelines::home(Id owner, const PageRequest& page, Id viewer) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  Page<Tweet> out;
  if (auto refused = read_as_home_owner(m_session, owner, viewer, [&](const UserRow& reader) {
        out = read_home(m_session, reader, page);
      })) {
    return std::unexpected(*refused);
  }
  return out;
}

Result<Page<Tweet>> Timelines::user(Id user, const PageRequest& page, Id viewer) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  auto& db = m_session.db;
  return db.read([&]() -> Result<Page<Tweet>> {
    if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
    auto ids = authored(db, user, page.since_id.value_or(0), page.max_id.value_or(INT64_MAX),
                        page.limit + 1);
    return make_page(hydrate(m_session, shown_ids(ids, page), viewer), ids, page);
  });
}

}  // namespace chirp
