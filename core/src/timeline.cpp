// Reading timelines: the home timeline merges the pushed inbox with pulled tweets
// (the reader's own, followed celebrities', and anything older than the inbox keeps).
#include "internal.hpp"

#include <chirp/core.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <algorithm>

namespace chirp {

using namespace detail;

namespace {

constexpr std::int64_t k_seen_granularity_ms = 10 * 60 * 1000;
/// Pages up to this size (plus one) keep pulled authors' ids in the read cache.
constexpr int k_max_recent_ids = 64;

std::vector<Id> followees(Db& db, Id user, const char* sql, std::int64_t threshold) {
  auto q = db.statement(sql);
  q->bind(1, user);
  q->bind(2, threshold);
  std::vector<Id> ids;
  while (q->executeStep()) ids.push_back(q->getColumn(0).getInt64());
  return ids;
}

/// The celebrities READER follows: whichever is shorter of the (cached) celebrity list
/// and the reader's own follows is walked, and checked against the other. Kept in the
/// connection's read cache until the reader's follows or the celebrities change.
std::vector<Id> followed_celebrities(Db& db, const User& reader, std::int64_t follows_version,
                                     std::int64_t threshold) {
  const auto& all = celebrities(db, threshold);
  std::vector<Id> out;
  if (all.empty()) return out;
  ReadCache* cache = db.read_cache();
  ReadCache::FollowedStamp stamp{follows_version, db.celebrity_cache().epoch, threshold};
  if (cache) {
    if (const auto* hit = cache->find_followed(reader.id, stamp)) return *hit;
  }
  if (static_cast<std::int64_t>(all.size()) <= reader.following_count) {
    auto q = db.statement("SELECT 1 FROM follows WHERE follower = ? AND followee = ?");
    for (Id celebrity : all) {
      q->bind(1, reader.id);
      q->bind(2, celebrity);
      if (q->executeStep()) out.push_back(celebrity);
      q->reset();
    }
  } else {
    auto q = db.statement("SELECT followee FROM follows WHERE follower = ?");
    q->bind(1, reader.id);
    while (q->executeStep()) {
      Id followee = q->getColumn(0).getInt64();
      if (std::binary_search(all.begin(), all.end(), followee)) out.push_back(followee);
    }
  }
  if (cache) cache->insert_followed(reader.id, stamp, out);
  return out;
}
constexpr const char* k_followed_pushed =
    "SELECT f.followee FROM follows f JOIN users u ON u.id = f.followee "
    "WHERE f.follower = ?1 AND u.followers_count <= ?2";

/// Refills USER's inbox from scratch by pull (a follower fan-out skipped while away).
void rebuild_inbox(Db& db, Id user) {
  std::int64_t cap = read_setting(db, setting::inbox_cap);
  std::int64_t threshold = read_setting(db, setting::celebrity_threshold);
  std::vector<std::vector<Id>> sources;
  for (Id followee : followees(db, user, k_followed_pushed, threshold)) {
    sources.push_back(authored(db, followee, 0, INT64_MAX, static_cast<int>(cap)));
  }
  auto ids = merge_newest(std::move(sources), static_cast<std::size_t>(cap));
  auto clear = db.statement("DELETE FROM timeline WHERE user = ?");
  clear->bind(1, user);
  clear->exec();
  auto insert = db.statement("INSERT INTO timeline(user, tweet) VALUES (?, ?)");
  for (Id tweet : ids) {
    insert->bind(1, user);
    insert->bind(2, tweet);
    insert->exec();
    insert->reset();
  }
  // With CAP entries, older tweets may exist that the inbox does not hold.
  Id inbox_floor = ids.size() == static_cast<std::size_t>(cap) ? ids.back() : 0;
  auto floor = db.statement("UPDATE users SET inbox_floor = ? WHERE id = ?");
  floor->bind(1, inbox_floor);
  floor->bind(2, user);
  floor->exec();
}

/// The reader with the two fields only timelines need.
struct Reader {
  User user;
  std::int64_t last_seen_ms = 0;
  Id inbox_floor = 0;
  std::int64_t follows_version = 0;
};

std::optional<Reader> load_reader(Db& db, Id id) {
  auto q = db.statement("SELECT " CHIRP_USER_COLUMNS
                        ", u.last_seen_at, u.inbox_floor, u.follows_version FROM users u WHERE u.id = ?");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return Reader{read_user(*q), q->getColumn(9).getInt64(), q->getColumn(10).getInt64(),
                q->getColumn(11).getInt64()};
}

/// Records that USER was seen now; rebuilds the inbox when fan-out has been skipping
/// them for inactivity.
void mark_seen(Db& db, Id user, std::int64_t last_seen, std::int64_t now) {
  db.write([&] {
    std::int64_t inactive_days = read_setting(db, setting::inactive_days);
    auto q = db.statement("SELECT value FROM counters WHERE name = 'inactive_days_changed_at'");
    std::int64_t setting_changed_at = q->executeStep() ? q->getColumn(0).getInt64() : 0;
    // Fan-out may have skipped this reader: under the current setting, or under an
    // earlier one if the setting changed since the reader was last seen.
    bool maybe_skipped = (inactive_days > 0 && last_seen < now - inactive_days * 86'400'000) ||
                         last_seen < setting_changed_at;
    if (maybe_skipped) rebuild_inbox(db, user);
    auto seen = db.statement("UPDATE users SET last_seen_at = max(last_seen_at, ?) WHERE id = ?");
    seen->bind(1, now);
    seen->bind(2, user);
    return seen->exec();
  });
}

template <class T>
Page<T> finish_page(std::vector<T> items, std::vector<Id> ids, int limit) {
  Page<T> page;
  page.items = std::move(items);
  if (ids.size() > static_cast<std::size_t>(limit)) page.next_max_id = ids[limit - 1];
  return page;
}

Result<Page<Tweet>> read_home(Db& db, const Reader& reader, const PageRequest& page) {
  Id user = reader.user.id;
  Id lo = page.since_id.value_or(0);
  Id hi = page.max_id.value_or(INT64_MAX);
  int n = page.limit + 1;  // one more than asked: tells whether another page exists
  std::int64_t threshold = read_setting(db, setting::celebrity_threshold);
  std::vector<Id> ids;
  {
    // Deleting a tweet removes it from every inbox in the same transaction, so the
    // inbox needs no join here; hydrate() still drops anything deleted.
    auto q = db.statement(
        "SELECT tweet FROM timeline WHERE user = ? AND tweet < ? AND tweet > ? "
        "AND tweet >= ? ORDER BY tweet DESC LIMIT ?");
    q->bind(1, user);
    q->bind(2, hi);
    q->bind(3, lo);
    q->bind(4, reader.inbox_floor);
    q->bind(5, n);
    while (q->executeStep()) ids.push_back(q->getColumn(0).getInt64());
  }
  // The reader's own tweets and the followed celebrities' are pulled. Once N ids are
  // merged, older tweets cannot make the page: each author is read only above the N-th
  // newest so far (a seek that usually finds nothing).
  std::vector<Id> authors = followed_celebrities(db, reader.user, reader.follows_version, threshold);
  authors.push_back(user);
  // The read cache keeps each pulled author's newest ids until they post or delete,
  // which spares the seek for every author with nothing new.
  ReadCache* cache = db.read_cache();
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
    if (!pulled.empty()) ids = merge_newest({std::move(ids), std::move(pulled)}, static_cast<std::size_t>(n));
  }
  // Below the inbox floor the inbox is incomplete (trimmed, or back-fill was bounded).
  // Everything above it is complete, so only when the page is not full from above the
  // floor are the older tweets pulled from every pushed followee.
  auto above_floor = std::count_if(ids.begin(), ids.end(), [&](Id id) { return id >= reader.inbox_floor; });
  if (lo < reader.inbox_floor && above_floor < n) {
    std::vector<std::vector<Id>> older{std::move(ids)};
    Id pull_hi = std::min(hi, reader.inbox_floor);
    for (Id followee : followees(db, user, k_followed_pushed, threshold)) {
      older.push_back(authored(db, followee, lo, pull_hi, n));
    }
    ids = merge_newest(std::move(older), static_cast<std::size_t>(n));
  }
  std::vector<Id> shown(ids.begin(), ids.begin() + std::min<std::size_t>(ids.size(), page.limit));
  return finish_page(hydrate(db, shown, user), std::move(ids), page.limit);
}

}  // namespace

