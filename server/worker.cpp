#include "worker.hpp"

#include <chirp/core.hpp>

#include <spdlog/spdlog.h>

#include <chrono>

namespace chirp::server {

namespace {
constexpr auto k_poll_interval = std::chrono::milliseconds(100);
// Items per round: stop() waits for at most one round.
constexpr std::int64_t k_items_per_round = 1024;
}

FanoutWorker::FanoutWorker(std::filesystem::path db_path, Metrics& metrics,
                           std::function<void()> new_events)
    : m_db_path(std::move(db_path)), m_metrics(metrics), m_new_events(std::move(new_events)) {}

FanoutWorker::~FanoutWorker() { stop(); }

void FanoutWorker::start() { m_thread = std::thread([this] { run(); }); }

void FanoutWorker::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void FanoutWorker::notify() {
  {
    std::lock_guard lock(m_mutex);
    m_pending = true;
  }
  m_wake.notify_one();
}

void FanoutWorker::run() {
  // A background writer: the posts of the request threads get the write lock first.
  auto core = Core::open({.path = m_db_path,
                          .autocheckpoint_pages = k_worker_autocheckpoint_pages,
                          .background_writer = true});
  std::string last_error;
  // The newest home event and notification: when either moves (this worker's batch, or a CLI that
  // fanned out its own posts), the streams are told.
  std::pair<EventId, Id> last_heads{-1, -1};
  std::chrono::steady_clock::time_point last_logged;
  for (;;) {
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait_for(lock, k_poll_interval, [&] { return m_stopping || m_pending; });
      if (m_stopping) return;
      m_pending = false;
    }
    try {
      FanoutStats stats = core.fanout().drain(k_items_per_round, [&](Id, std::int64_t queued_at_ms) {
        m_metrics.observe_delivery_lag(
            static_cast<double>(core.clock().now_ms() - queued_at_ms) / 1000.0);
      });
      if (stats.items == k_items_per_round) {
        std::lock_guard lock(m_mutex);
        m_pending = true;  // more is waiting: go again at once
      }
      if (stats.items > 0) {
        m_metrics.count_fanout(stats);
        spdlog::debug("fan-out: {} items, {} inbox rows, {} celebrity", stats.items, stats.rows,
                      stats.skipped_celebrity);
      }
      std::pair heads{core.timelines().home_head(), core.notifications().newest_id()};
      if (heads != last_heads) {
        last_heads = heads;
        if (m_new_events) m_new_events();
      }
    } catch (const std::exception& e) {
      // The queue is durable: whatever failed is retried at the next wake-up. The same
      // failure (a full disk) is logged once a minute, not ten times a second.
      auto now = std::chrono::steady_clock::now();
      if (e.what() != last_error || now - last_logged > std::chrono::minutes(1)) {
        spdlog::error("fan-out failed (retrying): {}", e.what());
        last_error = e.what();
        last_logged = now;
      }
    }
  }
}

}  // namespace chirp::server
