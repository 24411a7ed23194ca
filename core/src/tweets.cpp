// Tweets: posting, replies, retweets, likes, deletion and reading one tweet or thread.
#include "internal.hpp"

#include <chirp/core.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace chirp {

using namespace detail;

namespace {

Result<TweetHead> require_tweet(Db& db, Id id) {
  if (auto head = live_tweet(db, id)) return *head;
  return fail(Code::not_found, fmt::format("no tweet with id {}", id));
}

/// Inserts a tweet row, counts it for its author and queues its fan-out.
Id insert_tweet(Db& db, const Clock& clock, Id author, const std::string& text,
                std::optional<Id> reply_to, std::optional<Id> retweet_of,
                const std::vector<std::string>& media) {
  std::int64_t now = clock.now_ms();
  Id id = new_tweet_id(db, now, static_cast<int>(read_setting(db, setting::node_id)));
  {
    auto q = db.statement(
        "INSERT INTO tweets(id, author, text, reply_to, retweet_of, media_urls, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(1, id);
    q->bind(2, author);
    q->bind(3, text);
    reply_to ? q->bind(4, *reply_to) : q->bind(4);
    retweet_of ? q->bind(5, *retweet_of) : q->bind(5);
    media.empty() ? q->bind(6) : q->bind(6, nlohmann::json(media).dump());
    q->bind(7, now);
    q->exec();
  }
  {
    auto q = db.statement("UPDATE users SET tweets_count = tweets_count + 1 WHERE id = ?");
    q->bind(1, author);
    q->exec();
  }
  {
    auto q = db.statement("INSERT INTO fanout_queue(tweet, author, created_at) VALUES (?, ?, ?)");
    q->bind(1, id);
    q->bind(2, author);
    q->bind(3, now);
    q->exec();
  }
  return id;
}

void add_to_counter(Db& db, const char* sql, Id id, int delta) {
  auto q = db.statement(sql);
  q->bind(1, delta);
  q->bind(2, id);
  q->exec();
}

constexpr const char* k_tweet_replies = "UPDATE tweets SET reply_count = reply_count + ? WHERE id = ?";
constexpr const char* k_tweet_retweets =
    "UPDATE tweets SET retweet_count = retweet_count + ? WHERE id = ?";
constexpr const char* k_tweet_likes = "UPDATE tweets SET like_count = like_count + ? WHERE id = ?";
constexpr const char* k_user_tweets = "UPDATE users SET tweets_count = tweets_count + ? WHERE id = ?";
constexpr const char* k_user_likes = "UPDATE users SET likes_count = likes_count + ? WHERE id = ?";

/// Soft-deletes one tweet row: counters, and its entries in followers' inboxes.
void remove_tweet(Db& db, const Clock& clock, const TweetHead& head) {
  {
    auto q = db.statement("UPDATE tweets SET deleted_at = ? WHERE id = ?");
    q->bind(1, clock.now_ms());
    q->bind(2, head.id);
    q->exec();
  }
  add_to_counter(db, k_user_tweets, head.author, -1);
  if (head.reply_to) add_to_counter(db, k_tweet_replies, *head.reply_to, -1);
  if (head.retweet_of) add_to_counter(db, k_tweet_retweets, *head.retweet_of, -1);
  auto q = db.statement(
      "DELETE FROM timeline WHERE tweet = ?1 AND user IN "
      "(SELECT follower FROM follows WHERE followee = ?2)");
  q->bind(1, head.id);
  q->bind(2, head.author);
  q->exec();
}

std::optional<TweetHead> live_retweet(Db& db, Id user, Id original) {
  auto q = db.statement(
      "SELECT id FROM tweets WHERE author = ? AND retweet_of = ? AND deleted_at IS NULL");
  q->bind(1, user);
  q->bind(2, original);
  if (!q->executeStep()) return std::nullopt;
  return TweetHead{q->getColumn(0).getInt64(), user, original, std::nullopt};
}

}  // namespace

Result<Tweet> Core::post(Id author, const NewTweet& input) {
  auto text = validate_tweet_text(input.text);
  if (!text) return std::unexpected(text.error());
  auto media = validate_media_urls(input.media_urls);
  if (!media) return std::unexpected(media.error());
  return m_db->write([&]() -> Result<Tweet> {
    if (auto user = require_user(*m_db, author); !user) return std::unexpected(user.error());
    std::optional<Id> reply_to;
    if (input.reply_to) {
      auto parent = require_tweet(*m_db, *input.reply_to);
      if (!parent) return std::unexpected(parent.error());
      reply_to = parent->retweet_of.value_or(parent->id);  // a reply to a retweet
      add_to_counter(*m_db, k_tweet_replies, *reply_to, 1);
    }
    Id id = insert_tweet(*m_db, *m_clock, author, *text, reply_to, std::nullopt, *media);
    return hydrate(*m_db, {id}, author).at(0);
  });
}

Result<Tweet> Core::retweet(Id user, Id tweet) {
  return m_db->write([&]() -> Result<Tweet> {
    if (auto u = require_user(*m_db, user); !u) return std::unexpected(u.error());
    auto head = require_tweet(*m_db, tweet);
    if (!head) return std::unexpected(head.error());
    Id original = head->retweet_of.value_or(head->id);
    if (auto existing = live_retweet(*m_db, user, original)) {
      return hydrate(*m_db, {existing->id}, user).at(0);
    }
    Id id = insert_tweet(*m_db, *m_clock, user, "", std::nullopt, original, {});
    add_to_counter(*m_db, k_tweet_retweets, original, 1);
    return hydrate(*m_db, {id}, user).at(0);
  });
}

Result<void> Core::unretweet(Id user, Id tweet) {
  return m_db->write([&]() -> Result<void> {
    auto head = require_tweet(*m_db, tweet);
    if (!head) return std::unexpected(head.error());
    Id original = head->retweet_of.value_or(head->id);
    auto existing = live_retweet(*m_db, user, original);
    if (!existing) {
      return fail(Code::not_found, fmt::format("you have not retweeted tweet {}", tweet));
    }
    remove_tweet(*m_db, *m_clock, *existing);
    return {};
  });
}

Result<Tweet> Core::like(Id user, Id tweet) {
  return m_db->write([&]() -> Result<Tweet> {
    if (auto u = require_user(*m_db, user); !u) return std::unexpected(u.error());
    auto head = require_tweet(*m_db, tweet);
    if (!head) return std::unexpected(head.error());
    Id target = head->retweet_of.value_or(head->id);
    auto q = m_db->statement("INSERT OR IGNORE INTO likes(user, tweet, created_at) VALUES (?, ?, ?)");
    q->bind(1, user);
    q->bind(2, target);
    q->bind(3, m_clock->now_ms());
    if (q->exec() > 0) {
      add_to_counter(*m_db, k_tweet_likes, target, 1);
      add_to_counter(*m_db, k_user_likes, user, 1);
    }
    return hydrate(*m_db, {target}, user).at(0);
  });
}

Result<Tweet> Core::unlike(Id user, Id tweet) {
  return m_db->write([&]() -> Result<Tweet> {
    if (auto u = require_user(*m_db, user); !u) return std::unexpected(u.error());
    auto head = require_tweet(*m_db, tweet);
    if (!head) return std::unexpected(head.error());
    Id target = head->retweet_of.value_or(head->id);
    auto q = m_db->statement("DELETE FROM likes WHERE user = ? AND tweet = ?");
    q->bind(1, user);
    q->bind(2, target);
    if (q->exec() > 0) {
      add_to_counter(*m_db, k_tweet_likes, target, -1);
      add_to_counter(*m_db, k_user_likes, user, -1);
    }
    return hydrate(*m_db, {target}, user).at(0);
  });
}

Result<void> Core::delete_tweet(Id user, Id tweet) {
  return m_db->write([&]() -> Result<void> {
    auto head = require_tweet(*m_db, tweet);
    if (!head) return std::unexpected(head.error());
    if (head->author != user) {
      return fail(Code::forbidden, fmt::format("tweet {} is not yours to delete", tweet));
    }
    remove_tweet(*m_db, *m_clock, *head);
    // A deleted tweet takes its retweets with it.
    std::vector<TweetHead> retweets;
    {
      auto q = m_db->statement(
          "SELECT id, author FROM tweets WHERE retweet_of = ? AND deleted_at IS NULL");
      q->bind(1, tweet);
      while (q->executeStep()) {
        retweets.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getInt64(), tweet,
                            std::nullopt});
      }
    }
    for (const auto& retweet : retweets) remove_tweet(*m_db, *m_clock, retweet);
    return {};
  });
}

