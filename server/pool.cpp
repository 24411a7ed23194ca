#include "pool.hpp"

namespace chirp::server {

CountingPool::CountingPool(int threads, std::atomic<std::size_t>& waiting)
    : m_waiting(waiting), m_base_threads(static_cast<std::size_t>(threads)) {
  for (int i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
}

void CountingPool::lend_thread() {
  std::lock_guard lock(m_mutex);
  if (m_shutdown) return;
  ++m_lent;
  if (m_threads.size() < m_base_threads + m_lent) m_threads.emplace_back([this] { work(); });
}

void CountingPool::return_thread() {
  std::lock_guard lock(m_mutex);
  if (m_lent > 0) --m_lent;
}

CountingPool::~CountingPool() { shutdown(); }

void CountingPool::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(job));
    ++m_waiting;
  }
  m_ready.notify_one();
}

void CountingPool::shutdown() {
  {
    std::lock_guard lock(m_mutex);
    if (m_shutdown) return;
    m_shutdown = true;
  }
  m_ready.notify_all();
  // No thread starts after m_shutdown: join them outside the lock, which a stream
  // ending meanwhile takes in return_thread().
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_mutex);
    threads.swap(m_threads);
  }
  for (auto& thread : threads) thread.join();
}

void CountingPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(m_mutex);
      m_ready.wait(lock, [&] { return m_shutdown || !m_jobs.empty(); });
      if (m_jobs.empty()) return;  // shutting down, nothing left
      // Newest first: when connections pile up (idle or slow clients holding every
      // thread), a client that just arrived is served as soon as a thread frees, and
      // the old ones are those the watchdog closes. With no queue this changes nothing.
      job = std::move(m_jobs.back());
      m_jobs.pop_back();
      --m_waiting;
    }
    job();
  }
}

}  // namespace chirp::server
