#include "feed/read_cache.hpp"

#include "storage/rows.hpp"

namespace chirp::detail {

std::shared_ptr<const Tweet> ReadCache::find_tweet(Id id) {
  auto it = m_tweets.find(id);
  if (it == m_tweets.end()) return nullptr;
  m_lru.splice(m_lru.begin(), m_lru, it->second);
  return *it->second;
}

void ReadCache::insert_tweet(std::shared_ptr<const Tweet> tweet) {
  Id id = tweet->id;
  if (auto it = m_tweets.find(id); it != m_tweets.end()) {
    *it->second = std::move(tweet);
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    return;
  }
  m_lru.push_front(std::move(tweet));
  m_tweets.emplace(id, m_lru.begin());
  if (m_lru.size() > m_capacity) {
    m_tweets.erase(m_lru.back()->id);
    m_lru.pop_back();
  }
}

const std::vector<Id>* ReadCache::find_followed(Id reader, const FollowedStamp& stamp) const {
  auto it = m_followed.find(reader);
  if (it == m_followed.end() || !(it->second.stamp == stamp)) return nullptr;
  return &it->second.celebrities;
}

void ReadCache::insert_followed(Id reader, const FollowedStamp& stamp, std::vector<Id> celebrities) {
  // As many readers as tweets: when full, start over rather than track recency.
  if (m_followed.size() >= m_capacity && !m_followed.contains(reader)) m_followed.clear();
  m_followed.insert_or_assign(reader, Followed{stamp, std::move(celebrities)});
}

const ReadCache::Recent* ReadCache::find_recent(Id author) const {
  auto it = m_recent.find(author);
  return it == m_recent.end() ? nullptr : &it->second;
}

void ReadCache::insert_recent(Id author, Recent recent) {
  if (m_recent.size() >= m_capacity && !m_recent.contains(author)) m_recent.clear();
  m_recent.insert_or_assign(author, std::move(recent));
}

const std::vector<Id>* ReadCache::find_hidden(Id reader, std::int64_t hides_version) const {
  auto it = m_hidden.find(reader);
  if (it == m_hidden.end() || it->second.hides_version != hides_version) return nullptr;
  return &it->second.users;
}

void ReadCache::insert_hidden(Id reader, std::int64_t hides_version, std::vector<Id> users) {
  if (m_hidden.size() >= m_capacity && !m_hidden.contains(reader)) m_hidden.clear();
  m_hidden.insert_or_assign(reader, Hidden{hides_version, std::move(users)});
}

std::optional<std::int64_t> ReadCache::find_setting(std::string_view key) const {
  for (const auto& [name, value] : m_settings) {
    if (name == key) return value;
  }
  return std::nullopt;
}

void ReadCache::insert_setting(std::string_view key, std::int64_t value) {
  for (auto& [name, cached] : m_settings) {
    if (name == key) {
      cached = value;
      return;
    }
  }
  m_settings.emplace_back(std::string(key), value);
}

void ReadCache::apply(const Change& change) {
  if (change.seq != m_last_seq + 1) {
    // Rows were trimmed from the log before this connection saw them.
    reset(change.seq);
    return;
  }
  m_last_seq = change.seq;
  if (!change.tweet) {
    reset(change.seq);
    return;
  }
  if (change.author) m_recent.erase(*change.author);
  if (auto it = m_tweets.find(*change.tweet); it != m_tweets.end()) {
    m_lru.erase(it->second);
    m_tweets.erase(it);
  }
}

void ReadCache::reset(std::int64_t last_seq) {
  m_lru.clear();
  m_tweets.clear();
  m_settings.clear();
  m_followed.clear();
  m_recent.clear();
  m_hidden.clear();
  m_last_seq = last_seq;
}

// ---- keeping the cache true: the change log ------------------------------------------

void start_read_cache(ReadCache& cache, Db& db) {
  // A new connection: nothing cached yet, so only where the log ends matters.
  cache.reset(db.statement("SELECT coalesce(max(seq), 0) FROM cache_changes").single_int());
}

void catch_up_read_cache(ReadCache& cache, Db& db) {
  auto q = db.statement("SELECT seq, tweet, author FROM cache_changes WHERE seq > ? ORDER BY seq");
  q.bind(cache.last_seq());
  while (q.step()) {
    Cursor c(*q);
    ReadCache::Change change;
    change.seq = c.integer();
    change.tweet = c.optional_integer();
    change.author = c.optional_integer();
    cache.apply(change);
  }
}

}  // namespace chirp::detail
