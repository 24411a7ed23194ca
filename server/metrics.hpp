#pragma once
// Prometheus metrics of the server (prometheus-cpp), rendered by GET /metrics.

#include <chirp/checkpointer.hpp>
#include <chirp/types.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <string>
#include <unordered_map>

namespace chirp::server {

class Metrics {
public:
  Metrics();
  /// Counts a request; METHOD is mapped to a fixed set of labels (anything else is
  /// "other") and ROUTE must come from the route table. SECONDS is unknown (nullopt)
  /// for a request refused before the middleware timed it.
  void observe_request(std::string_view method, const std::string& route, int status,
                       std::optional<double> seconds);
  void count_rate_limited(const std::string& scope);
  /// A response that ended its connection because requests were pipelined behind it.
  void count_pipelined_close();
  void count_fanout(const FanoutStats& stats);
  /// Time from a tweet's commit to its fan-out's commit.
  void observe_delivery_lag(double seconds);
  /// A live stream opened (true) or ended (false).
  void count_stream(bool opened);
  /// A live stream refused because stream.max_open were open.
  void count_stream_refused();
  /// Events written to live streams of KIND ("home", "notifications").
  void count_stream_events(const std::string& kind, std::size_t n);
  /// The text exposition format, with the queue gauges set from QUEUE and the WAL's
  /// from the checkpointer's CHECKPOINTS.
  std::string render(const QueueStatus& queue, const Checkpointer::Stats& checkpoints);

private:
  std::shared_ptr<prometheus::Registry> m_registry;
  prometheus::Family<prometheus::Counter>& m_requests;
  prometheus::Family<prometheus::Histogram>& m_latency;
  prometheus::Family<prometheus::Counter>& m_rate_limited;
  prometheus::Counter& m_pipelined_closes;
  prometheus::Counter& m_fanout_items;
  prometheus::Counter& m_fanout_rows;
  prometheus::Counter& m_fanout_celebrity;
  prometheus::Histogram& m_delivery_lag;
  prometheus::Gauge& m_queue_depth;
  prometheus::Gauge& m_queue_lag;
  prometheus::Gauge& m_wal_peak;
  prometheus::Counter& m_wal_busy;
  prometheus::Counter& m_wal_restarts;
  std::mutex m_render_mutex;  ///< /metrics requests may run at once
  /// The request metrics of each method, route and status seen, found again without
  /// building their label sets (the set of labels is bounded: see observe_request).
  struct RequestSeries {
    prometheus::Counter* requests;
    prometheus::Histogram* latency;
  };
  std::mutex m_series_mutex;
  std::unordered_map<std::string, RequestSeries> m_series;
  Checkpointer::Stats m_checkpoints_seen;
  prometheus::Gauge& m_streams_open;
  prometheus::Counter& m_streams_refused;
  prometheus::Family<prometheus::Counter>& m_stream_events;
};

}  // namespace chirp::server
