#pragma once
/// A background WAL checkpointer: copies committed pages from the write-ahead log back
/// into the database from a thread of its own, so that the connections that write
/// need not do it on their commit path. `chirp serve` runs one.
///
/// Its checkpoints are PASSIVE: they copy what they can and never wait for, nor block,
/// the writer or any reader. They cannot bound the WAL alone: under a steady stream of
/// commits the log is never wholly copied at the moment a write begins, which is when
/// SQLite starts the log over. So the writers keep a backstop
/// (Core::Options::autocheckpoint_pages): a commit that finds the WAL past it
/// checkpoints the rest itself (little, the thread having copied most) and the next
/// write starts the log over.

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
  /// The backstop for the writers beside a Checkpointer (autocheckpoint_pages): 64 MiB
  /// of 4 KiB pages.
  static constexpr int k_backstop_pages = 16384;

  struct Options {
    std::filesystem::path path;  ///< the database file (WAL mode)
    std::chrono::milliseconds interval{100};  ///< between checkpoints
    int busy_timeout_ms = 10000;
  };

  /// What the checkpointer has done so far.
  struct Stats {
    std::int64_t rounds = 0;
    std::int64_t busy = 0;  ///< checkpoints that could not copy everything (retried)
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
