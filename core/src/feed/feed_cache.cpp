#include "feed/feed_cache.hpp"

#include "session.hpp"

namespace chirp::detail {

ReadCache* read_cache(Session& session) {
  Db& db = session.db;
  if (!db.in_read_transaction()) return nullptr;
  FeedCache& feed = *session.feed;
  if (feed.synced_serial != db.transaction_serial()) {
    feed.synced_serial = db.transaction_serial();
    if (feed.started) {
      catch_up_read_cache(feed.read, db);
    } else {
      start_read_cache(feed.read, db);
      feed.started = true;
    }
  }
  return &feed.read;
}

std::int64_t cached_setting(Session& session, std::string_view key) {
  ReadCache* cache = read_cache(session);
  if (!cache) return session.setting(key);
  if (auto value = cache->find_setting(key)) return *value;
  std::int64_t value = session.setting(key);
  cache->insert_setting(key, value);
  return value;
}

}  // namespace chirp::detail
