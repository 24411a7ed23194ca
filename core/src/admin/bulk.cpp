// Bulk loading: one transaction, prepared statements reused, counters set at the end.
#include "admin/bulk_rows.hpp"
#include "feed/celebrities.hpp"
#include "feed/inbox.hpp"
#include "session.hpp"
#include "storage/counters.hpp"
#include "storage/rows.hpp"

#include <chirp/bulk.hpp>
#include <chirp/entities.hpp>
#include <chirp/settings.hpp>
#include <chirp/snowflake.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace chirp {

using namespace detail;

namespace {

/// What push_history writes, worked out in memory before the transaction: the inbox
/// rows as (reader index << 32 | tweet index), sorted, so that they are written in the
/// inbox's own key order (tweet indexes grow with their ids).
struct HistoryPlan {
  std::vector<std::uint64_t> rows;
  std::vector<bool> queued;  ///< by tweet index: left to the fan-out worker
  std::vector<std::size_t> pulled;  ///< authors over the threshold, with tweets
};

HistoryPlan plan_history(const BulkData& data, std::int64_t threshold) {
  HistoryPlan plan;
  // Each author's distinct followers (the input may repeat a follow), as one array
  // sliced by author.
  std::size_t n = data.users.size();
  std::vector<std::size_t> start(n + 1, 0);
  for (const auto& follow : data.follows) ++start[follow.second + 1];
  for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<std::uint32_t> followers(data.follows.size());
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (const auto& [follower, followee] : data.follows) {
      followers[next[followee]++] = static_cast<std::uint32_t>(follower);
    }
  }
  std::vector<std::size_t> count(n, 0);
  for (std::size_t a = 0; a < n; ++a) {
    auto first = followers.begin() + static_cast<std::ptrdiff_t>(start[a]);
    auto last = followers.begin() + static_cast<std::ptrdiff_t>(start[a + 1]);
    std::sort(first, last);
    count[a] = static_cast<std::size_t>(std::unique(first, last) - first);
  }
  plan.queued.assign(data.tweets.size(), false);
  std::vector<bool> pulled(n, false);
  std::size_t pushed = 0;
  for (const auto& tweet : data.tweets) {
    if (count[tweet.author] <= static_cast<std::size_t>(threshold)) pushed += count[tweet.author];
  }
  plan.rows.reserve(pushed);
  for (std::size_t j = 0; j < data.tweets.size(); ++j) {
    const auto& tweet = data.tweets[j];
    if (!parse_entities(tweet.text).mentions.empty()) {
      plan.queued[j] = true;  // the worker pushes it and notifies whom it mentions
      continue;
    }
    std::size_t a = tweet.author;
    if (count[a] > static_cast<std::size_t>(threshold)) {
      pulled[a] = true;
      continue;
    }
    for (std::size_t k = start[a]; k < start[a] + count[a]; ++k) {
      plan.rows.push_back(std::uint64_t{followers[k]} << 32 | j);
    }
  }
  std::sort(plan.rows.begin(), plan.rows.end());
  for (std::size_t a = 0; a < n; ++a) {
    if (pulled[a]) plan.pulled.push_back(a);
  }
  return plan;
}

/// Sets the connection's page cache to at least MIB for its life, then restores it.
class CacheAtLeast {
public:
  CacheAtLeast(Db& db, std::int64_t mib)
      : m_db(db), m_saved(db.statement("PRAGMA cache_size").single_int()) {
    // cache_size is pages when positive and KiB when negative.
    std::int64_t kib = mib * 1024;
    std::int64_t saved_kib =
        m_saved < 0 ? -m_saved : m_saved * db.statement("PRAGMA page_size").single_int() / 1024;
    if (kib > saved_kib) m_db.exec(fmt::format("PRAGMA cache_size=-{}", kib));
  }
  ~CacheAtLeast() {
    try {
      m_db.exec(fmt::format("PRAGMA cache_size={}", m_saved));
    } catch (const std::exception&) {
      // Only a larger cache stays: nothing to lose, and a destructor must not throw.
    }
  }
  CacheAtLeast(const CacheAtLeast&) = delete;
  CacheAtLeast& operator=(const CacheAtLeast&) = delete;

private:
  Db& m_db;
  std::int64_t m_saved;
};

}  // namespace

