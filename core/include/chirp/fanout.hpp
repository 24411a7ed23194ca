#pragma once
/// The fan-out worker's side of the durable queue.

#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <cstdint>
#include <functional>

namespace chirp {

class Fanout : public Service {
public:
  using Service::Service;

  /// Called for each queue item once its transaction committed: the tweet, and when it
  /// was queued (for delivery-lag measurements).
  using Done = std::function<void(Id tweet, std::int64_t queued_at_ms)>;
  /// Drains up to MAX_ITEMS queue items, fanout.batch_size items per transaction.
  FanoutStats drain(std::int64_t max_items = INT64_MAX, const Done& on_done = {});
  QueueStatus queue_status();
};

}  // namespace chirp
