#include "feed/visibility.hpp"

#include "feed/feed_cache.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace chirp::detail {

bool blocked_either_way(Db& db, Id a, Id b) {
  return db
      .statement(
          "SELECT 1 FROM blocks WHERE (blocker = ?1 AND blocked = ?2) "
          "OR (blocker = ?2 AND blocked = ?1)")
      .bind(a, b)
      .step();
}

std::optional<Error> refuse_blocked(Db& db, Id actor, Id other, std::string_view doing) {
  auto q = db.statement("SELECT blocker FROM blocks WHERE (blocker = ?1 AND blocked = ?2) "
                        "OR (blocker = ?2 AND blocked = ?1) ORDER BY blocker = ?1");
  q.bind(actor, other);
  if (!q.step()) return std::nullopt;
  bool blocked_by_other = q->getColumn(0).getInt64() == other;
  auto user = load_user(db, other);
  std::string handle = user ? user->handle : std::to_string(other);
  if (blocked_by_other) {
    return Error{Code::forbidden, fmt::format("@{} has blocked you: you cannot {}", handle, doing)};
  }
  return Error{Code::forbidden,
               fmt::format("you have blocked @{}: unblock them to {}", handle, doing)};
}

bool hides(Db& db, Id reader, Id other) {
  if (blocked_either_way(db, reader, other)) return true;
  return db.statement("SELECT 1 FROM mutes WHERE muter = ? AND muted = ?")
      .bind(reader, other)
      .step();
}

std::vector<Id> hidden_users(Session& session, const UserRow& reader) {
  std::vector<Id> hidden;
  if (reader.hides_version == 0) return hidden;
  Id id = reader.user.id;
  ReadCache* cache = read_cache(session);
  if (cache) {
    if (const auto* hit = cache->find_hidden(id, reader.hides_version)) return *hit;
  }
  auto q = session.db.statement(
      "SELECT blocked FROM blocks WHERE blocker = ?1 "
      "UNION SELECT blocker FROM blocks WHERE blocked = ?1 "
      "UNION SELECT muted FROM mutes WHERE muter = ?1");
  q.bind(id);
  while (q.step()) hidden.push_back(q->getColumn(0).getInt64());
  std::sort(hidden.begin(), hidden.end());
  if (cache) cache->insert_hidden(id, reader.hides_version, hidden);
  return hidden;
}

bool is_hidden(const std::vector<Id>& hidden, Id id) {
  return std::binary_search(hidden.begin(), hidden.end(), id);
}

bool hides_tweet(const std::vector<Id>& hidden, const Tweet& tweet) {
  if (is_hidden(hidden, tweet.author.id)) return true;
  return tweet.original && is_hidden(hidden, tweet.original->author.id);
}

std::vector<Tweet> without_hidden(std::vector<Tweet> tweets, const std::vector<Id>& hidden) {
  if (hidden.empty()) return tweets;
  std::erase_if(tweets, [&](const Tweet& tweet) { return hides_tweet(hidden, tweet); });
  return tweets;
}

std::vector<Id> ids_without_hidden(Db& db, const std::vector<Id>& ids,
                                   const std::vector<Id>& hidden) {
  if (hidden.empty()) return ids;
  auto q = db.statement(
      "SELECT t.author, o.author FROM tweets t LEFT JOIN tweets o ON o.id = t.retweet_of "
      "WHERE t.id = ?");
  std::vector<Id> kept;
  for (Id id : ids) {
    if (!q.rebind().bind(id).step()) continue;  // gone: hydrate would drop it anyway
    Cursor c(*q);
    Id author = c.integer();
    auto original_author = c.optional_integer();
    if (is_hidden(hidden, author)) continue;
    if (original_author && is_hidden(hidden, *original_author)) continue;
    kept.push_back(id);
  }
  return kept;
}

}  // namespace chirp::detail
