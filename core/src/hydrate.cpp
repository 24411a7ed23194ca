// Turning tweet ids into full tweets. The viewer-independent part of each tweet (text,
// author, counters) comes from the connection's cache, and what is missing from one
// query for all of them; the viewer's liked/retweeted flags from one query each.
#include "internal.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace chirp::detail {

namespace {

using SharedTweet = std::shared_ptr<const Tweet>;
using Found = std::unordered_map<Id, SharedTweet>;

/// Adds the live tweets among IDS to FOUND (and to CACHE when there is one).
void load_tweets(Db& db, const std::vector<Id>& ids, Found& found, ReadCache* cache) {
  auto q = db.statement(
      "SELECT t.id, t.author, u.handle, u.name, t.text, t.created_at, t.reply_to, "
      "       t.retweet_of, t.media_urls, t.like_count, t.retweet_count, t.reply_count "
      "FROM tweets t JOIN users u ON u.id = t.author "
      "WHERE t.id IN (SELECT value FROM json_each(?1)) AND t.deleted_at IS NULL");
  q->bind(1, json_array(ids));
  while (q->executeStep()) {
    auto t = std::make_shared<Tweet>();
    t->id = q->getColumn(0).getInt64();
    t->author = {q->getColumn(1).getInt64(), q->getColumn(2).getString(),
                 q->getColumn(3).getString()};
    t->text = q->getColumn(4).getString();
    t->created_at_ms = q->getColumn(5).getInt64();
    if (!q->getColumn(6).isNull()) t->reply_to = q->getColumn(6).getInt64();
    if (!q->getColumn(7).isNull()) t->retweet_of = q->getColumn(7).getInt64();
    if (!q->getColumn(8).isNull()) {
      auto media = nlohmann::json::parse(q->getColumn(8).getString(), nullptr, false);
      if (media.is_array()) {
        for (const auto& url : media) {
          if (url.is_string()) t->media_urls.push_back(url.get<std::string>());
        }
      }
    }
    t->like_count = q->getColumn(9).getInt64();
    t->retweet_count = q->getColumn(10).getInt64();
    t->reply_count = q->getColumn(11).getInt64();
    if (cache) cache->insert_tweet(t);
    found.emplace(t->id, std::move(t));
  }
}

/// Adds the live tweets among IDS to FOUND: from CACHE, and the rest from the database.
void find_tweets(Db& db, const std::vector<Id>& ids, Found& found, ReadCache* cache) {
  std::vector<Id> missing;
  for (Id id : ids) {
    if (found.contains(id)) continue;
    if (cache) {
      if (auto hit = cache->find_tweet(id)) {
        found.emplace(id, std::move(hit));
        continue;
      }
    }
    missing.push_back(id);
  }
  if (!missing.empty()) load_tweets(db, missing, found, cache);
}

/// How to find which of some tweets a viewer marked (liked, retweeted): a scan of the
/// viewer's marks between the smallest and largest id, or a lookup per id.
struct MarkQuery {
  const char* range;   // ?1 viewer, ?2..?3 id range, ?4 row limit
  const char* lookup;  // ?1 viewer, ?2 JSON array of ids
};
constexpr MarkQuery k_liked{
    "SELECT tweet FROM likes WHERE user = ?1 AND tweet BETWEEN ?2 AND ?3 LIMIT ?4",
    "SELECT tweet FROM likes WHERE user = ?1 AND tweet IN (SELECT value FROM json_each(?2))"};
constexpr MarkQuery k_retweeted{
    "SELECT retweet_of FROM tweets WHERE author = ?1 AND retweet_of BETWEEN ?2 AND ?3 "
    "AND deleted_at IS NULL LIMIT ?4",
    "SELECT retweet_of FROM tweets WHERE author = ?1 AND deleted_at IS NULL "
    "AND retweet_of IN (SELECT value FROM json_each(?2))"};

/// The ids among SORTED_IDS that VIEWER marked, sorted.
std::vector<Id> marked(Db& db, const MarkQuery& query, Id viewer, const std::vector<Id>& sorted_ids) {
  // The scan is one seek and usually finds nothing; a viewer with many marks in the
  // range would make it long, so past a few rows per id each id is looked up instead.
  const std::int64_t budget = 4 * static_cast<std::int64_t>(sorted_ids.size());
  std::vector<Id> hits;
  std::int64_t rows = 0;
  {
    auto q = db.statement(query.range);
    q->bind(1, viewer);
    q->bind(2, sorted_ids.front());
    q->bind(3, sorted_ids.back());
    q->bind(4, budget + 1);
    while (q->executeStep()) {
      ++rows;
      Id id = q->getColumn(0).getInt64();
      if (std::binary_search(sorted_ids.begin(), sorted_ids.end(), id)) hits.push_back(id);
    }
  }
  if (rows > budget) {
    hits.clear();
    auto q = db.statement(query.lookup);
    q->bind(1, viewer);
    q->bind(2, json_array(sorted_ids));
    while (q->executeStep()) hits.push_back(q->getColumn(0).getInt64());
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

}  // namespace

std::vector<Tweet> hydrate(Db& db, const std::vector<Id>& ids, Id viewer) {
  if (ids.empty()) return {};
  return db.read([&] {
    ReadCache* cache = db.read_cache();
    Found found;
    find_tweets(db, ids, found, cache);
    std::vector<Id> original_ids;
    for (const auto& [id, t] : found) {
      if (t->retweet_of) original_ids.push_back(*t->retweet_of);
    }
    find_tweets(db, original_ids, found, cache);

    std::vector<Id> liked;
    std::vector<Id> retweeted;
    if (viewer != 0 && !found.empty()) {
      std::vector<Id> shown;
      shown.reserve(found.size());
      for (const auto& [id, t] : found) shown.push_back(id);
      std::sort(shown.begin(), shown.end());
      liked = marked(db, k_liked, viewer, shown);
      retweeted = marked(db, k_retweeted, viewer, shown);
    }
    auto for_viewer = [&](const Tweet& cached) {
      Tweet t = cached;
      t.liked = std::binary_search(liked.begin(), liked.end(), t.id);
      t.retweeted = std::binary_search(retweeted.begin(), retweeted.end(), t.id);
      return t;
    };

    std::vector<Tweet> out;
    out.reserve(ids.size());
    for (Id id : ids) {
      auto it = found.find(id);
      if (it == found.end()) continue;
      Tweet t = for_viewer(*it->second);
      if (t.retweet_of) {
        auto original = found.find(*t.retweet_of);
        if (original == found.end()) continue;  // the original was deleted
        t.original = std::make_shared<const Tweet>(for_viewer(*original->second));
      }
      out.push_back(std::move(t));
    }
    return out;
  });
}

}  // namespace chirp::detail
