#include "read_cache.hpp"

#include "db.hpp"

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
  m_last_seq = last_seq;
}

// ---- Db's side: syncing once per read transaction ------------------------------------

ReadCache* Db::read_cache() {
  if (m_depth == 0 || m_writing) return nullptr;
  if (m_cache_synced_serial != m_serial) {
    m_cache_synced_serial = m_serial;
    if (!m_cache_started) {
      // A new connection: nothing cached yet, so only where the log ends matters.
      auto q = statement("SELECT coalesce(max(seq), 0) FROM cache_changes");
      q->executeStep();
      m_cache.reset(q->getColumn(0).getInt64());
      m_cache_started = true;
    } else {
      auto q = statement(
          "SELECT seq, tweet, author FROM cache_changes WHERE seq > ? ORDER BY seq");
      q->bind(1, m_cache.last_seq());
      while (q->executeStep()) {
        ReadCache::Change change{q->getColumn(0).getInt64(), std::nullopt, std::nullopt};
        if (!q->getColumn(1).isNull()) change.tweet = q->getColumn(1).getInt64();
        if (!q->getColumn(2).isNull()) change.author = q->getColumn(2).getInt64();
        m_cache.apply(change);
      }
    }
  }
  return &m_cache;
}

}  // namespace chirp::detail
