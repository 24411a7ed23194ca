#pragma once
// The HTTP threads: cpp-httplib's thread pool, but one that says how many accepted
// connections are waiting for a thread, so the watchdog knows when slow or idle
// clients are keeping others out, and that serves the newest waiting one first.

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
  /// Runs every job already queued, then joins the threads.
  void shutdown() override;

private:
  void work();

  std::atomic<std::size_t>& m_waiting;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_jobs;
  bool m_shutdown = false;
  std::vector<std::thread> m_threads;
};

}  // namespace chirp::server
