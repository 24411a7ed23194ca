#pragma once
/// A background WAL checkpointer: copies committed pages from the write-ahead log back
/// into the database from a thread of its own, so that the connections that write
/// need not do it on their commit path. `chirp serve` runs one.
///
/// Its rounds are PASSIVE checkpoints: they copy what they can and never wait for, nor
/// block, the writers or any reader. Those cannot bound the WAL alone: under a steady
/// stream of commits the log is never wholly copied at the moment a write begins, which
/// is when SQLite starts the log over. So once the WAL holds `restart_pages`, a round
/// ends with a RESTART checkpoint: it takes the write lock, copies the little the
/// passive pass left, waits for the readers still on the log, and the next write starts
/// the log over. Writers wait for that moment only; a fan-out batch that holds the lock
/// gives it up as for any waiting writer (Db::waiting_writers).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace chirp {

class Checkpointer {
public:
  /// The WAL size at which a round starts the log over, and the writers' own fallback
  /// beside a Checkpointer (autocheckpoint_pages): 64 MiB of 4 KiB pages.
  static constexpr int k_backstop_pages = 16384;

  struct Options {
    std::filesystem::path path;  ///< the database file (WAL mode)
    std::chrono::milliseconds interval{100};  ///< between checkpoints
    /// WAL pages from which a round ends with a RESTART checkpoint; 0: never.
    int restart_pages = k_backstop_pages;
    /// How long a RESTART waits for the write lock, then for the readers still on the
    /// log, holding the lock (writers wait meanwhile). One that times out (a long read:
    /// a backup, `chirp check`) is tried again after 1, 2, 4 ... up to 64 rounds.
    int busy_timeout_ms = 250;
  };

  /// What the checkpointer has done so far.
  struct Stats {
    std::int64_t rounds = 0;
    std::int64_t busy = 0;  ///< checkpoints that could not copy everything, or timed out
    std::int64_t restarts = 0;  ///< RESTART checkpoints that let the log start over
    std::int64_t largest_wal_pages = 0;  ///< the most pages the WAL held at a round
    std::string last_error;  ///< why the last round failed ("" when it succeeded)
  };

  /// Starts the thread (its connection opens there).
  explicit Checkpointer(Options options);
  /// Stops the thread after the checkpoint in progress.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  Stats stats() const;

private:
  void run();

  Options m_options;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  Stats m_stats;
  std::thread m_thread;
};

}  // namespace chirp
