#include "streams.hpp"

namespace chirp::server {

StreamHub::Lease::~Lease() { m_hub.release(); }

std::shared_ptr<StreamHub::Lease> StreamHub::open(std::int64_t max_open) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping || m_open >= max_open) return nullptr;
    ++m_open;
  }
  if (m_hook) m_hook(true);
  return std::make_shared<Lease>(*this);
}

void StreamHub::release() {
  {
    std::lock_guard lock(m_mutex);
    --m_open;
  }
  if (m_hook) m_hook(false);
}

std::int64_t StreamHub::open_count() {
  std::lock_guard lock(m_mutex);
  return m_open;
}

void StreamHub::publish() {
  {
    std::lock_guard lock(m_mutex);
    ++m_generation;
  }
  m_changed.notify_all();
}

std::uint64_t StreamHub::generation() {
  std::lock_guard lock(m_mutex);
  return m_generation;
}

void StreamHub::wait(std::uint64_t seen, std::chrono::steady_clock::duration timeout) {
  std::unique_lock lock(m_mutex);
  m_changed.wait_for(lock, timeout, [&] { return m_stopping || m_generation != seen; });
}

void StreamHub::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
}

bool StreamHub::stopping() {
  std::lock_guard lock(m_mutex);
  return m_stopping;
}

}  // namespace chirp::server
