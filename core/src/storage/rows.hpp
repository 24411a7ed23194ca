#pragma once
// Rows read into named structs, one place per table: each column list sits beside the
// one function that reads it, so a new column is added in one place and nothing else
// counts columns.

#include "storage/db.hpp"

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::detail {

/// Reads the columns of a result row one after the other, from FIRST on.
class Cursor {
public:
  explicit Cursor(SQLite::Statement& row, int first = 0) : m_row(row), m_index(first) {}
  std::int64_t integer();
  std::optional<std::int64_t> optional_integer();
  std::string text();
  std::optional<std::string> optional_text();
  int index() const { return m_index; }

private:
  SQLite::Statement& m_row;
  int m_index;
};

// ---- users ----------------------------------------------------------------------------

/// A users row: the public User and the bookkeeping only core reads.
struct UserRow {
  User user;
  std::int64_t last_seen_at_ms = 0;
  Id inbox_floor = 0;               ///< the inbox is complete for tweet ids >= this
  std::int64_t follows_version = 0;  ///< bumped by every follow and unfollow
  std::int64_t token_version = 0;   ///< bumped to revoke earlier tokens
  bool pulled = false;              ///< fan-out once skipped this author
  /// Bumped by every block or unblock of or by the user and every mute or unmute by
  /// them: 0 means the user hides nobody (feed/visibility.hpp).
  std::int64_t hides_version = 0;
};

/// The column list read_user_row reads, each qualified by ALIAS ("u.id, u.handle, ...").
std::string user_columns(std::string_view alias);
/// The users row whose columns (user_columns) start at FIRST.
UserRow read_user_row(SQLite::Statement& row, int first = 0);

std::optional<UserRow> load_user_row(Db& db, Id id);
/// The user whose handle is HANDLE (any case).
std::optional<UserRow> load_user_row_by_handle(Db& db, std::string_view handle);
std::optional<User> load_user(Db& db, Id id);
/// The users among IDS (any order, missing ones left out): one query.
std::vector<User> load_users(Db& db, const std::vector<Id>& ids);
/// The two fields fan-out reads per queue item, without the rest of the row.
struct Reach {
  std::int64_t followers_count = 0;
  bool pulled = false;
};
std::optional<Reach> load_reach(Db& db, Id id);
/// not_found with a message naming the user when missing.
Result<User> require_user(Db& db, Id id);

/// What a login checks: the user and their password hash (nullopt: no password set).
struct Credentials {
  Id user = 0;
  std::optional<std::string> password_hash;
};
std::optional<Credentials> load_credentials(Db& db, std::string_view handle);

// ---- tweets ---------------------------------------------------------------------------

/// What rules need of a live (not deleted) tweet.
struct TweetHead {
  Id id = 0;
  Id author = 0;
  std::optional<Id> retweet_of;
  std::optional<Id> reply_to;
};
std::optional<TweetHead> live_tweet(Db& db, Id id);
/// not_found with a message naming the tweet when missing or deleted.
Result<TweetHead> require_tweet(Db& db, Id id);
/// The tweet ID replies to, whether either is deleted or not (threads keep their shape).
std::optional<Id> replied_to(Db& db, Id id);
/// USER's live retweet of ORIGINAL.
std::optional<TweetHead> live_retweet(Db& db, Id user, Id original);
/// The live retweets of ORIGINAL.
std::vector<TweetHead> live_retweets_of(Db& db, Id original);

/// A tweet row to write. Every new tweet is queued for fan-out in the same statement
/// pair (the transactional outbox), so insert_tweet_row writes both.
struct NewTweetRow {
  Id id = 0;
  Id author = 0;
  std::string text;
  std::optional<Id> reply_to;
  std::optional<Id> retweet_of;
  std::optional<std::string> media_json;  ///< a JSON array of URLs, NULL when none
  std::int64_t created_at_ms = 0;
};
/// Inserts ROW and its fanout_queue row (call inside a write transaction); its id.
Id insert_tweet_row(Db& db, const NewTweetRow& row);

/// Queues an event for the worker (sql/007_blocks_notifications.sql): KIND "like" (AUTHOR
/// liked TWEET) or "follow" (AUTHOR followed SUBJECT), inside the write's transaction.
void queue_event(Db& db, std::string_view kind, Id author, std::optional<Id> tweet,
                 std::optional<Id> subject, std::int64_t at_ms);

/// The live tweets among IDS (any order) with their authors' handle and name and their
/// counters, but no viewer flags and no original: one query, whatever the number.
std::vector<std::shared_ptr<Tweet>> load_live_tweets(Db& db, const std::vector<Id>& ids);

/// Ids of AUTHOR's live tweets in (LO, HI), newest first, at most N.
std::vector<Id> authored(Db& db, Id author, Id lo, Id hi, std::int64_t n);

// ---- ids -----------------------------------------------------------------------------

/// A new Snowflake id above every id already in the table: call inside a write
/// transaction.
Id next_user_id(Db& db, std::int64_t now_ms, int node);
Id next_tweet_id(Db& db, std::int64_t now_ms, int node);

/// IDS as a JSON array ("[1,2]"), for statements that take a list through json_each.
std::string json_array(const std::vector<Id>& ids);

}  // namespace chirp::detail
