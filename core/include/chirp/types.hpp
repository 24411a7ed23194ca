#pragma once
/// Plain domain structs returned by the core API to both front ends.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chirp {

/// 64-bit time-ordered id (see snowflake.hpp). Written as a string in JSON.
using Id = std::int64_t;

struct User {
  Id id = 0;
  std::string handle;
  std::string name;
  std::string bio;
  std::int64_t created_at_ms = 0;
  std::int64_t followers_count = 0;
  std::int64_t following_count = 0;
  std::int64_t tweets_count = 0;
  std::int64_t likes_count = 0;
  /// Only on the user's own profile (the viewer is the user): their unread
  /// notifications (Notifications::add_unread_count).
  std::optional<std::int64_t> unread_notifications;
};

/// The author fields carried inside every tweet.
struct AuthorRef {
  Id id = 0;
  std::string handle;
  std::string name;
};

/// A user a tweet mentions: their id and current handle.
struct Mention {
  Id id = 0;
  std::string handle;
  bool operator==(const Mention&) const = default;
};

struct Tweet {
  Id id = 0;
  AuthorRef author;
  std::string text;  ///< empty for a retweet (the text is the original's)
  std::int64_t created_at_ms = 0;
  std::optional<Id> reply_to;
  std::optional<Id> retweet_of;
  std::vector<std::string> media_urls;
  /// The users it mentions and its hashtags (each tag's first spelling), in the order
  /// of the text, as stored when it was written; a retweet carries its original's.
  std::vector<Mention> mentions;
  std::vector<std::string> hashtags;
  std::int64_t like_count = 0;
  std::int64_t retweet_count = 0;
  std::int64_t reply_count = 0;
  bool liked = false;      ///< by the viewer, when one was given
  bool retweeted = false;  ///< by the viewer, when one was given
  /// For a retweet: the original tweet, hydrated.
  std::shared_ptr<const Tweet> original;
};

/// What a user asks to post.
struct NewTweet {
  std::string text;
  std::optional<Id> reply_to;
  std::vector<std::string> media_urls;
};

struct NewUser {
  std::string handle;
  std::string name;
  std::string bio;
  std::optional<std::string> password;
};

/// Cursor paging, newest first: ids strictly below max_id and strictly above since_id.
struct PageRequest {
  int limit = 20;
  std::optional<Id> max_id;
  std::optional<Id> since_id;
};

constexpr int k_default_page_limit = 20;
constexpr int k_max_page_limit = 200;

template <class T>
struct Page {
  std::vector<T> items;
  /// The request for the next (older) page: the same limit and since_id, and max_id
  /// at this page's oldest entry; nullopt when this page was the last.
  std::optional<PageRequest> next;
  /// The cursor of the next page (its max_id), or nullopt.
  std::optional<Id> next_max_id() const { return next ? next->max_id : std::nullopt; }
};

/// Live updates (streams, --follow) are numbered in commit order: a stream resumes
/// after the last number it delivered and misses nothing within the retained window.
using EventId = std::int64_t;

template <class T>
struct LiveEvent {
  EventId id = 0;
  T item;
};

/// What became visible to a reader after some event, oldest first.
template <class T>
struct LiveBatch {
  std::vector<LiveEvent<T>> events;
  /// Ask again after this: past the last event delivered, and past the ones examined
  /// that this reader does not see.
  EventId next_after = 0;
  /// More events are already waiting: ask again at once.
  bool more = false;
  /// Events after the one asked for are no longer retained (or it was never issued):
  /// some may be missing; reload the list, then go on from next_after (the newest now).
  bool gap = false;
};

/// A tweet with the chain of tweets it replies to and the replies below it.
struct Thread {
  std::vector<Tweet> ancestors;  ///< oldest first
  Tweet tweet;
  std::vector<Tweet> replies;    ///< every descendant, oldest first; reply_to links them
};

struct FanoutStats {
  std::int64_t items = 0;        ///< queue items completed
  std::int64_t notifications = 0;  ///< notifications created
  std::int64_t rows = 0;         ///< inbox rows written
  std::int64_t skipped_celebrity = 0;  ///< items not pushed because the author is a celebrity
};

/// A notification the queue worker created: told to the front end (Core::Options::
/// notified) once the batch that created it committed.
struct CreatedNotification {
  Id recipient = 0;
  Id id = 0;
};

struct QueueStatus {
  std::int64_t depth = 0;
  std::int64_t oldest_age_ms = 0;  ///< age of the oldest pending item, 0 when empty
};

}  // namespace chirp
