#pragma once
// What the crash trials read back after a kill -9: the rows of a database file, read
// behind chirp's back with the sqlite3 tool, and the rules between them that must hold
// whatever moment a crash struck (counters equal a recount, inboxes hold what fan-out
// and back-fill promise, SQLite finds the file intact).

#include <chirp/types.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chirp::test {

struct TweetRecord {
  Id id = 0;
  Id author = 0;
  Id reply_to = 0;    ///< 0 when none
  Id retweet_of = 0;  ///< 0 when none
  bool deleted = false;
  std::int64_t like_count = 0;
  std::int64_t retweet_count = 0;
  std::int64_t reply_count = 0;
};

struct UserRecord {
  Id id = 0;
  std::string handle;
  std::int64_t followers_count = 0;
  std::int64_t following_count = 0;
  std::int64_t tweets_count = 0;
  std::int64_t likes_count = 0;
  Id inbox_floor = 0;
  bool pulled = false;
};

/// The rows of every table a crash could leave inconsistent.
struct Snapshot {
  std::map<Id, TweetRecord> tweets;
  std::map<Id, UserRecord> users;
  std::set<std::pair<Id, Id>> follows;  ///< (follower, followee)
  std::set<std::pair<Id, Id>> likes;    ///< (liker, tweet)
  std::map<Id, std::set<Id>> inboxes;   ///< reader -> pushed tweet ids
  std::int64_t queue_depth = 0;

  bool is_following(Id follower, Id followee) const {
    return follows.contains({follower, followee});
  }
  /// True when USER has a live retweet of ORIGINAL.
  bool has_live_retweet(Id user, Id original) const;
  /// What READER's home timeline must show, newest first: every live tweet (retweets
  /// and replies included) by READER or by someone READER follows.
  std::vector<Id> expected_home(Id reader) const;
};

/// Reads DB through the sqlite3 tool (fails the test when the tool fails).
Snapshot read_snapshot(const std::filesystem::path& db);

/// Every counter that differs from a recount of the base tables, described. The rules
/// (core/src/social): followers_count and following_count count follows rows;
/// tweets_count counts the user's live tweets, retweets included; likes_count and
/// like_count count likes rows (a like stays when its tweet is deleted); retweet_count
/// and reply_count count live retweets and replies (a reply to a retweet is stored, and
/// counted, as a reply to the original).
std::vector<std::string> counter_mismatches(const Snapshot& s);

/// Inbox rows that break the fan-out rules, once the queue is drained: an inbox holds
/// only live tweets of the reader's followees, and for every followee whose tweets are
/// pushed (THRESHOLD followers or fewer, never pulled) every live tweet at or above
/// the reader's inbox floor.
std::vector<std::string> inbox_mismatches(const Snapshot& s, std::int64_t threshold);

/// What `PRAGMA integrity_check` and `PRAGMA foreign_key_check` report beyond "ok".
std::vector<std::string> integrity_problems(const std::filesystem::path& db);

}  // namespace chirp::test
