#pragma once
// What the services of one Core share: the connection, the clock, the connection's
// feed caches, and the hooks that tell the front end work was queued or notifications
// were created.

#include "storage/db.hpp"

#include <chirp/clock.hpp>
#include <chirp/types.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::detail {

struct FeedCache;

struct Session {
  Session(const std::string& path, int busy_timeout_ms, std::shared_ptr<Clock> clock,
          FeedCache& feed, std::function<void()> work_queued,
          std::function<void(const std::vector<CreatedNotification>&)> notified);

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

  /// Tells the front end that a committed worker batch created these notifications.
  void notifications_created(const std::vector<CreatedNotification>& created) const {
    if (m_notified) m_notified(created);
  }

private:
  std::function<void()> m_work_queued;
  std::function<void(const std::vector<CreatedNotification>&)> m_notified;
};

}  // namespace chirp::detail
