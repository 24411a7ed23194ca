#pragma once
// The entity rows of a tweet (sql/006_discovery.sql): its mentions, its hashtags with
// their trend counts, and its full-text search row, written in the transaction that
// writes the tweet and removed in the one that deletes it. Every path that writes
// tweets calls index_tweet: posting (social/), the bulk row writer (admin/, which the
// bulk loader and the archive import share) and the migration that added the tables.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chirp::detail {

/// The hour bucket of hashtag_hours a time falls in.
constexpr std::int64_t k_trend_hour_ms = 3'600'000;

/// Parses TEXT and stores the entity rows of the new live tweet ID (posted at
/// CREATED_AT_MS). Call inside its write transaction; not for retweets (they have no
/// text: they carry their original's entities).
void index_tweet(Db& db, Id id, std::int64_t created_at_ms, std::string_view text);

/// Removes the entity rows of tweet ID, which is being deleted: call inside the write
/// transaction that sets its deleted_at (before or after: its text and time are read
/// from its row, which stays).
void unindex_tweet(Db& db, Id id);

/// Indexes every live tweet (not a retweet): for the migration that added the tables.
void index_existing_tweets(Db& db);

/// The users tweet ID mentions, in the order of its text (none for a retweet).
std::vector<Mention> load_mentions(Db& db, Id tweet);

struct TweetEntities {
  std::vector<Mention> mentions;
  std::vector<std::string> hashtags;  ///< display spellings
};
/// The entities of the tweets among IDS that have any: two queries, whatever the
/// number of ids.
std::unordered_map<Id, TweetEntities> load_entities(Db& db, const std::vector<Id>& ids);

}  // namespace chirp::detail
