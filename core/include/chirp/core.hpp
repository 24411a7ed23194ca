#pragma once
/// The chirp core: one object per database connection, used by the CLI and the server.
/// Every method either returns its result, returns an Error for an expected refusal
/// (nothing was changed), or throws for an infrastructure failure (SQLite I/O).
/// A Core is not thread-safe: use one per thread (they may share one database file).

#include <chirp/clock.hpp>
#include <chirp/error.hpp>
#include <chirp/settings.hpp>
#include <chirp/types.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chirp {

namespace detail {
class Db;
}

class Core {
public:
  struct Options {
    std::filesystem::path path;                 ///< database file; ":memory:" for tests
    std::shared_ptr<Clock> clock;               ///< default: system clock
    int busy_timeout_ms = 10000;
    /// File holding the 256-bit token signing secret (created 0600 when missing).
    /// Default: the database path + ".secret"; in memory for ":memory:".
    std::optional<std::filesystem::path> secret_path;
  };

  /// Opens (creating file and parent folders when missing) and migrates the database.
  /// Throws SchemaError when the database is newer than this binary.
  static Core open(Options options);

  Core(Core&&) noexcept;
  Core& operator=(Core&&) noexcept;
  ~Core();

  /// The schema version this binary writes (the last sql/ migration).
  static int schema_version();
  const Clock& clock() const { return *m_clock; }

  // ---- users -------------------------------------------------------------------
  /// Creates a user. invalid: bad handle/name/bio/password; conflict: handle taken.
  Result<User> create_user(const NewUser& user);
  /// Looks a user up by handle (case-insensitive), or by numeric id when REF is all
  /// digits and such an id exists. not_found otherwise.
  Result<User> find_user(std::string_view ref);
  Result<User> user_by_id(Id id);
  /// All users, newest first.
  Result<Page<User>> list_users(const PageRequest& page);
  /// Handles starting with PREFIX (case-insensitive, a leading '@' ignored), for shell
  /// completion.
  std::vector<std::string> handles_with_prefix(std::string_view prefix, int limit = 100);
  /// Sets (or replaces) a password; revokes earlier login tokens.
  Result<void> set_password(Id user, std::string_view password);
  /// The user when HANDLE exists and PASSWORD matches; unauthenticated otherwise (one
  /// message for both cases). Upgrades the stored hash when its parameters are outdated.
  Result<User> check_password(std::string_view handle, std::string_view password);

  // ---- login tokens --------------------------------------------------------------
  struct Login {
    std::string token;  ///< a signed JWT (HS256)
    std::int64_t expires_at_ms = 0;
    User user;
  };
  /// Checks the password and issues a token valid for auth.token_ttl_hours.
  /// unauthenticated (one message for a wrong handle or password) otherwise.
  Result<Login> login(std::string_view handle, std::string_view password);
  /// Issues a token for USER without a password (local administration, benchmarks).
  Result<Login> issue_token(Id user);
  /// The user a token was issued to. unauthenticated when the token is malformed,
  /// not HS256, badly signed, expired, from another issuer, or revoked.
  Result<User> authenticate(std::string_view token);
  /// Revokes every token issued to USER so far.
  Result<void> revoke_tokens(Id user);

  // ---- tweets ------------------------------------------------------------------
  /// Posts a tweet (or a reply, with reply_to) and queues its fan-out, in one
  /// transaction. invalid: text rules; not_found: author or reply_to missing.
  Result<Tweet> post(Id author, const NewTweet& tweet);
  /// Retweets (idempotent: retweeting twice returns the same retweet). Retweeting a
  /// retweet retweets its original. Returns the retweet entry.
  Result<Tweet> retweet(Id user, Id tweet);
  /// Undoes a retweet; not_found when USER had not retweeted it.
  Result<void> unretweet(Id user, Id tweet);
  /// Likes (idempotent) and returns the liked tweet with fresh counters.
  Result<Tweet> like(Id user, Id tweet);
  /// Removes a like (idempotent) and returns the tweet with fresh counters.
  Result<Tweet> unlike(Id user, Id tweet);
  /// Deletes a tweet (and its retweets). forbidden unless USER wrote it.
  Result<void> delete_tweet(Id user, Id tweet);
  /// One tweet, hydrated; VIEWER (0 = none) sets liked/retweeted.
  Result<Tweet> tweet(Id id, Id viewer = 0);
  /// A tweet with its ancestors and its replies (at most REPLY_LIMIT of them).
  Result<Thread> thread(Id id, Id viewer = 0, int reply_limit = 200);

