#include "maintenance/recount.hpp"

#include "storage/rows.hpp"

#include <fmt/core.h>

#include <array>
#include <string>
#include <vector>

namespace chirp::detail {

namespace {

struct Counter {
  const char* table;
  const char* column;
  /// A subquery counting, for the row of TABLE (named by the table), what it counts.
  const char* recount;
};

// What each write counts (social/tweets.cpp, social/graph.cpp):
// - a user's tweets are their live tweets, retweets and replies included;
// - likes stay when the liked tweet is deleted (unlike needs a live tweet), so both
//   like counters count every likes row;
// - deleting a reply or retweet takes it off its parent's counter (a deleted original
//   has its retweets deleted with it), so those counters count live rows only.
constexpr std::array<Counter, 7> k_counters = {{
    {"users", "followers_count", "(SELECT count(*) FROM follows f WHERE f.followee = users.id)"},
    {"users", "following_count", "(SELECT count(*) FROM follows f WHERE f.follower = users.id)"},
    {"users", "tweets_count",
     "(SELECT count(*) FROM tweets w WHERE w.author = users.id AND w.deleted_at IS NULL)"},
    {"users", "likes_count", "(SELECT count(*) FROM likes l WHERE l.liker = users.id)"},
    {"tweets", "like_count", "(SELECT count(*) FROM likes l WHERE l.tweet = tweets.id)"},
    {"tweets", "retweet_count",
     "(SELECT count(*) FROM tweets r WHERE r.retweet_of = tweets.id AND r.deleted_at IS NULL)"},
    {"tweets", "reply_count",
     "(SELECT count(*) FROM tweets r WHERE r.reply_to = tweets.id AND r.deleted_at IS NULL)"},
}};

struct CounterSql {
  const Counter* counter;
  std::string find;  ///< id, label, stored, recount of every row that differs
  std::string fix;
  std::string fix_some;  ///< fix, for the ids in the JSON array ?1 only
};

/// Built once: statements are cached by the address of their text.
const std::vector<CounterSql>& counter_sql() {
  static const std::vector<CounterSql> sql = [] {
    std::vector<CounterSql> out;
    for (const auto& counter : k_counters) {
      std::string table = counter.table;
      const char* label = table == "users" ? "handle" : "''";
      out.push_back({&counter,
                     fmt::format("SELECT id, {0}, {1}, {2} FROM {3} WHERE {1} IS NOT {2} "
                                 "ORDER BY id",
                                 label, counter.column, counter.recount, table),
                     fmt::format("UPDATE {0} SET {1} = {2} WHERE {1} IS NOT {2}", table,
                                 counter.column, counter.recount),
                     fmt::format("UPDATE {0} SET {1} = {2} WHERE id IN "
                                 "(SELECT value FROM json_each(?1)) AND {1} IS NOT {2}",
                                 table, counter.column, counter.recount)});
    }
    return out;
  }();
  return sql;
}

}  // namespace

void find_counter_problems(Db& db, ProblemList& problems) {
  for (const auto& sql : counter_sql()) {
    auto q = db.statement(sql.find.c_str());
    while (q.step()) {
      Cursor c(*q);
      Problem p;
      p.kind = ProblemKind::counter;
      p.table = sql.counter->table;
      p.column = sql.counter->column;
      p.id = c.integer();
      std::string handle = c.text();
      p.found = c.integer();
      p.expected = c.integer();
      std::string row = handle.empty() ? fmt::format("{} {}", p.table, p.id)
                                       : fmt::format("{} {} (@{})", p.table, p.id, handle);
      p.message = fmt::format("{}: {} is {}, a recount gives {}", row, p.column, p.found,
                              p.expected);
      problems.add(std::move(p));
    }
  }
}

// Trends (entities/store.cpp): each tag's hourly uses add up to its live tweets.
void find_trend_count_problems(Db& db, ProblemList& problems) {
  auto q = db.statement(
      "WITH used AS (SELECT hashtag, sum(uses) AS n FROM hashtag_hours GROUP BY hashtag),"
      " tagged AS (SELECT hashtag, count(*) AS n FROM tweet_hashtags GROUP BY hashtag) "
      "SELECT h.id, h.display, coalesce(u.n, 0), coalesce(t.n, 0) FROM hashtags h"
      " LEFT JOIN used u ON u.hashtag = h.id LEFT JOIN tagged t ON t.hashtag = h.id"
      " WHERE coalesce(u.n, 0) <> coalesce(t.n, 0) ORDER BY h.id");
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::counter;
    p.table = "hashtags";
    p.column = "uses";
    p.id = c.integer();
    std::string tag = c.text();
    p.found = c.integer();
    p.expected = c.integer();
    p.message = fmt::format("hashtag #{}: its hourly trend counts add up to {}, {} tweets use it",
                            tag, p.found, p.expected);
    problems.add(std::move(p));
  }
}

std::int64_t set_trend_counts_to_recounts(Db& db) {
  db.exec("DELETE FROM hashtag_hours");
  return db.statement(
               "INSERT INTO hashtag_hours(hour, hashtag, uses) "
               "SELECT t.created_at / 3600000, th.hashtag, count(*) FROM tweet_hashtags th "
               "JOIN tweets t ON t.id = th.tweet GROUP BY 1, 2")
      .exec();
}

Recounted set_counters_to_recounts(Db& db) {
  Recounted done;
  for (const auto& sql : counter_sql()) {
    int changed = db.statement(sql.fix.c_str()).exec();
    done.values += changed;
    if (changed > 0 && std::string_view(sql.counter->column) == "followers_count") {
      done.followers = true;
    }
  }
  return done;
}

Recounted set_counters_to_recounts_of(Db& db, const std::string& users, const std::string& tweets) {
  Recounted done;
  for (const auto& sql : counter_sql()) {
    bool of_users = std::string_view(sql.counter->table) == "users";
    int changed = db.statement(sql.fix_some.c_str()).bind(of_users ? users : tweets).exec();
    done.values += changed;
    if (changed > 0 && std::string_view(sql.counter->column) == "followers_count") {
      done.followers = true;
    }
  }
  return done;
}

}  // namespace chirp::detail
