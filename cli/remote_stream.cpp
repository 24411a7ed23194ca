// The SSE client of --follow in remote mode (remote_stream.hpp). Like remote_backend.cpp
// it includes httplib, so it is compiled alone.
#include "remote_stream.hpp"

#include <fmt/core.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace chirp::cli {

namespace {

using Clock = std::chrono::steady_clock;

/// Without a heartbeat (the server sends one every stream.heartbeat_seconds, at most
/// 300) for this long, the connection is taken for dead and opened again.
constexpr int k_read_timeout_s = 330;

template <class T>
class RemoteLive final : public Live<T> {
public:
  RemoteLive(std::string server, std::string path, std::string token, std::string event,
             std::function<T(const std::string&)> item_of)
      : m_server(std::move(server)), m_path(std::move(path)), m_token(std::move(token)),
        m_item_event(std::move(event)), m_item_of(std::move(item_of)) {
    m_thread = std::thread([this] { run(); });
  }

  ~RemoteLive() override {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
      if (m_client) m_client->stop();  // ends a read under way
    }
    m_changed.notify_all();
    m_thread.join();
  }

  void wait_open() override {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_open || !m_failure.empty(); });
    if (!m_failure.empty()) throw std::runtime_error(m_failure);
  }

  std::uint64_t received() override {
    std::lock_guard lock(m_mutex);
    if (!m_failure.empty()) throw std::runtime_error(m_failure);
    return m_received;
  }

  std::vector<LiveEvent<T>> take() override {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_events, {});
  }

private:
  /// Connects, reads until the connection ends, and again after the retry delay, until
  /// stopped or refused for good.
  void run() {
    bool ever_open = false;
    bool said_lost = false;
    for (;;) {
      httplib::Client client(m_server);
      client.set_connection_timeout(5, 0);
      client.set_read_timeout(k_read_timeout_s, 0);
      client.set_url_encode(false);
      httplib::Headers headers{{"Accept", "text/event-stream"}, {"Authorization", "Bearer " + m_token}};
      {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return;
        if (!m_last_id.empty()) headers.emplace("Last-Event-ID", m_last_id);
        m_client = &client;
      }
      int status = 0;
      std::string body;
      m_text.clear();
      auto res = client.Get(
          m_path, headers,
          [&](const httplib::Response& r) {
            status = r.status;
            return true;
          },
          [&](const char* data, std::size_t n) {
            if (status != 200) {
              body.append(data, n);
              return body.size() < 65536;
            }
            return receive(std::string_view(data, n));
          });
      std::chrono::milliseconds delay;
      {
        std::lock_guard lock(m_mutex);
        m_client = nullptr;
        if (m_stopping) return;
        ever_open = ever_open || m_open;
        delay = m_retry;
      }
      if (status == 503) {
        // At the server's bound of open streams: as long as it says, then again.
        int after = 3;
        if (res && res->has_header("Retry-After")) after = std::atoi(res->get_header_value("Retry-After").c_str());
        delay = std::chrono::seconds(std::max(1, after));
      } else if (status != 0 && status != 200) {
        return fail(refusal(status, body));
      } else if (!ever_open) {
        return fail(res ? fmt::format("{} ended the stream {} before it opened", m_server, m_path)
                        : fmt::format("cannot connect to {}: {}", m_server, httplib::to_string(res.error())));
      }
      if (status == 200) said_lost = false;  // it was open again: this is a new loss
      if (ever_open && !said_lost) {
        std::cerr << fmt::format("chirp: the stream from {} ended; reconnecting\n", m_server) << std::flush;
        said_lost = true;
      }
      std::unique_lock lock(m_mutex);
      m_changed.wait_for(lock, delay, [&] { return m_stopping; });
      if (m_stopping) return;
    }
  }

  std::string refusal(int status, const std::string& body) {
    try {
      auto j = nlohmann::json::parse(body);
      return fmt::format("{} refused the stream {}: {}", m_server, m_path,
                         j.at("error").at("message").get<std::string>());
    } catch (const nlohmann::json::exception&) {
      return fmt::format("{} answered HTTP {} to {}", m_server, status, m_path);
    }
  }

  void fail(std::string message) {
    std::lock_guard lock(m_mutex);
    m_failure = std::move(message);
    m_changed.notify_all();
  }

  /// Splits what came into lines and dispatches each event at its blank line.
  bool receive(std::string_view data) {
    m_text.append(data);
    std::size_t end;
    while ((end = m_text.find('\n')) != std::string::npos) {
      std::string line = m_text.substr(0, end);
      m_text.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!field(line)) return false;
    }
    std::lock_guard lock(m_mutex);
    return !m_stopping;
  }

  bool field(const std::string& line) {
    if (line.empty()) return dispatch();
    auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (value.starts_with(' ')) value.erase(0, 1);
    if (name.empty()) {  // a comment: the first says the stream is open
      std::lock_guard lock(m_mutex);
      if (!m_open) {
        m_open = true;
        m_changed.notify_all();
      }
    } else if (name == "id") {
      m_pending_id = value;
    } else if (name == "event") {
      m_event = value;
    } else if (name == "data") {
      m_data += (m_has_data ? "\n" : "") + value;
      m_has_data = true;
    } else if (name == "retry") {
      std::lock_guard lock(m_mutex);
      m_retry = std::chrono::milliseconds(std::max(100, std::atoi(value.c_str())));
    }
    return true;
  }

  bool dispatch() {
    std::optional<LiveEvent<T>> event;
    if (m_has_data) {
      if (m_event == "reset") {
        event = LiveEvent<T>{};
      } else if (m_event == m_item_event) {
        try {
          event = LiveEvent<T>{m_item_of(m_data)};
        } catch (const std::exception&) {
          fail(fmt::format("{} sent a stream event this chirp cannot read: is it a chirp server of "
                           "another version?",
                           m_server));
          return false;
        }
      }
    }
    std::lock_guard lock(m_mutex);
    if (!m_pending_id.empty()) m_last_id = m_pending_id;
    if (event) {
      m_events.push_back(std::move(*event));
      ++m_received;
    }
    m_pending_id.clear();
    m_event.clear();
    m_data.clear();
    m_has_data = false;
    return !m_stopping;
  }

  const std::string m_server;
  const std::string m_path;
  const std::string m_token;
  const std::string m_item_event;
  const std::function<T(const std::string&)> m_item_of;

  // The reading thread's own.
  std::string m_text;
  std::string m_pending_id;
  std::string m_event;
  std::string m_data;
  bool m_has_data = false;

  std::mutex m_mutex;  // guards what follows
  std::condition_variable m_changed;
  httplib::Client* m_client = nullptr;
  bool m_stopping = false;
  bool m_open = false;
  std::string m_failure;
  std::string m_last_id;
  std::chrono::milliseconds m_retry{3000};
  std::vector<LiveEvent<T>> m_events;
  std::uint64_t m_received = 0;

  std::thread m_thread;  // last: starts once the rest is made
};

}  // namespace

template <class T>
std::unique_ptr<Live<T>> open_live(const std::string& server, const std::string& path,
                                   const std::string& token, const std::string& event,
                                   std::function<T(const std::string&)> item_of) {
  return std::make_unique<RemoteLive<T>>(server, path, token, event, std::move(item_of));
}

template std::unique_ptr<Live<Tweet>> open_live(const std::string&, const std::string&,
                                                const std::string&, const std::string&,
                                                std::function<Tweet(const std::string&)>);
template std::unique_ptr<Live<Notification>> open_live(
    const std::string&, const std::string&, const std::string&, const std::string&,
    std::function<Notification(const std::string&)>);

}  // namespace chirp::cli
