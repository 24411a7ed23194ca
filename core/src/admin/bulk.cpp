// Bulk loading: one transaction, prepared statements reused, counters set at the end.
#include "admin/bulk_rows.hpp"
#include "session.hpp"
#include "storage/counters.hpp"
#include "storage/rows.hpp"

#include <chirp/bulk.hpp>
#include <chirp/settings.hpp>
#include <chirp/snowflake.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

namespace chirp {

using namespace detail;

Result<std::vector<Id>> Bulk::import(const BulkData& data, const Progress& progress) {
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
  std::size_t total = data.users.size() + data.follows.size() + data.tweets.size();
  std::size_t done = 0;
  auto tick = [&] {
    if (progress && ++done % 100'000 == 0) progress(done, total);
  };
  auto& db = m_session.db;
  auto imported = db.write([&]() -> Result<std::vector<Id>> {
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
    for (const auto& tweet : data.tweets) {
      Id id = next_snowflake(tweet.created_at_ms, node, last);
      last = id;
      auto added = rows.add_tweet({.id = id,
                                   .author = ids[tweet.author],
                                   .text = *validate_tweet_text(tweet.text),
                                   .created_at_ms = tweet.created_at_ms},
                                  tweet.created_at_ms);
      if (!added) return std::unexpected(added.error());
      tick();
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
    if (progress) progress(total, total);
    return ids;
  });
  if (imported && !data.tweets.empty()) m_session.work_was_queued();
  return imported;
}

}  // namespace chirp