Result<Tweet> Core::tweet(Id id, Id viewer) {
  auto found = hydrate(*m_db, {id}, viewer);
  if (found.empty()) return fail(Code::not_found, fmt::format("no tweet with id {}", id));
  return found.front();
}

Result<Thread> Core::thread(Id id, Id viewer, int reply_limit) {
  return m_db->read([&]() -> Result<Thread> {
    auto found = hydrate(*m_db, {id}, viewer);
    if (found.empty()) return fail(Code::not_found, fmt::format("no tweet with id {}", id));
    Thread thread{{}, found.front(), {}};
    // Ancestors: follow reply_to upwards (bounded, in case of a very deep chain).
    std::vector<Id> ancestor_ids;
    std::optional<Id> parent = thread.tweet.reply_to;
    while (parent && ancestor_ids.size() < 100) {
      ancestor_ids.push_back(*parent);
      auto q = m_db->statement("SELECT reply_to FROM tweets WHERE id = ?");
      q->bind(1, *parent);
      parent.reset();
      if (q->executeStep() && !q->getColumn(0).isNull()) parent = q->getColumn(0).getInt64();
    }
    std::reverse(ancestor_ids.begin(), ancestor_ids.end());
    thread.ancestors = hydrate(*m_db, ancestor_ids, viewer);
    std::vector<Id> reply_ids;
    auto q = m_db->statement(
        "WITH RECURSIVE below(id) AS ("
        "  SELECT id FROM tweets WHERE reply_to = ?1"
        "  UNION SELECT t.id FROM tweets t JOIN below b ON t.reply_to = b.id) "
        "SELECT id FROM below ORDER BY id LIMIT ?2");
    q->bind(1, thread.tweet.id);
    q->bind(2, reply_limit);
    while (q->executeStep()) reply_ids.push_back(q->getColumn(0).getInt64());
    thread.replies = hydrate(*m_db, reply_ids, viewer);
    return thread;
  });
}

}  // namespace chirp
