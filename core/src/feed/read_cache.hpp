#pragma once
// What a connection keeps between read transactions: hydrated tweets and settings.
// Kept true by the cache_changes log (sql/003_cache_changes.sql), which every process's
// writes append to through triggers; see read_cache() in feed/feed_cache.hpp.

#include <chirp/types.hpp>

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace chirp::detail {

class ReadCache {
public:
  /// At most CAPACITY tweets (least recently used dropped first), and as many readers'
  /// followed celebrities and authors' recent ids (each map starts over when full).
  explicit ReadCache(std::size_t capacity) : m_capacity(capacity) {}

  /// The tweet with its viewer-independent fields (no liked/retweeted, no original).
  std::shared_ptr<const Tweet> find_tweet(Id id);
  void insert_tweet(std::shared_ptr<const Tweet> tweet);

  /// Which celebrities a reader follows, good while STAMP (the reader's follows
  /// version, the celebrity epoch and the threshold) is unchanged.
  struct FollowedStamp {
    std::int64_t follows_version;
    std::int64_t celebrity_epoch;
    std::int64_t threshold;
    bool operator==(const FollowedStamp&) const = default;
  };
  const std::vector<Id>* find_followed(Id reader, const FollowedStamp& stamp) const;
  void insert_followed(Id reader, const FollowedStamp& stamp, std::vector<Id> celebrities);

  /// AUTHOR's newest live tweet ids, newest first: every one with an id above FLOOR
  /// (none when empty), as long as no tweet of theirs was posted or deleted since.
  struct Recent {
    Id floor;
    std::vector<Id> ids;
  };
  const Recent* find_recent(Id author) const;
  void insert_recent(Id author, Recent recent);

  /// The users READER does not see (feed/visibility.hpp), sorted, good while the
  /// reader's hides_version is HIDES_VERSION.
  const std::vector<Id>* find_hidden(Id reader, std::int64_t hides_version) const;
  void insert_hidden(Id reader, std::int64_t hides_version, std::vector<Id> users);

  std::optional<std::int64_t> find_setting(std::string_view key) const;
  void insert_setting(std::string_view key, std::int64_t value);

  /// One cache_changes row, applied in seq order. A row that is not the next one means
  /// the log was trimmed past rows this connection never saw: everything is forgotten.
  struct Change {
    std::int64_t seq = 0;
    std::optional<Id> tweet;   ///< nullopt: everything changed
    std::optional<Id> author;  ///< set when AUTHOR posted or deleted TWEET
  };
  std::int64_t last_seq() const { return m_last_seq; }
  void apply(const Change& change);
  /// Forgets everything; the next sync starts again from LAST_SEQ.
  void reset(std::int64_t last_seq);

private:
  using Entry = std::shared_ptr<const Tweet>;
  std::size_t m_capacity;
  std::list<Entry> m_lru;  // most recently used first
  std::unordered_map<Id, std::list<Entry>::iterator> m_tweets;
  std::vector<std::pair<std::string, std::int64_t>> m_settings;  // a handful
  struct Followed {
    FollowedStamp stamp;
    std::vector<Id> celebrities;
  };
  std::unordered_map<Id, Followed> m_followed;
  std::unordered_map<Id, Recent> m_recent;
  struct Hidden {
    std::int64_t hides_version;
    std::vector<Id> users;
  };
  std::unordered_map<Id, Hidden> m_hidden;
  std::int64_t m_last_seq = 0;
};

class Db;
/// Starts CACHE at the end of the change log (a new connection caches nothing yet).
void start_read_cache(ReadCache& cache, Db& db);
/// Applies the change-log rows CACHE has not seen, in this transaction's snapshot.
void catch_up_read_cache(ReadCache& cache, Db& db);

}  // namespace chirp::detail