Result<Page<Tweet>> Core::home_timeline(Id user, const PageRequest& page) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  std::int64_t now = m_clock->now_ms();
  // Usually one read transaction; a reader not marked seen for a while is marked (and,
  // back from inactivity, has the inbox rebuilt) first, then read again.
  for (int attempt = 0;; ++attempt) {
    auto result = m_db->read([&]() -> std::optional<Result<Page<Tweet>>> {
      auto reader = load_reader(*m_db, user);
      if (!reader) return fail(Code::not_found, fmt::format("no user with id {}", user));
      if (attempt == 0 && now - reader->last_seen_ms >= k_seen_granularity_ms) {
        return std::nullopt;
      }
      return read_home(*m_db, *reader, page);
    });
    if (result) return *result;
    auto reader = load_reader(*m_db, user);
    if (reader) mark_seen(*m_db, user, reader->last_seen_ms, now);
  }
}

Result<Page<Tweet>> Core::user_timeline(Id user, const PageRequest& page, Id viewer) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  return m_db->read([&]() -> Result<Page<Tweet>> {
    if (auto u = require_user(*m_db, user); !u) return std::unexpected(u.error());
    auto ids = authored(*m_db, user, page.since_id.value_or(0), page.max_id.value_or(INT64_MAX),
                        page.limit + 1);
    std::vector<Id> shown(ids.begin(), ids.begin() + std::min<std::size_t>(ids.size(), page.limit));
    return finish_page(hydrate(*m_db, shown, viewer), std::move(ids), page.limit);
  });
}

}  // namespace chirp
