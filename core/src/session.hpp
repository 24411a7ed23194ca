#pragma once
// What the services of one Core share: the connection, the clock, the connection's
// caches, and the hook that tells the front end fan-out work was queued.

#include "feed/celebrities.hpp"
#include "feed/read_cache.hpp"
#include "storage/db.hpp"

#include <chirp/clock.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace chirp::detail {

struct Session {
  Session(const std::string& path, int busy_timeout_ms, std::shared_ptr<Clock> clock,
          std::function<void()> work_queued);

  Db db;
  std::shared_ptr<Clock> clock;

  std::int64_t now_ms() const { return clock->now_ms(); }

  /// A setting's current value (the default when unset); inside a read transaction
  /// from the read cache.
  std::int64_t setting(std::string_view key);

  /// The connection's read cache, brought up to date with this read transaction's
  /// snapshot; nullptr outside a read transaction (a write transaction sees its own
  /// uncommitted changes, which must never be cached).
  ReadCache* read_cache();

  /// The celebrity set as this connection last loaded it (see celebrities()).
  CelebrityCache celebrities;

  /// Tells the front end that a committed write queued fan-out work.
  void work_was_queued() const {
    if (m_work_queued) m_work_queued();
  }

private:
  /// Tweets cached per connection: about 1.5 MiB at a typical 300 bytes each.
  static constexpr std::size_t k_cached_tweets = 5000;

  std::function<void()> m_work_queued;
  ReadCache m_cache{k_cached_tweets};
  std::uint64_t m_cache_synced_serial = 0;
  bool m_cache_started = false;
};

}  // namespace chirp::detail
