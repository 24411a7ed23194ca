// The background checkpointer (chirp/checkpointer.hpp): a PASSIVE checkpoint every
// round, a RESTART one after it once the WAL is past restart_pages.
#include "storage/db.hpp"

#include <chirp/checkpointer.hpp>

#include <algorithm>
#include <exception>
#include <optional>

namespace chirp {

using detail::Db;

Checkpointer::Checkpointer(Options options) : m_options(std::move(options)) {
  m_thread = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

Checkpointer::Stats Checkpointer::stats() const {
  std::lock_guard lock(m_mutex);
  return m_stats;
}

void Checkpointer::run() {
  std::optional<Db> db;
  // The log size at the last RESTART: until a write starts the log over, the WAL still
  // reports that size, and has nothing left to restart for.
  int restarted_at = -1;
  // After a RESTART that timed out, rounds to skip before the next (doubling): each
  // one holds the write lock while it waits for the readers.
  int restart_backoff = 1;
  int restart_skips = 0;
  for (;;) {
    {
      std::unique_lock lock(m_mutex);
      if (m_wake.wait_for(lock, m_options.interval, [&] { return m_stopping; })) return;
    }
    Stats round;
    try {
      // Opened here, not in the constructor: a file that cannot be opened yet (its
      // folder made later) is retried next round rather than lost.
      if (!db) db.emplace(m_options.path.string(), m_options.busy_timeout_ms);
      auto passive = db->checkpoint_passive();
      round.busy = passive.busy ? 1 : 0;
      round.largest_wal_pages = passive.wal_frames;
      bool due = m_options.restart_pages > 0 && passive.wal_frames >= m_options.restart_pages &&
                 passive.wal_frames != restarted_at;
      if (due && restart_skips > 0) {
        --restart_skips;
      } else if (due) {
        auto restart = db->checkpoint_restart();
        if (restart.busy) {
          round.busy = 1;
          restart_skips = restart_backoff;
          restart_backoff = std::min(restart_backoff * 2, 64);
        } else {
          round.restarts = 1;
          restarted_at = restart.wal_frames;
          restart_backoff = 1;
        }
      }
    } catch (const std::exception& e) {
      round.last_error = e.what();
      db.reset();
    }
    std::lock_guard lock(m_mutex);
    ++m_stats.rounds;
    m_stats.busy += round.busy;
    m_stats.restarts += round.restarts;
    m_stats.largest_wal_pages = std::max(m_stats.largest_wal_pages, round.largest_wal_pages);
    m_stats.last_error = round.last_error;
  }
}

}  // namespace chirp
