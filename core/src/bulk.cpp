// Bulk loading: one transaction, prepared statements reused, counters set at the end.
#include "internal.hpp"

#include <chirp/core.hpp>
#include <chirp/snowflake.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

namespace chirp {

using namespace detail;

Result<std::vector<Id>> Core::bulk_import(
    const BulkData& data, const std::function<void(std::size_t, std::size_t)>& progress) {
  // Validate everything first: a refused import writes nothing.
  for (const auto& user : data.users) {
    if (auto ok = validate_handle(user.handle); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [follower, followee] : data.follows) {
    if (follower >= data.users.size() || followee >= data.users.size() || follower == followee) {
      return fail(Code::invalid, fmt::format("bad follow ({}, {})", follower, followee));
    }
  }
  std::int64_t now = m_clock->now_ms();
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
  return m_db->write([&]() -> Result<std::vector<Id>> {
    int node = static_cast<int>(read_setting(*m_db, setting::node_id));
    std::vector<Id> ids;
    ids.reserve(data.users.size());
    {
      auto q = m_db->statement(
          "INSERT INTO users(id, handle, name, bio, created_at, last_seen_at) "
          "VALUES (?, ?, ?, ?, ?, ?)");
      Id last = new_user_id(*m_db, now, node) - 1;
      for (const auto& user : data.users) {
        Id id = next_snowflake(now, node, last);
        last = id;
        q->bind(1, id);
        q->bind(2, user.handle);
        q->bind(3, user.name);
        q->bind(4, user.bio);
        q->bind(5, now);
        q->bind(6, now);
        try {
          q->exec();
        } catch (const SQLite::Exception& e) {
          if ((e.getErrorCode() & 0xff) == 19 /* SQLITE_CONSTRAINT */) {
            return fail(Code::conflict, fmt::format("the handle '{}' is taken", user.handle));
          }
          throw;
        }
        q->reset();
        ids.push_back(id);
        tick();
      }
    }
    {
      auto q = m_db->statement(
          "INSERT OR IGNORE INTO follows(follower, followee, created_at) VALUES (?, ?, ?)");
      for (const auto& [follower, followee] : data.follows) {
        q->bind(1, ids[follower]);
        q->bind(2, ids[followee]);
        q->bind(3, now);
        q->exec();
        q->reset();
        tick();
      }
    }
    {
      auto insert = m_db->statement(
          "INSERT INTO tweets(id, author, text, created_at) VALUES (?, ?, ?, ?)");
      auto queue = m_db->statement(
          "INSERT INTO fanout_queue(tweet, author, created_at) VALUES (?, ?, ?)");
      Id last = new_tweet_id(*m_db, 0, node) - 1;
      for (const auto& tweet : data.tweets) {
        Id id = next_snowflake(tweet.created_at_ms, node, last);
        last = id;
        insert->bind(1, id);
        insert->bind(2, ids[tweet.author]);
        insert->bind(3, *validate_tweet_text(tweet.text));
        insert->bind(4, tweet.created_at_ms);
        insert->exec();
        insert->reset();
        queue->bind(1, id);
        queue->bind(2, ids[tweet.author]);
        queue->bind(3, tweet.created_at_ms);
        queue->exec();
        queue->reset();
        tick();
      }
    }
    // Counters of every user touched, recomputed exactly.
    m_db->connection().exec(
        "UPDATE users SET "
        " followers_count = (SELECT count(*) FROM follows WHERE followee = users.id),"
        " following_count = (SELECT count(*) FROM follows WHERE follower = users.id),"
        " follows_version = follows_version + 1,"
        " tweets_count = (SELECT count(*) FROM tweets WHERE author = users.id"
        "                 AND deleted_at IS NULL)");
    bump_celebrity_epoch(*m_db);
    if (progress) progress(total, total);
    return ids;
  });
}

}  // namespace chirp
