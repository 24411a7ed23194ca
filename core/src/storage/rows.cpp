#include "storage/rows.hpp"

#include <chirp/snowflake.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cassert>
#include <cstring>
#include <span>

namespace chirp::detail {

std::int64_t Cursor::integer() { return m_row.getColumn(m_index++).getInt64(); }

std::optional<std::int64_t> Cursor::optional_integer() {
  auto column = m_row.getColumn(m_index++);
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

std::string Cursor::text() { return m_row.getColumn(m_index++).getString(); }

std::optional<std::string> Cursor::optional_text() {
  auto column = m_row.getColumn(m_index++);
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

namespace {

/// Debug builds (the sanitizer tests) check that a row's columns are the ones its
/// reader expects, by name; release builds trust the one column list.
void check_columns([[maybe_unused]] SQLite::Statement& row, [[maybe_unused]] int first,
                   [[maybe_unused]] std::span<const char* const> names,
                   [[maybe_unused]] const Cursor& read) {
#ifndef NDEBUG
  assert(read.index() == first + static_cast<int>(names.size()));
  for (std::size_t i = 0; i < names.size(); ++i) {
    assert(std::strcmp(row.getColumnName(first + static_cast<int>(i)), names[i]) == 0);
  }
#endif
}

std::string qualified(std::span<const char* const> names, std::string_view alias) {
  std::string out;
  for (const char* name : names) {
    if (!out.empty()) out += ", ";
    if (!alias.empty()) {
      out += alias;
      out += '.';
    }
    out += name;
  }
  return out;
}

// ---- users ----------------------------------------------------------------------------

constexpr std::array<const char*, 15> k_user_columns = {
    "id",           "handle",         "name",           "bio",
    "created_at",   "followers_count", "following_count", "tweets_count",
    "likes_count",  "last_seen_at",   "inbox_floor",    "follows_version",
    "token_version", "pulled",        "hides_version"};

std::optional<UserRow> first_user_row(StatementLease& q) {
  if (!q.step()) return std::nullopt;
  return read_user_row(*q);
}

}  // namespace

std::string user_columns(std::string_view alias) { return qualified(k_user_columns, alias); }

UserRow read_user_row(SQLite::Statement& row, int first) {
  Cursor c(row, first);
  UserRow r;
  r.user.id = c.integer();
  r.user.handle = c.text();
  r.user.name = c.text();
  r.user.bio = c.text();
  r.user.created_at_ms = c.integer();
  r.user.followers_count = c.integer();
  r.user.following_count = c.integer();
  r.user.tweets_count = c.integer();
  r.user.likes_count = c.integer();
  r.last_seen_at_ms = c.integer();
  r.inbox_floor = c.integer();
  r.follows_version = c.integer();
  r.token_version = c.integer();
  r.pulled = c.integer() != 0;
  r.hides_version = c.integer();
  check_columns(row, first, k_user_columns, c);
  return r;
}

std::optional<UserRow> load_user_row(Db& db, Id id) {
  // Static: the statement cache keys on the text's address.
  static const std::string sql = "SELECT " + user_columns("") + " FROM users WHERE id = ?";
  auto q = db.statement(sql.c_str());
  q.bind(id);
  return first_user_row(q);
}

std::optional<UserRow> load_user_row_by_handle(Db& db, std::string_view handle) {
  static const std::string sql = "SELECT " + user_columns("") + " FROM users WHERE handle = ?";
  auto q = db.statement(sql.c_str());
  q.bind(handle);
  return first_user_row(q);
}

std::optional<User> load_user(Db& db, Id id) {
  if (auto row = load_user_row(db, id)) return std::move(row->user);
  return std::nullopt;
}

std::vector<User> load_users(Db& db, const std::vector<Id>& ids) {
  static const std::string sql = "SELECT " + user_columns("") +
                                 " FROM users WHERE id IN (SELECT value FROM json_each(?1))";
  auto q = db.statement(sql.c_str());
  q.bind(json_array(ids));
  std::vector<User> users;
  while (q.step()) users.push_back(read_user_row(*q).user);
  return users;
}

std::optional<Reach> load_reach(Db& db, Id id) {
  auto q = db.statement("SELECT followers_count, pulled FROM users WHERE id = ?");
  q.bind(id);
  if (!q.step()) return std::nullopt;
  Cursor c(*q);
  Reach reach;
  reach.followers_count = c.integer();
  reach.pulled = c.integer() != 0;
  return reach;
}

Result<User> require_user(Db& db, Id id) {
  if (auto user = load_user(db, id)) return *user;
  return fail(Code::not_found, fmt::format("no user with id {}", id));
}

// ---- tweets ---------------------------------------------------------------------------

namespace {

constexpr std::array<const char*, 4> k_head_columns = {"id", "author", "retweet_of", "reply_to"};

TweetHead read_head(SQLite::Statement& row) {
  Cursor c(row);
  TweetHead head;
  head.id = c.integer();
  head.author = c.integer();
  head.retweet_of = c.optional_integer();
  head.reply_to = c.optional_integer();
  check_columns(row, 0, k_head_columns, c);
  return head;
}

/// A hydrated tweet's columns: the tweet's own (alias t) and its author's (alias u).
constexpr std::array<const char*, 12> k_tweet_columns = {
    "id",         "author",     "handle",     "name",       "text",          "created_at",
    "reply_to",   "retweet_of", "media_urls", "like_count", "retweet_count", "reply_count"};
constexpr std::array<const char*, 12> k_tweet_column_tables = {
    "t", "t", "u", "u", "t", "t", "t", "t", "t", "t", "t", "t"};

std::string tweet_columns() {
  std::string out;
  for (std::size_t i = 0; i < k_tweet_columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::string(k_tweet_column_tables[i]) + "." + k_tweet_columns[i];
  }
  return out;
}

/// SELECT of tweet heads (read_head) with WHERE clause WHERE, as a static string per
/// call site (the statement cache keys on its address).
std::string head_select(std::string_view where) {
  return "SELECT " + qualified(k_head_columns, "") + " FROM tweets WHERE " + std::string(where);
}

std::shared_ptr<Tweet> read_tweet(SQLite::Statement& row) {
  Cursor c(row);
  auto t = std::make_shared<Tweet>();
  t->id = c.integer();
  t->author.id = c.integer();
  t->author.handle = c.text();
  t->author.name = c.text();
  t->text = c.text();
  t->created_at_ms = c.integer();
  t->reply_to = c.optional_integer();
  t->retweet_of = c.optional_integer();
  if (auto media_json = c.optional_text()) {
    auto media = nlohmann::json::parse(*media_json, nullptr, false);
    if (media.is_array()) {
      for (const auto& url : media) {
        if (url.is_string()) t->media_urls.push_back(url.get<std::string>());
      }
    }
  }
  t->like_count = c.integer();
  t->retweet_count = c.integer();
  t->reply_count = c.integer();
  check_columns(row, 0, k_tweet_columns, c);
  return t;
}

}  // namespace

std::optional<TweetHead> live_tweet(Db& db, Id id) {
  static const std::string sql = head_select("id = ? AND deleted_at IS NULL");
  auto q = db.statement(sql.c_str());
  q.bind(id);
  if (!q.step()) return std::nullopt;
  return read_head(*q);
}

Result<TweetHead> require_tweet(Db& db, Id id) {
  if (auto head = live_tweet(db, id)) return *head;
  return fail(Code::not_found, fmt::format("no tweet with id {}", id));
}

std::optional<Id> replied_to(Db& db, Id id) {
  auto q = db.statement("SELECT reply_to FROM tweets WHERE id = ?");
  q.bind(id);
  if (!q.step()) return std::nullopt;
  return Cursor(*q).optional_integer();
}

std::optional<TweetHead> live_retweet(Db& db, Id user, Id original) {
  static const std::string sql =
      head_select("author = ? AND retweet_of = ? AND deleted_at IS NULL");
  auto q = db.statement(sql.c_str());
  q.bind(user, original);
  if (!q.step()) return std::nullopt;
  return read_head(*q);
}

std::vector<TweetHead> live_retweets_of(Db& db, Id original) {
  static const std::string sql = head_select("retweet_of = ? AND deleted_at IS NULL");
  auto q = db.statement(sql.c_str());
  q.bind(original);
  std::vector<TweetHead> out;
  while (q.step()) out.push_back(read_head(*q));
  return out;
}

void queue_event(Db& db, std::string_view kind, Id author, std::optional<Id> tweet,
                 std::optional<Id> subject, std::int64_t at_ms) {
  db.statement(
        "INSERT INTO fanout_queue(kind, author, tweet, subject, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(kind, author, tweet, subject, at_ms)
      .exec();
}

std::vector<std::shared_ptr<Tweet>> load_live_tweets(Db& db, const std::vector<Id>& ids) {
  static const std::string sql =
      "SELECT " + tweet_columns() +
      " FROM tweets t JOIN users u ON u.id = t.author"
      " WHERE t.id IN (SELECT value FROM json_each(?1)) AND t.deleted_at IS NULL";
  auto q = db.statement(sql.c_str());
  q.bind(json_array(ids));
  std::vector<std::shared_ptr<Tweet>> out;
  while (q.step()) out.push_back(read_tweet(*q));
  return out;
}

std::optional<Credentials> load_credentials(Db& db, std::string_view handle) {
  auto q = db.statement("SELECT id, password_hash FROM users WHERE handle = ?");
  q.bind(handle);
  if (!q.step()) return std::nullopt;
  Cursor c(*q);
  Credentials out;
  out.user = c.integer();
  out.password_hash = c.optional_text();
  return out;
}

Id insert_tweet_row(Db& db, const NewTweetRow& row) {
  db.statement(
        "INSERT INTO tweets(id, author, text, reply_to, retweet_of, media_urls, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(row.id, row.author, row.text, row.reply_to, row.retweet_of, row.media_json,
            row.created_at_ms)
      .exec();
  db.statement("INSERT INTO fanout_queue(tweet, author, created_at) VALUES (?, ?, ?)")
      .bind(row.id, row.author, row.created_at_ms)
      .exec();
  return row.id;
}

std::vector<Id> authored(Db& db, Id author, Id lo, Id hi, std::int64_t n) {
  auto q = db.statement(
      "SELECT id FROM tweets WHERE author = ? AND id < ? AND id > ? AND deleted_at IS NULL "
      "ORDER BY id DESC LIMIT ?");
  q.bind(author, hi, lo, n);
  std::vector<Id> ids;
  while (q.step()) ids.push_back(q->getColumn(0).getInt64());
  return ids;
}

Id next_user_id(Db& db, std::int64_t now_ms, int node) {
  return next_snowflake(now_ms, node, db.statement("SELECT coalesce(max(id), 0) FROM users").single_int());
}

Id next_tweet_id(Db& db, std::int64_t now_ms, int node) {
  return next_snowflake(now_ms, node, db.statement("SELECT coalesce(max(id), 0) FROM tweets").single_int());
}

std::string json_array(const std::vector<Id>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

}  // namespace chirp::detail
