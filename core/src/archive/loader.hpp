#pragma once
// Loading records into the database in batches, one write transaction each, through
// the bulk path (admin/bulk_rows.hpp); then, per batch, what one-by-one writes would
// have done beside the rows: counters recounted, inboxes back-filled, caches told.

#include "admin/bulk_rows.hpp"
#include "archive/records.hpp"

#include <chirp/archive.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace chirp::detail {

struct Session;

class Loader {
public:
  explicit Loader(Session& session);

  /// Starts a batch (call inside its write transaction; again when it is retried).
  void begin_batch();
  /// Loads one record; invalid or conflict, with the reason, when it names a user or
  /// tweet that does not exist or clashes with one that does.
  Result<void> load(Record& record);
  /// Recounts, back-fills and tells the caches; call last inside the transaction.
  void finish_batch();
  /// After the batch committed: adds its counts to REPORT; true when it queued tweets.
  bool committed(ImportReport& report);

private:
  Result<void> load_user(const UserRecord& user);
  Result<void> load_follow(const FollowRecord& follow);
  Result<void> load_tweet(const TweetRecord& tweet);
  Result<void> load_like(const LikeRecord& like);
  Result<void> load_block(const BlockRecord& block);
  Result<void> load_mute(const MuteRecord& mute);
  Result<void> load_edge(const EdgeRecord& edge);
  Result<Id> edge_user(const std::string& number);
  bool user_exists(Id id);
  bool tweet_exists(Id id);

  Session& m_session;
  BulkRows m_rows;
  std::int64_t m_now_ms;
  int m_node;
  Id m_last_user_id = 0;  ///< the last id given to a user created for an edge list
  // Across batches: ids known to exist (a failed batch ends the import, so a rolled-back
  // row never stays here), and edge-list numbers already resolved to users.
  std::unordered_set<Id> m_users;
  std::unordered_set<Id> m_tweets;
  std::unordered_map<std::string, Id> m_edge_users;
  // This batch.
  ArchiveCounts m_added;
  ArchiveCounts m_present;
  std::int64_t m_self_follows = 0;
  std::vector<Id> m_touched_users;
  std::vector<Id> m_touched_tweets;
  std::vector<std::pair<Id, Id>> m_new_follows;  ///< (followee, follower)
  std::vector<Id> m_unfollowers;  ///< followers whose follow a block of this batch ended
  std::unordered_map<std::string, Id> m_new_edge_users;
};

}  // namespace chirp::detail
