#pragma once
// The HTTP threads: cpp-httplib's thread pool, but one that says how many accepted
// connections are waiting for a thread, so the watchdog knows when slow or idle
// clients are keeping others out, and that serves the newest waiting one first. A live
// stream holds its thread for as long as it lasts: the pool then starts another, so
// requests always have THREADS threads.

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace chirp::server {

class CountingPool final : public httplib::TaskQueue {
public:
  /// THREADS threads; WAITING (owned by the caller, who reads it) counts the
  /// connections accepted and not yet taken up by one.
  CountingPool(int threads, std::atomic<std::size_t>& waiting);
  ~CountingPool() override;
  void enqueue(std::function<void()> job) override;
  /// The calling job keeps its thread for long (a live stream): unless a thread an
  /// earlier stream left is spare, one more starts. The pool so grows to THREADS plus
  /// the most streams open at once (bounded by stream.max_open), and never shrinks.
  void lend_thread();
  /// A job that called lend_thread() ended; its thread serves the next job.
  void return_thread();
  /// Runs every job already queued, then joins the threads.
  void shutdown() override;

private:
  void work();

  std::atomic<std::size_t>& m_waiting;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_jobs;
  bool m_shutdown = false;
  std::size_t m_base_threads = 0;
  std::size_t m_lent = 0;
  std::vector<std::thread> m_threads;
};

}  // namespace chirp::server
