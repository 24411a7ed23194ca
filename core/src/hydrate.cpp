// Turning tweet ids into full tweets: one query for a page's tweets and authors, one
// more for the originals of any retweets among them.
#include "internal.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <unordered_map>

namespace chirp::detail {

namespace {

std::string json_array(const std::vector<Id>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

std::unordered_map<Id, Tweet> load_tweets(Db& db, const std::vector<Id>& ids, Id viewer) {
  auto q = db.statement(
      "SELECT t.id, t.author, u.handle, u.name, t.text, t.created_at, t.reply_to, "
      "       t.retweet_of, t.media_urls, t.like_count, t.retweet_count, t.reply_count, "
      "       EXISTS(SELECT 1 FROM likes l WHERE l.user = ?1 AND l.tweet = t.id), "
      "       EXISTS(SELECT 1 FROM tweets r WHERE r.author = ?1 AND r.retweet_of = t.id "
      "                AND r.deleted_at IS NULL) "
      "FROM tweets t JOIN users u ON u.id = t.author "
      "WHERE t.id IN (SELECT value FROM json_each(?2)) AND t.deleted_at IS NULL");
  q->bind(1, viewer);
  q->bind(2, json_array(ids));
  std::unordered_map<Id, Tweet> out;
  while (q->executeStep()) {
    Tweet t;
    t.id = q->getColumn(0).getInt64();
    t.author = {q->getColumn(1).getInt64(), q->getColumn(2).getString(),
                q->getColumn(3).getString()};
    t.text = q->getColumn(4).getString();
    t.created_at_ms = q->getColumn(5).getInt64();
    if (!q->getColumn(6).isNull()) t.reply_to = q->getColumn(6).getInt64();
    if (!q->getColumn(7).isNull()) t.retweet_of = q->getColumn(7).getInt64();
    if (!q->getColumn(8).isNull()) {
      auto media = nlohmann::json::parse(q->getColumn(8).getString(), nullptr, false);
      if (media.is_array()) {
        for (const auto& url : media) {
          if (url.is_string()) t.media_urls.push_back(url.get<std::string>());
        }
      }
    }
    t.like_count = q->getColumn(9).getInt64();
    t.retweet_count = q->getColumn(10).getInt64();
    t.reply_count = q->getColumn(11).getInt64();
    t.liked = q->getColumn(12).getInt() != 0;
    t.retweeted = q->getColumn(13).getInt() != 0;
    out.emplace(t.id, std::move(t));
  }
  return out;
}

}  // namespace

std::vector<Tweet> hydrate(Db& db, const std::vector<Id>& ids, Id viewer) {
  if (ids.empty()) return {};
  auto found = load_tweets(db, ids, viewer);
  std::vector<Id> original_ids;
  for (const auto& [id, t] : found) {
    if (t.retweet_of) original_ids.push_back(*t.retweet_of);
  }
  std::unordered_map<Id, std::shared_ptr<const Tweet>> originals;
  if (!original_ids.empty()) {
    for (auto& [id, t] : load_tweets(db, original_ids, viewer)) {
      originals.emplace(id, std::make_shared<const Tweet>(std::move(t)));
    }
  }
  std::vector<Tweet> out;
  out.reserve(ids.size());
  for (Id id : ids) {
    auto it = found.find(id);
    if (it == found.end()) continue;
    Tweet t = it->second;
    if (t.retweet_of) {
      auto original = originals.find(*t.retweet_of);
      if (original == originals.end()) continue;  // the original was deleted
      t.original = original->second;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace chirp::detail
