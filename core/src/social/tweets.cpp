// Tweets: posting, replies, retweets, likes, deletion and reading one tweet or thread.
#include "entities/store.hpp"
#include "feed/hydrate.hpp"
#include "feed/inbox.hpp"
#include "feed/notify.hpp"
#include "feed/visibility.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/settings.hpp>
#include <chirp/tweets.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace chirp {

using namespace detail;

namespace {

/// Inserts a tweet row, counts it for its author and queues its fan-out.
Id insert_tweet(Session& session, Id author, const std::string& text, std::optional<Id> reply_to,
                std::optional<Id> retweet_of, const std::vector<std::string>& media) {
  auto& db = session.db;
  std::int64_t now = session.now_ms();
  Id id = next_tweet_id(db, now, static_cast<int>(session.setting(setting::node_id)));
  std::optional<std::string> media_json;
  if (!media.empty()) media_json = nlohmann::json(media).dump();
  insert_tweet_row(db, {id, author, text, reply_to, retweet_of, media_json, now});
  if (!retweet_of) index_tweet(db, id, now, text);
  db.statement("UPDATE users SET tweets_count = tweets_count + 1 WHERE id = ?").bind(author).exec();
  return id;
}

void add_to_counter(Db& db, const char* sql, Id id, int delta) {
  db.statement(sql).bind(delta, id).exec();
}

constexpr const char* k_tweet_replies = "UPDATE tweets SET reply_count = reply_count + ? WHERE id = ?";
constexpr const char* k_tweet_retweets =
    "UPDATE tweets SET retweet_count = retweet_count + ? WHERE id = ?";
constexpr const char* k_tweet_likes = "UPDATE tweets SET like_count = like_count + ? WHERE id = ?";
constexpr const char* k_user_tweets = "UPDATE users SET tweets_count = tweets_count + ? WHERE id = ?";
constexpr const char* k_user_likes = "UPDATE users SET likes_count = likes_count + ? WHERE id = ?";

/// Soft-deletes one tweet row: counters, its entity rows, and its entries in
/// followers' inboxes.
void remove_tweet(Session& session, const TweetHead& head) {
  auto& db = session.db;
  unindex_tweet(db, head.id);
  db.statement("UPDATE tweets SET deleted_at = ? WHERE id = ?").bind(session.now_ms(), head.id).exec();
  add_to_counter(db, k_user_tweets, head.author, -1);
  if (head.reply_to) add_to_counter(db, k_tweet_replies, *head.reply_to, -1);
  if (head.retweet_of) add_to_counter(db, k_tweet_retweets, *head.retweet_of, -1);
  remove_from_inboxes(db, head.id, head.author);
  remove_notifications_of(db, head.id);
}

/// forbidden when a block stands between ACTOR and the author of TWEET.
std::optional<Error> refuse_blocked_author(Db& db, Id actor, Id tweet, std::string_view doing) {
  auto head = live_tweet(db, tweet);
  if (!head) return std::nullopt;
  return refuse_blocked(db, actor, head->author, doing);
}

/// The tweet a like or retweet of TWEET lands on: a retweet's original.
Id target_of(const TweetHead& head) { return head.retweet_of.value_or(head.id); }

}  // namespace

Result<Tweet> Tweets::post(Id author, const NewTweet& input) {
  auto text = validate_tweet_text(input.text);
  if (!text) return std::unexpected(text.error());
  auto media = validate_media_urls(input.media_urls);
  if (!media) return std::unexpected(media.error());
  auto& db = m_session.db;
  auto posted = db.write([&]() -> Result<Tweet> {
    if (auto user = require_user(db, author); !user) return std::unexpected(user.error());
    std::optional<Id> reply_to;
    if (input.reply_to) {
      auto parent = require_tweet(db, *input.reply_to);
      if (!parent) return std::unexpected(parent.error());
      reply_to = target_of(*parent);  // a reply to a retweet
      if (auto refused = refuse_blocked_author(db, author, *reply_to, "reply to their tweets")) {
        return std::unexpected(*refused);
      }
      add_to_counter(db, k_tweet_replies, *reply_to, 1);
    }
    Id id = insert_tweet(m_session, author, *text, reply_to, std::nullopt, *media);
    return hydrate(m_session, {id}, author).at(0);
  });
  if (posted) m_session.work_was_queued();
  return posted;
}

Result<Tweet> Tweets::retweet(Id user, Id tweet) {
  auto& db = m_session.db;
  bool queued = false;
  auto retweeted = db.write([&]() -> Result<Tweet> {
    queued = false;
    if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
    auto head = require_tweet(db, tweet);
    if (!head) return std::unexpected(head.error());
    Id original = target_of(*head);
    if (auto refused = refuse_blocked_author(db, user, original, "retweet their tweets")) {
      return std::unexpected(*refused);
    }
    if (auto existing = live_retweet(db, user, original)) {
      return hydrate(m_session, {existing->id}, user).at(0);
    }
    Id id = insert_tweet(m_session, user, "", std::nullopt, original, {});
    add_to_counter(db, k_tweet_retweets, original, 1);
    queued = true;
    return hydrate(m_session, {id}, user).at(0);
  });
  if (retweeted && queued) m_session.work_was_queued();
  return retweeted;
}

