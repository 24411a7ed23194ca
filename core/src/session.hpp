#pragma once
// What the services of one Core share: the connection, the clock, the connection's
// feed caches, and the hook that tells the front end fan-out work was queued.

#include "storage/db.hpp"

#include <chirp/clock.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace chirp::detail {

struct FeedCache;

struct Session {
  Session(const std::string& path, int busy_timeout_ms, std::shared_ptr<Clock> clock,
          FeedCache& feed, std::function<void()> work_queued);

  Db db;
  std::shared_ptr<Clock> clock;
  /// The feed's caches of this connection (feed/feed_cache.hpp), owned by the Core.
  FeedCache* feed;

  std::int64_t now_ms() const { return clock->now_ms(); }

  /// A setting's current value in the database (the default when unset).
  std::int64_t setting(std::string_view key);

  /// Tells the front end that a committed write queued fan-out work.
  void work_was_queued() const {
    if (m_work_queued) m_work_queued();
  }

private:
  std::function<void()> m_work_queued;
};

}  // namespace chirp::detail
