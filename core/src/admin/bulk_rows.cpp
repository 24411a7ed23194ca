#include "admin/bulk_rows.hpp"

#include "entities/store.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/core.h>
#include <sqlite3.h>

namespace chirp::detail {

namespace {

bool is_constraint(const SQLite::Exception& e) {
  return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
}

}  // namespace

Result<bool> BulkRows::add_user(const UserRecord& user) {
  // Only the id's conflict is a row already there: a taken handle raises.
  try {
    return m_db
               .statement(
                   "INSERT INTO users(id, handle, name, bio, password_hash, created_at, "
                   "last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
               .bind(user.id, user.handle, user.name, user.bio, user.password_hash,
                     user.created_at_ms, m_now_ms)
               .exec() > 0;
  } catch (const SQLite::Exception& e) {
    if (is_constraint(e)) {
      return fail(Code::conflict, fmt::format("the handle '{}' is taken", user.handle));
    }
    throw;
  }
}

bool BulkRows::add_follow(const FollowRecord& follow) {
  return m_db
             .statement(
                 "INSERT INTO follows(follower, followee, created_at) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING")
             .bind(follow.follower, follow.followee, follow.created_at_ms)
             .exec() > 0;
}

Result<bool> BulkRows::add_tweet(const TweetRecord& tweet, std::optional<std::int64_t> queued_at_ms,
                                Delivery delivery) {
  try {
    if (m_db.statement(
                "INSERT INTO tweets(id, author, text, reply_to, retweet_of, media_urls, "
                "created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO NOTHING")
            .bind(tweet.id, tweet.author, tweet.text, tweet.reply_to, tweet.retweet_of,
                  tweet.media_json, tweet.created_at_ms, tweet.deleted_at_ms)
            .exec() == 0) {
      return false;
    }
  } catch (const SQLite::Exception& e) {
    if (is_constraint(e) && tweet.retweet_of) {
      return fail(Code::conflict, fmt::format("user {} already has a live retweet of tweet {}",
                                              tweet.author, *tweet.retweet_of));
    }
    throw;
  }
  // Its entity rows and the transactional outbox, as for a post: fan-out pushes it to
  // the followers.
  if (!tweet.deleted_at_ms) {
    if (!tweet.retweet_of) index_tweet(m_db, tweet.id, tweet.created_at_ms, tweet.text);
    if (delivery == Delivery::queued) {
      m_db.statement("INSERT INTO fanout_queue(tweet, author, created_at) VALUES (?, ?, ?)")
          .bind(tweet.id, tweet.author, queued_at_ms.value_or(m_now_ms))
          .exec();
    }
  }
  return true;
}

bool BulkRows::add_like(const LikeRecord& like) {
  return m_db
             .statement(
                 "INSERT INTO likes(liker, tweet, created_at) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING")
             .bind(like.liker, like.tweet, like.created_at_ms)
             .exec() > 0;
}

bool BulkRows::add_block(const BlockRecord& block) {
  return m_db
             .statement(
                 "INSERT INTO blocks(blocker, blocked, created_at) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING")
             .bind(block.blocker, block.blocked, block.created_at_ms)
             .exec() > 0;
}

bool BulkRows::add_mute(const MuteRecord& mute) {
  return m_db
             .statement(
                 "INSERT INTO mutes(muter, muted, created_at) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING")
             .bind(mute.muter, mute.muted, mute.created_at_ms)
             .exec() > 0;
}

}  // namespace chirp::detail
