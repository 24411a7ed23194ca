// Figure 10: live stream delivery. With N streams open on a running `chirp serve` (all
// following one author), the time from POST /tweets to the tweet's event on each
// stream, p50/p99 over every delivery; N grows until p99 reaches 1 s or a count the
// caller bounds. The baseline is the same measure with one stream.
#include "figures.hpp"
#include "measure.hpp"

#include <fmt/core.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace chirp::bench {

namespace {

/// One stream as a socket and what it received (scanned for a tweet's id).
struct RawStream {
  int fd = -1;
  std::string received;
  ~RawStream() {
    if (fd >= 0) ::close(fd);
  }
};

std::unique_ptr<RawStream> open_stream(int port, const std::string& token) {
  auto s = std::make_unique<RawStream>();
  s->fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s->fd < 0) throw std::runtime_error("out of sockets (ulimit -n)");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(s->fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect to the server");
  }
  std::string request = "GET /stream/home HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
  ::send(s->fd, request.data(), request.size(), MSG_NOSIGNAL);
  return s;
}

/// Reads from every stream until each holds NEEDLE (or DEADLINE); the seconds from
/// START at which each did (those that never did are left out and counted in MISSED).
void until_all_hold(std::vector<std::unique_ptr<RawStream>>& streams, const std::string& needle,
                    double start, double deadline, std::vector<double>& latencies, int& missed) {
  std::vector<bool> done(streams.size(), false);
  std::size_t left = streams.size();
  std::vector<pollfd> fds(streams.size());
  while (left > 0 && now_seconds() < deadline) {
    for (std::size_t i = 0; i < streams.size(); ++i) fds[i] = {done[i] ? -1 : streams[i]->fd, POLLIN, 0};
    if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
    double now = now_seconds();
    for (std::size_t i = 0; i < streams.size(); ++i) {
      if (done[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[16384];
      ssize_t n = ::recv(streams[i]->fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        done[i] = true;
        --left;
        ++missed;
        continue;
      }
      streams[i]->received.append(buffer, static_cast<std::size_t>(n));
      if (streams[i]->received.find(needle) != std::string::npos) {
        done[i] = true;
        --left;
        latencies.push_back(now - start);
        streams[i]->received.clear();
      }
    }
  }
  missed += static_cast<int>(left);
}

struct Delivery {
  double p50 = 0, p99 = 0;
  int missed = 0;
};

Delivery measure(int port, int n, int posts, const std::string& author_token, const std::string& reader_token) {
  std::vector<std::unique_ptr<RawStream>> streams;
  std::vector<double> ignored;
  Delivery out;
  // Opened k_batch at a time, each open when it said so (": connected"; a 503 never
  // does): clients arrive over time, and a burst of hundreds at once waits for threads
  // long enough for the server's slow-client watchdog to close some.
  constexpr int k_batch = 50;
  for (int opened = 0; opened < n; opened += k_batch) {
    std::vector<std::unique_ptr<RawStream>> batch;
    for (int i = opened; i < std::min(n, opened + k_batch); ++i) batch.push_back(open_stream(port, reader_token));
    until_all_hold(batch, ": connected", now_seconds(), now_seconds() + 30, ignored, out.missed);
    if (out.missed > 0) return out;
    for (auto& s : batch) streams.push_back(std::move(s));
  }
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  httplib::Headers headers{{"Authorization", "Bearer " + author_token}};
  std::vector<double> latencies;
  for (int i = 0; i < posts; ++i) {
    double start = now_seconds();
    auto res = client.Post("/tweets", headers, fmt::format(R"({{"text":"stream figure {} of {}"}})", i, n),
                           "application/json");
    if (!res || res->status != 201) throw std::runtime_error("POST /tweets failed (rate limits?)");
    auto at = res->body.find("\"id\":\"");
    std::string id = res->body.substr(at + 6, res->body.find('"', at + 6) - at - 6);
    until_all_hold(streams, "\"id\":\"" + id + "\"", start, start + 10, latencies, out.missed);
  }
  out.p50 = percentile(latencies, 50);
  out.p99 = percentile(latencies, 99);
  return out;
}

}  // namespace

void figure_streams(const BenchOptions& options, int port, const std::vector<int>& counts, int posts) {
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  std::string author_token, reader_token;
  {
    auto core = Core::open({.path = options.db});
    auto make = [&](const char* handle) {
      auto user = core.users().find(handle);
      if (!user) user = core.users().create({.handle = handle});
      if (!user) throw std::runtime_error(user.error().message);
      return user->id;
    };
    Id author = make("streamauthor");
    Id reader = make("streamreader");
    (void)core.graph().follow(reader, author);
    core.fanout().drain();
    author_token = core.auth().issue_token(author)->token;
    reader_token = core.auth().issue_token(reader)->token;
  }
  auto base = measure(port, 1, posts, author_token, reader_token);
  fmt::print("{:<44} 1 stream: p50 {:.1f} ms, p99 {:.1f} ms (the baseline)\n", "10. stream delivery",
             base.p50 * 1000, base.p99 * 1000);
  int best = 1;
  for (int n : counts) {
    auto d = measure(port, n, posts, author_token, reader_token);
    fmt::print("{:<44} {} streams: p50 {:.1f} ms, p99 {:.1f} ms ({:.1f}x the baseline), {} not delivered\n", "", n,
               d.p50 * 1000, d.p99 * 1000, base.p99 > 0 ? d.p99 / base.p99 : 0.0, d.missed);
    if (d.missed > 0 || d.p99 >= 1.0) break;
    best = n;
  }
  fmt::print("{:<44} {} streams held with delivery p99 < 1 s (largest count tried: {})\n",
             "10. streams: most with p99 < 1 s", best, counts.empty() ? 1 : counts.back());
}

}  // namespace chirp::bench
