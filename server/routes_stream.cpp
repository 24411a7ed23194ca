// /stream/...: live Server-Sent Events streams. Each holds a pool thread for its life
// (cpp-httplib 0.11.4 has no other way to write a response over time; the pool lends a
// new thread for each, see pool.hpp), waits on the StreamHub for the fan-out worker's
// wake-ups, reads what is new for its reader with the thread's own Core, and writes
// each event with the number it resumes from (Last-Event-ID).
#include "routes.hpp"

#include <chirp/json.hpp>
#include <chirp/settings.hpp>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <poll.h>

#include <chrono>

namespace chirp::server {

namespace {

using Clock = std::chrono::steady_clock;

/// Events read per wake-up; more are read at once after writing these.
constexpr int k_events_per_read = 100;
/// How often a waiting stream looks whether its client left (a closed connection
/// gives its thread back within this, heartbeats or not).
constexpr auto k_peer_check = std::chrono::seconds(1);

/// What one kind of stream reads: events after a number, each as its SSE data (JSON).
struct LiveFeed {
  const char* kind;   ///< metric label: "home"
  const char* event;  ///< the SSE event type: "tweet"
  std::function<Result<LiveBatch<std::string>>(Core&, Id reader, EventId after)> after;
  std::function<EventId(Core&)> head;
};

LiveFeed home_feed() {
  return {"home", "tweet",
          [](Core& core, Id reader, EventId after) -> Result<LiveBatch<std::string>> {
            auto batch = core.timelines().home_after(reader, after, k_events_per_read, reader);
            if (!batch) return std::unexpected(batch.error());
            LiveBatch<std::string> out{{}, batch->next_after, batch->more, batch->gap};
            for (auto& event : batch->events) {
              out.events.push_back(
                  {event.id, to_json(event.item).dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace)});
            }
            return out;
          },
          [](Core& core) { return core.timelines().home_head(); }};
}

LiveFeed notifications_feed() {
  return {"notifications", "notification",
          [](Core& core, Id reader, EventId after) -> Result<LiveBatch<std::string>> {
            auto& notifications = core.notifications();
            LiveBatch<std::string> out;
            out.next_after = after;
            // Notifications are kept until their tweet goes: only an id never issued
            // (another database's, one restored from an older backup) is a gap.
            if (EventId newest = notifications.newest_id(); after > newest) {
              out.gap = true;
              out.next_after = newest;
              return out;
            }
            auto found = notifications.after(reader, after, k_events_per_read);
            if (!found) return std::unexpected(found.error());
            out.more = found->size() == static_cast<std::size_t>(k_events_per_read);
            for (const auto& n : *found) {
              out.events.push_back(
                  {n.id, to_json(n).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
              out.next_after = n.id;
            }
            return out;
          },
          [](Core& core) { return core.notifications().newest_id(); }};
}

/// Whether the client closed its end (or the connection broke); reads nothing.
bool peer_gone(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/// The socket of the connection from PEER to LOCAL_PORT, or -1.
int socket_of(const std::string& peer, int local_port) {
  for (const auto& socket : Connections::client_sockets(local_port)) {
    if (socket.peer == peer) return socket.fd;
  }
  return -1;
}

/// One open stream, as its content provider sees it between calls.
struct OpenStream {
  ServerState& state;
  LiveFeed feed;
  Id reader = 0;
  EventId cursor = 0;
  bool resumed = false;
  int fd = -1;
  std::shared_ptr<StreamHub::Lease> lease;
  bool started = false;
  Clock::time_point next_heartbeat;

  Clock::duration heartbeat(Core& core) {
    return std::chrono::seconds(core.settings().value(setting::stream_heartbeat_s));
  }

  /// One round: the events that are there, else a wait for a wake-up or a heartbeat.
  /// False ends the stream (and its connection).
  bool step(httplib::DataSink& sink) {
    Core& core = state.core();
    std::string text;
    if (!started) {
      started = true;
      // The reconnect delay, and a first line so that the client sees the stream open.
      text += fmt::format("retry: {}\n: {}\n\n", core.settings().value(setting::stream_retry_ms),
                          resumed ? "resumed" : "connected");
      next_heartbeat = Clock::now() + heartbeat(core);
    }
    if (state.streams.stopping()) {
      if (!text.empty()) sink.write(text.data(), text.size());
      sink.done();
      return false;  // ends the connection too: the server is stopping
    }
    std::uint64_t seen = state.streams.generation();
    auto batch = feed.after(core, reader, cursor);
    if (!batch) {
      // The reader is gone (deleted) or no longer allowed: the stream ends.
      sink.done();
      return false;
    }
    if (batch->gap) {
      // What the client asked to resume after is no longer retained: it reloads.
      text += fmt::format(
          "id: {}\nevent: reset\ndata: {{\"reason\":\"events after the one asked for are no "
          "longer kept: reload, then follow from here\"}}\n\n",
          batch->next_after);
    }
    for (const auto& event : batch->events) {
      text += fmt::format("id: {}\nevent: {}\ndata: {}\n\n", event.id, feed.event, event.item);
    }
    cursor = batch->next_after;
    if (!batch->events.empty()) state.metrics.count_stream_events(feed.kind, batch->events.size());
    if (!text.empty()) {
      if (!sink.write(text.data(), text.size())) return false;
      next_heartbeat = Clock::now() + heartbeat(core);
    }
    if (batch->more) return true;
    auto now = Clock::now();
    state.streams.wait(seen, std::min<Clock::duration>(next_heartbeat - now, k_peer_check));
    if (peer_gone(fd)) return false;
    if (state.streams.stopping()) {
      // Ended within this call: once the server stops listening, httplib calls no more
      // and would leave the response without its last chunk.
      sink.done();
      return false;
    }
    if (Clock::now() >= next_heartbeat) {
      static constexpr std::string_view k_heartbeat = ": heartbeat\n\n";
      if (!sink.write(k_heartbeat.data(), k_heartbeat.size())) return false;
      next_heartbeat = Clock::now() + heartbeat(core);
    }
    return true;
  }
};

void open_stream(Exchange& x, LiveFeed feed) {
  // A browser's EventSource sends Last-Event-ID when it reconnects; the query is for
  // clients that cannot set headers. The header is the newer of the two (a reconnect
  // keeps the URL it first opened).
  std::string last = x.req.get_header_value("Last-Event-ID");
  if (last.empty() && x.req.has_param("last_event_id")) {
    last = x.req.get_param_value("last_event_id");
  }
  Id reader = x.caller().id;
  EventId cursor = 0;
  bool resumed = !last.empty();
  if (resumed) {
    auto id = parse_event_id(last);
    if (!id) {
      return send_error(x.res, 400, "bad_request",
                        "Last-Event-ID (or last_event_id) must be an event id this stream sent");
    }
    cursor = *id;
  } else {
    cursor = feed.head(x.core);
  }
  // The reader's rule (only the owner reads a home timeline) is checked before the
  // stream starts, so a refusal is a plain error response.
  if (auto first = feed.after(x.core, reader, cursor); !first) return send_error(x.res, first.error());
  auto stream = std::make_shared<OpenStream>(OpenStream{
      x.state, std::move(feed), reader, cursor, resumed,
      socket_of(peer_key(x.req.remote_addr, x.req.remote_port), x.req.local_port),
      std::move(x.context.stream), false, {}});
  // From here the response is a stream: its time open is no request latency (a refusal
  // above is an ordinary response, and is timed like one).
  x.context.streaming = true;
  x.res.set_header("Cache-Control", "no-cache");
  x.res.set_header("X-Accel-Buffering", "no");  // a proxy passes each event on at once
  x.res.set_chunked_content_provider(
      "text/event-stream", [stream](std::size_t, httplib::DataSink& sink) {
        try {
          return stream->step(sink);
        } catch (const std::exception& e) {
          spdlog::error("live stream of user {}: {}", stream->reader, e.what());
          return false;
        }
      });
}

}  // namespace

void register_stream_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state,
            {"GET", R"(/stream/home)", "/stream/home", Access::login, RouteLimit::stream},
            [](Exchange& x) { open_stream(x, home_feed()); });
  add_route(server, state,
            {"GET", R"(/stream/notifications)", "/stream/notifications", Access::login,
             RouteLimit::stream},
            [](Exchange& x) { open_stream(x, notifications_feed()); });
}

}  // namespace chirp::server