  // ---- graph -------------------------------------------------------------------
  /// Follows (idempotent). invalid: following oneself; not_found: missing user.
  /// Back-fills the followee's recent tweets into the follower's inbox.
  Result<void> follow(Id follower, Id followee);
  /// Unfollows (idempotent) and removes the followee's tweets from the inbox.
  Result<void> unfollow(Id follower, Id followee);
  Result<Page<User>> followers(Id user, const PageRequest& page);
  Result<Page<User>> following(Id user, const PageRequest& page);
  bool is_following(Id follower, Id followee);

  // ---- timelines ---------------------------------------------------------------
  /// The home timeline of USER: pushed inbox, own tweets and followed celebrities'
  /// tweets, merged newest first. Marks the user as seen (rebuilding an inbox that
  /// fan-out skipped while the user was inactive).
  Result<Page<Tweet>> home_timeline(Id user, const PageRequest& page);
  /// The tweets and retweets USER wrote, newest first.
  Result<Page<Tweet>> user_timeline(Id user, const PageRequest& page, Id viewer = 0);

  // ---- fan-out -----------------------------------------------------------------
  /// Called for each queue item once its transaction committed: the tweet, and when it
  /// was queued (for delivery-lag measurements).
  using FanoutDone = std::function<void(Id tweet, std::int64_t queued_at_ms)>;
  /// Drains up to MAX_ITEMS queue items, fanout.batch_size items per transaction.
  FanoutStats drain_fanout(std::int64_t max_items = INT64_MAX, const FanoutDone& on_done = {});
  QueueStatus fanout_queue_status();

  // ---- bulk loading (data generators, imports) ----------------------------------
  /// Adds many users, follows and tweets in one transaction, through the same rules
  /// (handles, text) as the one-by-one calls, with exact counters. Tweets are queued
  /// for fan-out like posts. Returns the new users' ids, in input order. PROGRESS, when
  /// set, is called now and then with (rows done, rows in all).
  struct BulkTweet {
    std::size_t author;          ///< index into users
    std::string text;
    std::int64_t created_at_ms;  ///< must not be in the future
  };
  struct BulkData {
    std::vector<NewUser> users;  ///< passwords are ignored (bulk users cannot log in)
    std::vector<std::pair<std::size_t, std::size_t>> follows;  ///< (follower, followee)
    std::vector<BulkTweet> tweets;  ///< oldest first
  };
  Result<std::vector<Id>> bulk_import(
      const BulkData& data, const std::function<void(std::size_t, std::size_t)>& progress = {});

  // ---- settings ----------------------------------------------------------------
  std::vector<Setting> settings();
  Result<Setting> setting(std::string_view key);
  /// Validates VALUE against the setting's range; invalid otherwise.
  Result<Setting> set_setting(std::string_view key, std::string_view value);
  /// The current value of a known setting (the default when unset).
  std::int64_t setting_value(std::string_view key);

private:
  Core(std::unique_ptr<detail::Db> db, std::shared_ptr<Clock> clock, std::string secret);

  std::unique_ptr<detail::Db> m_db;
  std::shared_ptr<Clock> m_clock;
  std::string m_token_secret;
  /// Tokens whose signature, algorithm and issuer this connection already checked; the
  /// expiry and the user's token version are still checked on every use.
  struct VerifiedToken {
    Id user;
    std::int64_t version;
    std::int64_t expires_s;
  };
  std::unordered_map<std::string, VerifiedToken> m_verified_tokens;
};

}  // namespace chirp
