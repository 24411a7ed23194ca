#pragma once
// The bulk path's row writer: users, follows, tweets, likes, blocks and mutes written
// with statements prepared once, each row skipped when the database already holds its
// key (a user's or tweet's id, a follow's, like's, block's or mute's pair). Counters are not touched: the caller recounts
// what it touched once, at the end (Bulk::import, the archive import).

#include "storage/db.hpp"

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace chirp::detail {

struct UserRecord {
  Id id = 0;
  std::string handle;
  std::string name;
  std::string bio;
  std::optional<std::string> password_hash;
  std::int64_t created_at_ms = 0;
};

struct FollowRecord {
  Id follower = 0;
  Id followee = 0;
  std::int64_t created_at_ms = 0;
};

struct TweetRecord {
  Id id = 0;
  Id author = 0;
  std::string text;  ///< "" for a retweet and a deleted tweet
  std::optional<Id> reply_to;
  std::optional<Id> retweet_of;
  std::optional<std::string> media_json;  ///< a JSON array of URLs
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> deleted_at_ms;
};

struct LikeRecord {
  Id liker = 0;
  Id tweet = 0;
  std::int64_t created_at_ms = 0;
};

/// BLOCKER blocks BLOCKED (the archive's block records).
struct BlockRecord {
  Id blocker = 0;
  Id blocked = 0;
  std::int64_t created_at_ms = 0;
};

/// MUTER mutes MUTED (the archive's mute records).
struct MuteRecord {
  Id muter = 0;
  Id muted = 0;
  std::int64_t created_at_ms = 0;
};

/// Call every function inside one write transaction. Each returns true when it wrote
/// the row, false when the row was already there.
class BulkRows {
public:
  /// NOW_MS is the users' last-seen time and, for the fan-out queue, when live tweets
  /// are queued (unless add_tweet is given another time).
  BulkRows(Db& db, std::int64_t now_ms) : m_db(db), m_now_ms(now_ms) {}

  /// conflict when another user holds the handle.
  Result<bool> add_user(const UserRecord& user);
  bool add_follow(const FollowRecord& follow);
  /// A live tweet is queued for fan-out (at QUEUED_AT_MS, default now). conflict when
  /// the author already has another live retweet of the same tweet.
  /// How a live tweet reaches its followers' inboxes: through the fan-out queue, or
  /// pushed by the caller in the same transaction (Bulk::import's push_history).
  enum class Delivery { queued, pushed_by_caller };
  Result<bool> add_tweet(const TweetRecord& tweet, std::optional<std::int64_t> queued_at_ms = {},
                         Delivery delivery = Delivery::queued);
  bool add_like(const LikeRecord& like);
  /// The row only: ending follows and bumping hides_version is the caller's.
  bool add_block(const BlockRecord& block);
  bool add_mute(const MuteRecord& mute);

private:
  Db& m_db;
  std::int64_t m_now_ms;
};

}  // namespace chirp::detail
