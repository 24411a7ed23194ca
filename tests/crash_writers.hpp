#pragma once
// The writers of a crash trial (tests/test_crash_trials.cpp): HTTP clients and CLI
// processes that post, reply, retweet, like, follow and delete at random against one
// database, each recording what it sent and whether it was acknowledged, until the
// trial kills the server and every CLI process still running.

#include <chirp/types.hpp>

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace chirp::test {

enum class Kind { post, reply, retweet, unretweet, like, unlike, remove, follow, unfollow };
enum class Outcome { acked, refused, unknown };

const char* kind_name(Kind k);

/// One write as its writer saw it. Each user is driven by one writer, one write at a
/// time, so a user's writes are ordered by seq.
struct Op {
  std::uint64_t seq = 0;
  Kind kind = Kind::post;
  Id user = 0;
  Id tweet = 0;     ///< the tweet named (reply parent, like, retweet or delete target)
  Id original = 0;  ///< where a reply, like or retweet lands (a retweet's original)
  Id followee = 0;
  Id result = 0;    ///< the tweet created (post, reply, retweet), when acknowledged
  Outcome outcome = Outcome::unknown;
  std::string via;

  std::string describe() const;
};

struct KnownTweet {
  Id id = 0;
  Id author = 0;
  Id retweet_of = 0;
  Id target() const { return retweet_of != 0 ? retweet_of : id; }
};

/// Tweets known to exist at some point: the setup's and every acknowledged one.
class TweetPool {
public:
  void add(const KnownTweet& t) {
    std::lock_guard lock(m_mutex);
    m_tweets.push_back(t);
  }
  std::optional<KnownTweet> any(std::mt19937_64& rng) {
    std::lock_guard lock(m_mutex);
    if (m_tweets.empty()) return std::nullopt;
    return m_tweets[rng() % m_tweets.size()];
  }
  std::optional<KnownTweet> of(Id author, std::mt19937_64& rng) {
    std::lock_guard lock(m_mutex);
    std::vector<KnownTweet> own;
    for (const auto& t : m_tweets) {
      if (t.author == author) own.push_back(t);
    }
    if (own.empty()) return std::nullopt;
    return own[rng() % own.size()];
  }

private:
  std::mutex m_mutex;
  std::vector<KnownTweet> m_tweets;
};

/// What every writer shares during a trial.
struct Arena {
  std::filesystem::path db;
  int port = 0;
  std::vector<Id> ids;
  std::vector<std::string> handles;
  std::vector<std::string> tokens;
  TweetPool pool;
  std::atomic<std::uint64_t> next_seq{1};

  std::mutex mutex;  // guards stopped and running
  std::atomic<bool> stopped{false};
  std::set<pid_t> running;  ///< CLI processes started and not yet reaped

  std::mutex notes_mutex;
  std::vector<std::string> notes;  ///< oddities seen by writers (a 5xx, a CLI crash)
  void note(std::string text) {
    std::lock_guard lock(notes_mutex);
    notes.push_back(std::move(text));
  }
};

/// Writes over HTTP as user ME (arena.tokens[me]) until ARENA is stopped; appends each
/// write to LOG.
void http_writer(Arena& arena, int me, std::uint64_t seed, std::vector<Op>& log);

/// Writes as user ME through one `chirp` process at a time until ARENA is stopped,
/// killing a process while it runs KILL_PERCENT times in a hundred; appends each write
/// to LOG. The processes' output goes to files in DIR.
void cli_writer(Arena& arena, int me, std::uint64_t seed, int kill_percent,
                const std::filesystem::path& dir, std::vector<Op>& log);

}  // namespace chirp::test
