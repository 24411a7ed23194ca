#pragma once
// Helpers shared by the core's source files (not part of the public API).

#include "db.hpp"

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::detail {

/// Columns of a User in the order read_user expects.
#define CHIRP_USER_COLUMNS                                                                   \
  "u.id, u.handle, u.name, u.bio, u.created_at, u.followers_count, u.following_count, " \
  "u.tweets_count, u.likes_count"

User read_user(SQLite::Statement& row, int first_column = 0);
std::optional<User> load_user(Db& db, Id id);
/// not_found with a message naming the user when missing.
Result<User> require_user(Db& db, Id id);

/// Hydrates IDS (any order) into tweets, keeping the order of IDS and dropping deleted
/// or missing ones; retweets get their original attached. VIEWER (0 = none) sets the
/// liked/retweeted flags. Two queries at most, whatever the number of ids.
std::vector<Tweet> hydrate(Db& db, const std::vector<Id>& ids, Id viewer);

/// A live (not deleted) tweet's author and retweet_of, or nullopt.
struct TweetHead {
  Id id;
  Id author;
  std::optional<Id> retweet_of;
  std::optional<Id> reply_to;
};
std::optional<TweetHead> live_tweet(Db& db, Id id);

/// A new Snowflake id for TABLE ("tweets" or "users"), above every id already there.
/// Call inside a write transaction.
Id new_tweet_id(Db& db, std::int64_t now_ms, int node);
Id new_user_id(Db& db, std::int64_t now_ms, int node);

/// A setting's value inside the current connection (default when unset).
std::int64_t read_setting(Db& db, std::string_view key);

/// Marks the set of celebrities as changed (see Db::CelebrityCache).
void bump_celebrity_epoch(Db& db);
/// The sorted ids of the authors whose tweets are pulled at read time: every user with
/// more followers than THRESHOLD, and every user fan-out ever skipped (cached).
const std::vector<Id>& celebrities(Db& db, std::int64_t threshold);

/// Ids of AUTHOR's live tweets in (LO, HI), newest first, at most N.
std::vector<Id> authored(Db& db, Id author, Id lo, Id hi, int n);

/// IDS as a JSON array ("[1,2]"), for statements that take a list through json_each.
std::string json_array(const std::vector<Id>& ids);

/// Newest-first merge of id lists into at most LIMIT unique ids.
std::vector<Id> merge_newest(std::vector<std::vector<Id>> sources, std::size_t limit);

/// Pushes the tweets of AUTHOR with ids >= the user's inbox floor into USER's inbox
/// (at most CAP of them, newest first) and raises the floor when more were left out.
void backfill_inbox(Db& db, Id user, Id author, std::int64_t cap);

/// Trims USER's inbox to CAP entries, raising the inbox floor past what was removed.
void trim_inbox(Db& db, Id user, std::int64_t cap);

}  // namespace chirp::detail
