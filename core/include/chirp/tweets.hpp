#pragma once
/// Tweets: posting, replies, retweets, likes, deletion, and reading a tweet or thread.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

namespace chirp {

class Tweets : public Service {
public:
  using Service::Service;

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
  Result<void> remove(Id user, Id tweet);
  /// One tweet, hydrated; VIEWER (0 = none) sets liked/retweeted.
  Result<Tweet> get(Id id, Id viewer = 0);
  /// A tweet with its ancestors and its replies (at most REPLY_LIMIT of them).
  Result<Thread> thread(Id id, Id viewer = 0, int reply_limit = 200);
};

}  // namespace chirp
