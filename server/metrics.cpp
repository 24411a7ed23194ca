#include "metrics.hpp"

#include "log_text.hpp"

#include <fmt/format.h>
#include <prometheus/text_serializer.h>

namespace chirp::server {

using namespace prometheus;

Metrics::Metrics()
    : m_registry(std::make_shared<Registry>()),
      m_requests(BuildCounter()
                     .Name("chirp_http_requests_total")
                     .Help("HTTP requests by method, route and status")
                     .Register(*m_registry)),
      m_latency(BuildHistogram()
                    .Name("chirp_http_request_duration_seconds")
                    .Help("HTTP request latency by method and route")
                    .Register(*m_registry)),
      m_rate_limited(BuildCounter()
                         .Name("chirp_rate_limited_total")
                         .Help("Requests refused with 429, by bucket")
                         .Register(*m_registry)),
      m_pipelined_closes(BuildCounter()
                             .Name("chirp_http_pipelined_closes_total")
                             .Help("Connections ended after a response because requests were "
                                   "pipelined behind it")
                             .Register(*m_registry)
                             .Add({})),
      m_fanout_items(BuildCounter()
                         .Name("chirp_fanout_items_total")
                         .Help("Fan-out queue items completed")
                         .Register(*m_registry)
                         .Add({})),
      m_fanout_rows(BuildCounter()
                        .Name("chirp_fanout_rows_total")
                        .Help("Inbox rows pushed by fan-out")
                        .Register(*m_registry)
                        .Add({})),
      m_fanout_celebrity(BuildCounter()
                             .Name("chirp_fanout_celebrity_skipped_total")
                             .Help("Queue items not pushed because the author is a celebrity")
                             .Register(*m_registry)
                             .Add({})),
      m_delivery_lag(BuildHistogram()
                         .Name("chirp_fanout_delivery_lag_seconds")
                         .Help("Time from posting to the fan-out commit, per tweet")
                         .Register(*m_registry)
                         .Add({}, Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1,
                                                              0.25, 0.5, 1, 2.5, 5, 10, 30})),
      m_queue_depth(BuildGauge()
                        .Name("chirp_fanout_queue_depth")
                        .Help("Tweets waiting for fan-out")
                        .Register(*m_registry)
                        .Add({})),
      m_queue_lag(BuildGauge()
                      .Name("chirp_fanout_queue_lag_seconds")
                      .Help("Age of the oldest tweet waiting for fan-out")
                      .Register(*m_registry)
                      .Add({})),
      m_wal_peak(BuildGauge()
                     .Name("chirp_wal_peak_pages")
                     .Help("The most pages the write-ahead log held at a checkpoint")
                     .Register(*m_registry)
                     .Add({})),
      m_wal_busy(BuildCounter()
                     .Name("chirp_wal_checkpoints_busy_total")
                     .Help("Background checkpoints that could not copy the whole WAL, or timed out")
                     .Register(*m_registry)
                     .Add({})),
      m_wal_restarts(BuildCounter()
                         .Name("chirp_wal_restarts_total")
                         .Help("Background checkpoints that let the WAL start over once it passed its bound")
                         .Register(*m_registry)
                         .Add({})),
      m_streams_open(BuildGauge()
                         .Name("chirp_streams_open")
                         .Help("Live event streams open (each holds a thread)")
                         .Register(*m_registry)
                         .Add({})),
      m_streams_refused(BuildCounter()
                            .Name("chirp_streams_refused_total")
                            .Help("Live streams refused with 503: stream.max_open were open")
                            .Register(*m_registry)
                            .Add({})),
      m_stream_events(BuildCounter()
                          .Name("chirp_stream_events_total")
                          .Help("Events written to live streams, by stream")
                          .Register(*m_registry)) {}

void Metrics::observe_request(std::string_view method, const std::string& route, int status,
                              std::optional<double> seconds) {
  std::string_view label = method_label(method);
  // A status outside 100-599 cannot come from this server; it is not a label either.
  bool known_status = status >= 100 && status <= 599;
  std::string key = fmt::format("{} {} {}", label, known_status ? status : 0, route);
  RequestSeries series{};
  {
    std::lock_guard lock(m_series_mutex);
    auto found = m_series.find(key);
    if (found == m_series.end()) {
      static const Histogram::BucketBoundaries buckets = {
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
      std::string status_label = known_status ? std::to_string(status) : "other";
      series.requests = &m_requests.Add(
          {{"method", std::string(label)}, {"route", route}, {"status", status_label}});
      series.latency = &m_latency.Add({{"method", std::string(label)}, {"route", route}}, buckets);
      found = m_series.emplace(std::move(key), series).first;
    }
    series = found->second;
  }
  series.requests->Increment();
  if (seconds) series.latency->Observe(*seconds);
}

void Metrics::count_rate_limited(const std::string& scope) {
  m_rate_limited.Add({{"bucket", scope}}).Increment();
}

void Metrics::count_stream(bool opened) {
  if (opened) {
    m_streams_open.Increment();
  } else {
    m_streams_open.Decrement();
  }
}

void Metrics::count_stream_refused() { m_streams_refused.Increment(); }

void Metrics::count_stream_events(const std::string& kind, std::size_t n) {
  m_stream_events.Add({{"stream", kind}}).Increment(static_cast<double>(n));
}

void Metrics::count_pipelined_close() { m_pipelined_closes.Increment(); }

void Metrics::count_fanout(const FanoutStats& stats) {
  m_fanout_items.Increment(static_cast<double>(stats.items));
  m_fanout_rows.Increment(static_cast<double>(stats.rows));
  m_fanout_celebrity.Increment(static_cast<double>(stats.skipped_celebrity));
}

void Metrics::observe_delivery_lag(double seconds) { m_delivery_lag.Observe(seconds); }

std::string Metrics::render(const QueueStatus& queue, const Checkpointer::Stats& checkpoints) {
  m_queue_depth.Set(static_cast<double>(queue.depth));
  m_queue_lag.Set(static_cast<double>(queue.oldest_age_ms) / 1000.0);
  {
    std::lock_guard lock(m_render_mutex);
    m_wal_peak.Set(static_cast<double>(checkpoints.largest_wal_pages));
    m_wal_busy.Increment(static_cast<double>(checkpoints.busy - m_checkpoints_seen.busy));
    m_wal_restarts.Increment(
        static_cast<double>(checkpoints.restarts - m_checkpoints_seen.restarts));
    m_checkpoints_seen = checkpoints;
  }
  return TextSerializer().Serialize(m_registry->Collect());
}

}  // namespace chirp::server
