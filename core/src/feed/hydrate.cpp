// Turning tweet ids into full tweets. The viewer-independent part of each tweet (text,
// author, counters) comes from the connection's cache, and what is missing from one
// query for all of them; the viewer's liked/retweeted flags from one query each.
#include "feed/hydrate.hpp"

#include "entities/store.hpp"
#include "feed/feed_cache.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace chirp::detail {

namespace {

using SharedTweet = std::shared_ptr<const Tweet>;
using Found = std::unordered_map<Id, SharedTweet>;

/// Adds the live tweets among IDS, with their entities, to FOUND (and to CACHE when
/// there is one).
void load_tweets(Db& db, const std::vector<Id>& ids, Found& found, ReadCache* cache) {
  auto tweets = load_live_tweets(db, ids);
  std::vector<Id> loaded;
  loaded.reserve(tweets.size());
  for (const auto& tweet : tweets) {
    if (!tweet->retweet_of) loaded.push_back(tweet->id);
  }
  auto entities = load_entities(db, loaded);
  for (auto& tweet : tweets) {
    if (auto it = entities.find(tweet->id); it != entities.end()) {
      tweet->mentions = std::move(it->second.mentions);
      tweet->hashtags = std::move(it->second.hashtags);
    }
    if (cache) cache->insert_tweet(tweet);
    Id id = tweet->id;
    found.emplace(id, std::move(tweet));
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
    "SELECT tweet FROM likes WHERE liker = ?1 AND tweet BETWEEN ?2 AND ?3 LIMIT ?4",
    "SELECT tweet FROM likes WHERE liker = ?1 AND tweet IN (SELECT value FROM json_each(?2))"};
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
    q.bind(viewer, sorted_ids.front(), sorted_ids.back(), budget + 1);
    while (q.step()) {
      ++rows;
      Id id = q->getColumn(0).getInt64();
      if (std::binary_search(sorted_ids.begin(), sorted_ids.end(), id)) hits.push_back(id);
    }
  }
  if (rows > budget) {
    hits.clear();
    auto q = db.statement(query.lookup);
    q.bind(viewer, json_array(sorted_ids));
    while (q.step()) hits.push_back(q->getColumn(0).getInt64());
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

}  // namespace

std::vector<Tweet> hydrate(Session& session, const std::vector<Id>& ids, Id viewer) {
  if (ids.empty()) return {};
  auto& db = session.db;
  return db.read([&] {
    ReadCache* cache = read_cache(session);
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
        t.mentions = t.original->mentions;  // a retweet carries its original's
        t.hashtags = t.original->hashtags;
      }
      out.push_back(std::move(t));
    }
    return out;
  });
}

}  // namespace chirp::detail
