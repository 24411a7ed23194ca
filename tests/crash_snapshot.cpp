#include "crash_snapshot.hpp"

#include "support.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <sstream>

namespace chirp::test {

namespace {

/// The rows sqlite3 prints for SQL, each split at '|'.
std::vector<std::vector<std::string>> rows(const std::filesystem::path& db, const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  std::istringstream lines(sqlite3(db, sql));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
      auto bar = line.find('|', start);
      fields.push_back(line.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    out.push_back(std::move(fields));
  }
  return out;
}

std::int64_t number(const std::string& text) { return text.empty() ? 0 : std::stoll(text); }

}  // namespace

bool Snapshot::has_live_retweet(Id user, Id original) const {
  return std::any_of(tweets.begin(), tweets.end(), [&](const auto& entry) {
    const TweetRecord& t = entry.second;
    return t.author == user && t.retweet_of == original && !t.deleted;
  });
}

std::vector<Id> Snapshot::expected_home(Id reader) const {
  std::vector<Id> ids;
  for (const auto& [id, t] : tweets) {
    if (!t.deleted && (t.author == reader || is_following(reader, t.author))) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end(), std::greater<>());
  return ids;
}

Snapshot read_snapshot(const std::filesystem::path& db) {
  Snapshot s;
  for (const auto& r : rows(db,
                            "SELECT id, author, coalesce(reply_to, 0), coalesce(retweet_of, 0), "
                            "deleted_at IS NOT NULL, like_count, retweet_count, reply_count "
                            "FROM tweets")) {
    TweetRecord t{number(r.at(0)), number(r.at(1)), number(r.at(2)), number(r.at(3)),
                  r.at(4) == "1",  number(r.at(5)), number(r.at(6)), number(r.at(7))};
    s.tweets[t.id] = t;
  }
  for (const auto& r : rows(db,
                            "SELECT id, handle, followers_count, following_count, tweets_count, "
                            "likes_count, inbox_floor, pulled FROM users")) {
    UserRecord u{number(r.at(0)), r.at(1),         number(r.at(2)), number(r.at(3)),
                 number(r.at(4)), number(r.at(5)), number(r.at(6)), r.at(7) == "1"};
    s.users[u.id] = u;
  }
  for (const auto& r : rows(db, "SELECT follower, followee FROM follows")) {
    s.follows.emplace(number(r.at(0)), number(r.at(1)));
  }
  for (const auto& r : rows(db, "SELECT liker, tweet FROM likes")) {
    s.likes.emplace(number(r.at(0)), number(r.at(1)));
  }
  for (const auto& r : rows(db, "SELECT reader, tweet FROM timeline")) {
    s.inboxes[number(r.at(0))].insert(number(r.at(1)));
  }
  s.queue_depth = std::stoll(sqlite3(db, "SELECT count(*) FROM fanout_queue"));
  return s;
}

std::vector<std::string> counter_mismatches(const Snapshot& s) {
  std::map<Id, std::int64_t> followers, following, tweets, likes;
  std::map<Id, std::int64_t> like_count, retweet_count, reply_count;
  for (const auto& [follower, followee] : s.follows) {
    ++following[follower];
    ++followers[followee];
  }
  for (const auto& [liker, tweet] : s.likes) {
    ++likes[liker];
    ++like_count[tweet];
  }
  for (const auto& [id, t] : s.tweets) {
    if (t.deleted) continue;
    ++tweets[t.author];
    if (t.retweet_of != 0) ++retweet_count[t.retweet_of];
    if (t.reply_to != 0) ++reply_count[t.reply_to];
  }
  std::vector<std::string> out;
  auto compare = [&](const char* what, Id id, std::int64_t stored, std::int64_t recounted) {
    if (stored != recounted) {
      out.push_back(fmt::format("{} of {} is {}, a recount gives {}", what, id, stored, recounted));
    }
  };
  for (const auto& [id, u] : s.users) {
    compare("users.followers_count", id, u.followers_count, followers[id]);
    compare("users.following_count", id, u.following_count, following[id]);
    compare("users.tweets_count", id, u.tweets_count, tweets[id]);
    compare("users.likes_count", id, u.likes_count, likes[id]);
  }
  for (const auto& [id, t] : s.tweets) {
    compare("tweets.like_count", id, t.like_count, like_count[id]);
    compare("tweets.retweet_count", id, t.retweet_count, retweet_count[id]);
    compare("tweets.reply_count", id, t.reply_count, reply_count[id]);
  }
  return out;
}

std::vector<std::string> inbox_mismatches(const Snapshot& s, std::int64_t threshold) {
  std::vector<std::string> out;
  for (const auto& [reader, inbox] : s.inboxes) {
    for (Id tweet : inbox) {
      auto it = s.tweets.find(tweet);
      if (it == s.tweets.end() || it->second.deleted) {
        out.push_back(fmt::format("inbox of {} holds deleted or missing tweet {}", reader, tweet));
      } else if (!s.is_following(reader, it->second.author)) {
        out.push_back(fmt::format("inbox of {} holds tweet {} of {}, whom it does not follow",
                                  reader, tweet, it->second.author));
      }
    }
  }
  static const std::set<Id> k_empty;
  for (const auto& [reader, followee] : s.follows) {
    const UserRecord& author = s.users.at(followee);
    if (author.pulled || author.followers_count > threshold) continue;
    Id floor = s.users.at(reader).inbox_floor;
    auto found = s.inboxes.find(reader);
    const std::set<Id>& inbox = found == s.inboxes.end() ? k_empty : found->second;
    for (const auto& [id, t] : s.tweets) {
      if (t.author == followee && !t.deleted && id >= floor && !inbox.contains(id)) {
        out.push_back(fmt::format(
            "inbox of {} lacks tweet {} of pushed followee {} (inbox floor {}, {} followers)",
            reader, id, followee, floor, author.followers_count));
      }
    }
  }
  return out;
}

std::vector<std::string> integrity_problems(const std::filesystem::path& db) {
  std::vector<std::string> out;
  std::string integrity = sqlite3(db, "PRAGMA integrity_check");
  if (integrity != "ok") out.push_back("PRAGMA integrity_check: " + integrity);
  std::string foreign = sqlite3(db, "PRAGMA foreign_key_check");
  if (!foreign.empty()) out.push_back("PRAGMA foreign_key_check: " + foreign);
  return out;
}

}  // namespace chirp::test
