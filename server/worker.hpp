#pragma once
// The fan-out worker thread of the server: drains the durable queue with its own
// connection, woken at once by posts through this server and polling for posts made
// by other processes (the CLI). Tells live streams when there may be new events: after
// each batch it commits, and when another process added some.

#include "metrics.hpp"

#include <chirp/checkpointer.hpp>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace chirp::server {

/// The server's Checkpointer (ServerState::checkpointer) checkpoints from a thread of
/// its own and bounds the WAL (see chirp/checkpointer.hpp). The request threads'
/// connections never checkpoint, so that no request pays for one. The fan-out worker's
/// connection keeps a fallback past the same size, should the thread fall behind: it
/// commits whenever anything is written, as every post queues work for it. Measured in
/// bench/README.md.
inline constexpr int k_worker_autocheckpoint_pages = Checkpointer::k_backstop_pages;
inline constexpr int k_request_autocheckpoint_pages = 0;

class FanoutWorker {
public:
  /// NEW_EVENTS runs (on the worker's thread) whenever live events may have been added.
  FanoutWorker(std::filesystem::path db_path, Metrics& metrics, std::function<void()> new_events);
  ~FanoutWorker();
  void start();
  /// Finishes the batch in progress, then returns.
  void stop();
  /// Something was queued: drain now rather than at the next poll.
  void notify();

private:
  void run();

  std::filesystem::path m_db_path;
  Metrics& m_metrics;
  std::function<void()> m_new_events;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  bool m_pending = false;
};

}  // namespace chirp::server