Result<void> Tweets::unretweet(Id user, Id tweet) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    auto head = require_tweet(db, tweet);
    if (!head) return std::unexpected(head.error());
    auto existing = live_retweet(db, user, target_of(*head));
    if (!existing) {
      return fail(Code::not_found, fmt::format("you have not retweeted tweet {}", tweet));
    }
    remove_tweet(m_session, *existing);
    return {};
  });
}

namespace {

/// Adds (DELTA 1) or removes (-1) USER's like of TWEET (a retweet's original), with
/// both counters, in one transaction; returns the liked tweet with fresh counters.
Result<Tweet> change_like(Session& session, Id user, Id tweet, int delta) {
  auto& db = session.db;
  bool queued = false;
  auto liked = db.write([&]() -> Result<Tweet> {
    queued = false;
    if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
    auto head = require_tweet(db, tweet);
    if (!head) return std::unexpected(head.error());
    Id target = target_of(*head);
    if (delta > 0) {
      if (auto refused = refuse_blocked_author(db, user, target, "like their tweets")) {
        return std::unexpected(*refused);
      }
    }
    int changed =
        delta > 0 ? db.statement("INSERT INTO likes(liker, tweet, created_at) VALUES (?, ?, ?) "
                                 "ON CONFLICT DO NOTHING")
                        .bind(user, target, session.now_ms())
                        .exec()
                  : db.statement("DELETE FROM likes WHERE liker = ? AND tweet = ?")
                        .bind(user, target)
                        .exec();
    if (changed > 0) {
      add_to_counter(db, k_tweet_likes, target, delta);
      add_to_counter(db, k_user_likes, user, delta);
      if (delta > 0) {
        queue_event(db, "like", user, target, std::nullopt, session.now_ms());
        queued = true;
      }
    }
    return hydrate(session, {target}, user).at(0);
  });
  if (liked && queued) session.work_was_queued();  // the like notification
  return liked;
}

}  // namespace

Result<Tweet> Tweets::like(Id user, Id tweet) { return change_like(m_session, user, tweet, 1); }

Result<Tweet> Tweets::unlike(Id user, Id tweet) { return change_like(m_session, user, tweet, -1); }

Result<void> Tweets::remove(Id user, Id tweet) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    auto head = require_tweet(db, tweet);
    if (!head) return std::unexpected(head.error());
    if (head->author != user) {
      return fail(Code::forbidden, fmt::format("tweet {} is not yours to delete", tweet));
    }
    remove_tweet(m_session, *head);
    // A deleted tweet takes its retweets with it.
    for (const auto& retweet : live_retweets_of(db, tweet)) remove_tweet(m_session, retweet);
    return {};
  });
}

Result<Tweet> Tweets::get(Id id, Id viewer) {
  auto found = hydrate(m_session, {id}, viewer);
  if (found.empty()) return fail(Code::not_found, fmt::format("no tweet with id {}", id));
  return found.front();
}

Result<Thread> Tweets::thread(Id id, Id viewer, int reply_limit) {
  auto& db = m_session.db;
  return db.read([&]() -> Result<Thread> {
    auto found = hydrate(m_session, {id}, viewer);
    if (found.empty()) return fail(Code::not_found, fmt::format("no tweet with id {}", id));
    Thread thread{{}, found.front(), {}};
    // Ancestors: follow reply_to upwards (bounded, in case of a very deep chain).
    std::vector<Id> ancestor_ids;
    std::optional<Id> parent = thread.tweet.reply_to;
    while (parent && ancestor_ids.size() < 100) {
      ancestor_ids.push_back(*parent);
      parent = replied_to(db, *parent);
    }
    std::reverse(ancestor_ids.begin(), ancestor_ids.end());
    // Neither side of a block sees the other's tweets, nor a muter the muted's.
    std::vector<Id> hidden;
    if (auto row = load_user_row(db, viewer)) hidden = hidden_users(m_session, *row);
    thread.ancestors = without_hidden(hydrate(m_session, ancestor_ids, viewer), hidden);
    std::vector<Id> reply_ids;
    auto q = db.statement(
        "WITH RECURSIVE below(id) AS ("
        "  SELECT id FROM tweets WHERE reply_to = ?1"
        "  UNION SELECT t.id FROM tweets t JOIN below b ON t.reply_to = b.id) "
        "SELECT id FROM below ORDER BY id LIMIT ?2");
    q.bind(thread.tweet.id, reply_limit);
    while (q.step()) reply_ids.push_back(q->getColumn(0).getInt64());
    thread.replies = without_hidden(hydrate(m_session, reply_ids, viewer), hidden);
    return thread;
  });
}

}  // namespace chirp