Result<std::vector<Id>> Bulk::import(const BulkData& data, const Progress& progress,
                                     const BulkOptions& options) {
  // Validate everything first: a refused import writes nothing.
  for (const auto& user : data.users) {
    if (auto ok = validate_handle(user.handle); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [follower, followee] : data.follows) {
    if (follower >= data.users.size() || followee >= data.users.size() || follower == followee) {
      return fail(Code::invalid, fmt::format("bad follow ({}, {})", follower, followee));
    }
  }
  std::int64_t now = m_session.now_ms();
  for (const auto& tweet : data.tweets) {
    if (tweet.author >= data.users.size() || tweet.created_at_ms > now) {
      return fail(Code::invalid, "a tweet names a missing author or a future time");
    }
    if (auto ok = validate_tweet_text(tweet.text); !ok) return std::unexpected(ok.error());
  }
  HistoryPlan plan;
  if (options.push_history) {
    constexpr std::size_t k_max = std::numeric_limits<std::uint32_t>::max();
    if (data.users.size() > k_max || data.tweets.size() > k_max) {
      return fail(Code::invalid, "push_history takes at most 2^32 - 1 users and tweets");
    }
    plan = plan_history(data, m_session.setting(setting::celebrity_threshold));
  }
  std::int64_t cap = m_session.setting(setting::inbox_cap);
  std::size_t total =
      data.users.size() + data.follows.size() + data.tweets.size() + plan.rows.size();
  std::size_t done = 0;
  std::size_t reported = 0;
  auto tick = [&](std::size_t rows = 1) {
    done += rows;
    if (progress && done - reported >= 100'000) progress(reported = done, total);
  };
  auto& db = m_session.db;
  CacheAtLeast cache(db, options.cache_mib);
  bool queued = false;
  auto imported = db.write([&]() -> Result<std::vector<Id>> {
    done = reported = 0;
    queued = false;
    int node = static_cast<int>(m_session.setting(setting::node_id));
    std::vector<Id> ids;
    ids.reserve(data.users.size());
    BulkRows rows(db, now);
    Id last = next_user_id(db, now, node) - 1;
    for (const auto& user : data.users) {
      Id id = next_snowflake(now, node, last);
      last = id;
      auto added = rows.add_user({.id = id,
                                  .handle = user.handle,
                                  .name = user.name,
                                  .bio = user.bio,
                                  .created_at_ms = now});
      if (!added) return std::unexpected(added.error());
      ids.push_back(id);
      tick();
    }
    for (const auto& [follower, followee] : data.follows) {
      rows.add_follow({ids[follower], ids[followee], now});
      tick();
    }
    last = next_tweet_id(db, 0, node) - 1;
    std::vector<Id> tweet_ids;
    tweet_ids.reserve(data.tweets.size());
    for (std::size_t j = 0; j < data.tweets.size(); ++j) {
      const auto& tweet = data.tweets[j];
      Id id = next_snowflake(tweet.created_at_ms, node, last);
      last = id;
      bool queue = !options.push_history || plan.queued[j];
      queued = queued || queue;
      auto added = rows.add_tweet({.id = id,
                                   .author = ids[tweet.author],
                                   .text = *validate_tweet_text(tweet.text),
                                   .created_at_ms = tweet.created_at_ms},
                                  tweet.created_at_ms,
                                  queue ? BulkRows::Delivery::queued
                                        : BulkRows::Delivery::pushed_by_caller);
      if (!added) return std::unexpected(added.error());
      tweet_ids.push_back(id);
      tick();
    }
    // Each reader's pushed tweets are one run of the sorted rows, oldest first: the
    // newest CAP of them are written, and a reader who had more gets the floor the
    // worker's trim would give (complete from the oldest kept up).
    auto insert = db.statement("INSERT OR IGNORE INTO timeline(reader, tweet) VALUES (?, ?)");
    for (std::size_t b = 0; b < plan.rows.size();) {
      std::uint64_t reader = plan.rows[b] >> 32;
      std::size_t e = b;
      while (e < plan.rows.size() && plan.rows[e] >> 32 == reader) ++e;
      std::size_t keep = e - std::min(e - b, static_cast<std::size_t>(cap));
      for (std::size_t k = keep; k < e; ++k) {
        insert.rebind().bind(ids[reader], tweet_ids[plan.rows[k] & 0xFFFFFFFFu]).exec();
      }
      if (keep > b) raise_inbox_floor(db, ids[reader], tweet_ids[plan.rows[keep] & 0xFFFFFFFFu]);
      tick(e - b);
      b = e;
    }
    // Counters of every user touched, recomputed exactly.
    db.exec(
        "UPDATE users SET "
        " followers_count = (SELECT count(*) FROM follows WHERE followee = users.id),"
        " following_count = (SELECT count(*) FROM follows WHERE follower = users.id),"
        " follows_version = follows_version + 1,"
        " tweets_count = (SELECT count(*) FROM tweets WHERE author = users.id"
        "                 AND deleted_at IS NULL)");
    bump_celebrity_epoch(db);
    for (std::size_t a : plan.pulled) mark_pulled(db, ids[a]);
    if (progress) progress(total, total);
    return ids;
  });
  if (imported && queued) m_session.work_was_queued();
  return imported;
}

}  // namespace chirp
