// Writing and reading the entity rows of tweets (see store.hpp).
#include "entities/store.hpp"

#include "storage/rows.hpp"

#include <chirp/entities.hpp>

#include <utility>

namespace chirp::detail {

namespace {

std::optional<Id> user_by_handle(Db& db, std::string_view handle) {
  auto q = db.statement("SELECT id FROM users WHERE handle = ?");
  q.bind(handle);
  if (!q.step()) return std::nullopt;
  return q->getColumn(0).getInt64();
}

/// The id of the tag NAME, created with SPELLING as its display when new.
Id hashtag_id(Db& db, const std::string& name, const std::string& spelling) {
  {
    auto q = db.statement("SELECT id FROM hashtags WHERE name = ?");
    q.bind(name);
    if (q.step()) return q->getColumn(0).getInt64();
  }
  db.statement("INSERT INTO hashtags(name, display) VALUES (?, ?)").bind(name, spelling).exec();
  return db.statement("SELECT last_insert_rowid()").single_int();
}

void count_use(Db& db, Id hashtag, std::int64_t created_at_ms, int delta) {
  db.statement(
        "INSERT INTO hashtag_hours(hour, hashtag, uses) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(hour, hashtag) DO UPDATE SET uses = uses + ?3")
      .bind(created_at_ms / k_trend_hour_ms, hashtag, delta)
      .exec();
}

}  // namespace

void index_tweet(Db& db, Id id, std::int64_t created_at_ms, std::string_view text) {
  if (text.empty()) return;
  auto entities = parse_entities(text);
  int position = 0;
  for (const auto& handle : entities.mentions) {
    auto user = user_by_handle(db, handle);
    if (!user) continue;  // nobody by that handle: plain text
    db.statement(
          "INSERT INTO mentions(tweet, mentioned, position) VALUES (?, ?, ?) "
          "ON CONFLICT DO NOTHING")
        .bind(id, *user, position++)
        .exec();
  }
  position = 0;
  for (const auto& tag : entities.hashtags) {
    Id hashtag = hashtag_id(db, tag.name, tag.spelling);
    db.statement("INSERT INTO tweet_hashtags(hashtag, tweet, position) VALUES (?, ?, ?)")
        .bind(hashtag, id, position++)
        .exec();
    count_use(db, hashtag, created_at_ms, 1);
  }
  db.statement("INSERT INTO tweet_search(rowid, text) VALUES (?, ?)").bind(id, text).exec();
}

void unindex_tweet(Db& db, Id id) {
  std::string text;
  std::int64_t created_at_ms = 0;
  {
    auto q = db.statement("SELECT text, created_at FROM tweets WHERE id = ? AND retweet_of IS NULL");
    q.bind(id);
    if (!q.step()) return;  // a retweet: nothing of its own
    Cursor c(*q);
    text = c.text();
    created_at_ms = c.integer();
  }
  if (text.empty()) return;
  std::vector<Id> hashtags;
  {
    auto q = db.statement("SELECT hashtag FROM tweet_hashtags WHERE tweet = ?");
    q.bind(id);
    while (q.step()) hashtags.push_back(q->getColumn(0).getInt64());
  }
  for (Id hashtag : hashtags) count_use(db, hashtag, created_at_ms, -1);
  db.statement("DELETE FROM tweet_hashtags WHERE tweet = ?").bind(id).exec();
  db.statement("DELETE FROM mentions WHERE tweet = ?").bind(id).exec();
  // A contentless index forgets a row given the very text it indexed.
  db.statement("INSERT INTO tweet_search(tweet_search, rowid, text) VALUES ('delete', ?, ?)")
      .bind(id, text)
      .exec();
}

void index_existing_tweets(Db& db) {
  struct Row {
    Id id;
    std::int64_t created_at_ms;
    std::string text;
  };
  std::vector<Row> rows;
  {
    auto q = db.statement(
        "SELECT id, created_at, text FROM tweets "
        "WHERE deleted_at IS NULL AND retweet_of IS NULL ORDER BY id");
    while (q.step()) {
      Cursor c(*q);
      Row row;
      row.id = c.integer();
      row.created_at_ms = c.integer();
      row.text = c.text();
      rows.push_back(std::move(row));
    }
  }
  for (const auto& row : rows) index_tweet(db, row.id, row.created_at_ms, row.text);
}

std::vector<Mention> load_mentions(Db& db, Id tweet) {
  auto q = db.statement(
      "SELECT u.id, u.handle FROM mentions m JOIN users u ON u.id = m.mentioned "
      "WHERE m.tweet = ? ORDER BY m.position");
  q.bind(tweet);
  std::vector<Mention> out;
  while (q.step()) {
    Cursor c(*q);
    Mention m;
    m.id = c.integer();
    m.handle = c.text();
    out.push_back(std::move(m));
  }
  return out;
}

std::unordered_map<Id, TweetEntities> load_entities(Db& db, const std::vector<Id>& ids) {
  std::unordered_map<Id, TweetEntities> out;
  if (ids.empty()) return out;
  std::string list = json_array(ids);
  {
    auto q = db.statement(
        "SELECT m.tweet, u.id, u.handle FROM mentions m JOIN users u ON u.id = m.mentioned "
        "WHERE m.tweet IN (SELECT value FROM json_each(?1)) ORDER BY m.tweet, m.position");
    q.bind(list);
    while (q.step()) {
      Cursor c(*q);
      Id tweet = c.integer();
      Mention m;
      m.id = c.integer();
      m.handle = c.text();
      out[tweet].mentions.push_back(std::move(m));
    }
  }
  {
    auto q = db.statement(
        "SELECT th.tweet, h.display FROM tweet_hashtags th JOIN hashtags h ON h.id = th.hashtag "
        "WHERE th.tweet IN (SELECT value FROM json_each(?1)) ORDER BY th.tweet, th.position");
    q.bind(list);
    while (q.step()) {
      Cursor c(*q);
      Id tweet = c.integer();
      out[tweet].hashtags.push_back(c.text());
    }
  }
  return out;
}

}  // namespace chirp::detail
