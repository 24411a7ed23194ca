// The production pair end to end: deploy/run (Debian's nginx with deploy/nginx.conf.in
// in front of `chirp serve`). Under the clients that stall cpp-httplib on its own
// (slowloris, a thousand idle connections, megabyte header blocks) a normal client is
// still served within a second; rate limits stay per client address behind the proxy.
//
// To see what nginx is for, aim the same load at chirp's own port (nginx bypassed):
//   CHIRP_DEPLOY_BYPASS_NGINX=1 build/tests/chirp_tests -tc='deploy: hostile*'
// fails, with the latencies it measured (on a 2-core machine: every request of the
// normal client timed out after 10 s, and the run took 5 minutes).
#include "deploy_support.hpp"
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

using namespace chirp::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int k_idle_connections = 1000;
constexpr int k_slowloris_connections = 20;
constexpr int k_oversized_requests = 6;
constexpr double k_served_within_ms = 1000;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// Sleeps up to DURATION, less when STOP turns true.
void nap(const std::atomic<bool>& stop, std::chrono::milliseconds duration) {
  for (auto slept = 0ms; slept < duration && !stop; slept += 50ms) std::this_thread::sleep_for(50ms);
}

/// Clients that take a server's connections and never finish a request, from
/// addresses other than the normal client's 127.0.0.1: idle connections that send
/// nothing, slowloris connections that drip header lines, and requests whose header
/// block is a megabyte (one huge field, then a hundred thousand short ones).
class HostileLoad {
public:
  explicit HostileLoad(int port) {
    for (int i = 0; i < k_idle_connections; ++i) {
      std::string source = "127.0.1." + std::to_string(1 + i % 10);
      m_idle.push_back(std::make_unique<RawConnection>(port, 3s, source.c_str()));
    }
    for (int i = 0; i < k_slowloris_connections; ++i) {
      m_slow.push_back(std::make_unique<RawConnection>(port, 3s, "127.0.2.1"));
      m_slow.back()->send("GET /healthz HTTP/1.1\r\nHost: chirp\r\n");
    }
    // Connected here, where a failure can fail the test; used one by one below.
    for (int i = 0; i < k_oversized_requests; ++i) {
      m_oversized.push_back(std::make_unique<RawConnection>(port, 3s, "127.0.3.1"));
    }
    m_drip = std::thread([this] {
      while (!m_stop) {
        for (auto& c : m_slow) c->send("X-Drip: a\r\n");
        nap(m_stop, 250ms);
      }
    });
    m_oversize = std::thread([this] {
      const std::string head = "GET /healthz HTTP/1.1\r\nHost: chirp\r\n";
      const std::string one_huge = head + "X-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n";
      std::string many_short = head;
      for (int i = 0; i < (1 << 20) / 8; ++i) many_short += "X-h: v\r\n";
      many_short += "\r\n";
      for (int i = 0; i < k_oversized_requests && !m_stop; ++i) {
        auto& c = *m_oversized[static_cast<std::size_t>(i)];
        c.send(i % 2 == 0 ? one_huge : many_short);
        int status = c.read_response().status;
        {
          std::lock_guard lock(m_mutex);
          m_statuses.push_back(status);
        }
        nap(m_stop, 300ms);
      }
    });
  }

  ~HostileLoad() { stop(); }
  HostileLoad(const HostileLoad&) = delete;
  HostileLoad& operator=(const HostileLoad&) = delete;

  void stop() {
    m_stop = true;
    if (m_drip.joinable()) m_drip.join();
    if (m_oversize.joinable()) m_oversize.join();
  }

  /// How many of the idle connections the server still holds open.
  int idle_open() const {
    return static_cast<int>(std::count_if(m_idle.begin(), m_idle.end(),
                                          [](const auto& c) { return c->is_open(); }));
  }

  /// The status each oversized request got (-1: none), so far.
  std::vector<int> oversized_statuses() {
    std::lock_guard lock(m_mutex);
    return m_statuses;
  }

private:
  std::vector<std::unique_ptr<RawConnection>> m_idle;
  std::vector<std::unique_ptr<RawConnection>> m_slow;
  std::vector<std::unique_ptr<RawConnection>> m_oversized;
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::vector<int> m_statuses;
  std::thread m_drip;
  std::thread m_oversize;
};

httplib::Client normal_client(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  client.set_keep_alive(false);
  return client;
}

/// One request on a fresh connection from SOURCE; its status (-1 for none).
/// The status of GET /users/nobody (404 until the limit: /healthz is never limited).
int status_from(int port, const char* source, const std::string& extra_headers = "") {
  RawConnection connection(port, 5s, source);
  connection.send("GET /users/nobody HTTP/1.1\r\nHost: chirp\r\n" + extra_headers +
                  "Connection: close\r\n\r\n");
  return connection.read_response().status;
}

/// Whether anything accepts connections on 127.0.0.1:PORT.
bool listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return connected;
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

TEST_CASE("deploy: hostile clients against nginx do not delay a normal client") {
  // The load's sockets, the normal client's, and a margin for the test runner.
  DescriptorLimit descriptors(k_idle_connections + k_slowloris_connections + k_oversized_requests + 200);
  TempDir dir;
  Deployment pair(dir.path());
  CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair);
  const bool bypass = std::getenv("CHIRP_DEPLOY_BYPASS_NGINX") != nullptr;
  const int port = bypass ? pair.upstream_port() : pair.public_port();
  if (bypass) MESSAGE("CHIRP_DEPLOY_BYPASS_NGINX: the load goes to chirp directly, on " << port);

  auto client = normal_client(port);
  auto dana = register_and_login(client, "dana");

  HostileLoad load(port);
  std::this_thread::sleep_for(500ms);  // every hostile connection is in place

  std::vector<double> health_ms;
  std::vector<double> login_post_ms;
  int health_ok = 0;
  int login_post_ok = 0;
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    auto r = get(client, "/healthz");
    health_ms.push_back(ms_since(start));
    health_ok += r.status == 200 ? 1 : 0;
    // Bypassed, a probe can take its whole 10 s timeout: show them as they come.
    if (bypass) std::fprintf(stderr, "GET /healthz: %d in %.0f ms\n", r.status, health_ms.back());
    if (i % 7 == 3) {
      start = Clock::now();
      auto login = post_json(client, "/login", {{"username", "dana"}, {"password", dana.password}});
      std::string token = login.status == 200 ? login.json().value("token", "") : "";
      auto post = post_json(client, "/tweets", {{"text", "still here " + std::to_string(i)}}, token);
      login_post_ms.push_back(ms_since(start));
      login_post_ok += login.status == 200 && post.status == 201 ? 1 : 0;
      if (bypass) {
        std::fprintf(stderr, "login+post: %d %d in %.0f ms\n", login.status, post.status,
                     login_post_ms.back());
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  const int idle_open = load.idle_open();
  load.stop();

  auto sorted = health_ms;
  std::sort(sorted.begin(), sorted.end());
  const double health_p50 = sorted[sorted.size() / 2];
  const double health_max = sorted.back();
  const double login_post_max = *std::max_element(login_post_ms.begin(), login_post_ms.end());
  MESSAGE("under " << k_idle_connections << " idle, " << k_slowloris_connections
                   << " slowloris connections and megabyte headers: GET /healthz p50 "
                   << health_p50 << " ms, max " << health_max << " ms; login+post max "
                   << login_post_max << " ms");
  CHECK(health_ok == 20);
  CHECK(health_max < k_served_within_ms);
  CHECK(login_post_ok == static_cast<int>(login_post_ms.size()));
  CHECK(login_post_max < k_served_within_ms);
  // The idle connections were held open, not refused: the normal client was served
  // beside them.
  CHECK(idle_open == k_idle_connections);
  // Every megabyte header block was refused as soon as it passed 32k.
  auto statuses = load.oversized_statuses();
  CHECK(statuses.size() == static_cast<std::size_t>(k_oversized_requests));
  CHECK(std::all_of(statuses.begin(), statuses.end(), [](int s) { return s == 431; }));
  // With the hostile connections still open, deploy/run stops within nginx's
  // worker_shutdown_timeout (5 s) and chirp's own shutdown.
  auto stopping = Clock::now();
  CHECK(pair.stop() == 0);
  CHECK(ms_since(stopping) < 9000);
}

TEST_CASE("deploy: rate limits behind nginx are per client address, whatever it forwards") {
  TempDir dir;
  Deployment pair(dir.path(), {.settings = {{"ratelimit.requests_per_5min", "3"}},
                               .serve_args = {"--log-level", "info"}});
  CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair);
  const int front = pair.public_port();

  // Two clients of nginx, two buckets.
  for (int i = 0; i < 3; ++i) CHECK(status_from(front, "127.0.0.1") == 404);
  CHECK(status_from(front, "127.0.0.1") == 429);
  // A client that names someone else in its own X-Forwarded-For (one field, an appended
  // list, two fields) stays in its own bucket: nginx replaces the field.
  CHECK(status_from(front, "127.0.0.3", "X-Forwarded-For: 127.0.0.6\r\n") == 404);
  CHECK(status_from(front, "127.0.0.3", "X-Forwarded-For: 10.0.0.7, 127.0.0.6\r\n") == 404);
  CHECK(status_from(front, "127.0.0.3",
                    "X-Forwarded-For: 10.0.0.8\r\nX-Forwarded-For: 127.0.0.6\r\n") == 404);
  CHECK(status_from(front, "127.0.0.3", "X-Forwarded-For: 10.0.0.9\r\n") == 429);
  // ...and has not used up the bucket of the address it named.
  CHECK(status_from(front, "127.0.0.6") == 404);

  // Straight to chirp, around nginx: X-Forwarded-For from anyone but the proxy
  // (127.0.0.2) is not believed, so a new one each time is still one client.
  const int back = pair.upstream_port();
  for (int i = 0; i < 3; ++i) {
    CHECK(status_from(back, "127.0.0.5", "X-Forwarded-For: 10.0.1." + std::to_string(i) + "\r\n") == 404);
  }
  CHECK(status_from(back, "127.0.0.5", "X-Forwarded-For: 10.0.1.99\r\n") == 429);

  // chirp logged the addresses nginx saw, never one a client made up.
  CHECK(eventually([&] { return pair.log().find("127.0.0.5 GET /users/nobody 429") != std::string::npos; }));
  auto log = pair.log();
  CHECK(log.find("127.0.0.3 GET /users/nobody 429") != std::string::npos);
  CHECK(log.find("127.0.0.6 GET /users/nobody 404") != std::string::npos);
  CHECK(log.find("10.0.") == std::string::npos);
  CHECK(log.find("127.0.0.2 GET") == std::string::npos);
}

TEST_CASE("deploy: nginx refuses oversized requests itself, in chirp's error shape") {
  TempDir dir;
  Deployment pair(dir.path());
  CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair);
  auto client = normal_client(pair.public_port());

  auto health = get(client, "/healthz");
  CHECK(health.status == 200);
  CHECK(health.has_header("X-Request-Id"));  // chirp's, passed through
  CHECK(health.header("Server") == "nginx");  // no version

  auto too_long = request(client, "POST", "/tweets", std::string(100 * 1024, 'a'));
  CHECK(too_long.status == 413);
  CHECK(too_long.error_code() == "too_large");

  auto header = raw_exchange(pair.public_port(), "GET /healthz HTTP/1.1\r\nHost: chirp\r\nX-Big: " +
                                                     std::string(20000, 'a') + "\r\n\r\n");
  CHECK(header.status == 431);
  CHECK(header.error_code() == "too_large");
  auto uri = raw_exchange(pair.public_port(),
                          "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: chirp\r\n\r\n");
  CHECK(uri.status == 414);
  CHECK(uri.error_code() == "too_large");

  // chirp itself refuses chunked bodies (411); nginx reads them whole and passes them on
  // with a Content-Length.
  const std::string body = R"({"handle":"erin","password":"correct horse"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  auto chunked = raw_exchange(pair.public_port(),
                              "POST /users HTTP/1.1\r\nHost: chirp\r\nContent-Type: application/json\r\n"
                              "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                                  std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
  CHECK(chunked.status == 201);
}

TEST_CASE("deploy: deploy/run stops both on SIGTERM, and the other when one dies") {
  SUBCASE("SIGTERM") {
    TempDir dir;
    Deployment pair(dir.path());
    CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair);
    auto start = Clock::now();
    CHECK(pair.stop() == 0);
    CHECK(ms_since(start) < 5000);
    CHECK(process_gone(pair.chirp_pid()));
    CHECK(process_gone(pair.nginx_pid()));
    CHECK(!listening(pair.public_port()));
  }
  SUBCASE("chirp dies") {
    TempDir dir;
    Deployment pair(dir.path());
    CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair);
    REQUIRE(::kill(pair.chirp_pid(), SIGKILL) == 0);
    CHECK(pair.wait(20s) == 1);
    CHECK(process_gone(pair.nginx_pid()));
    CHECK(!listening(pair.public_port()));
    CHECK(pair.log().find("chirp serve exited") != std::string::npos);
  }
  SUBCASE("nginx dies") {
    TempDir dir;
    Deployment pair(dir.path());
    CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair);
    REQUIRE(::kill(pair.nginx_pid(), SIGKILL) == 0);
    CHECK(pair.wait(20s) == 1);
    CHECK(process_gone(pair.chirp_pid()));
    // The workers of the killed master went too: nothing serves the public port.
    CHECK(!listening(pair.public_port()));
    CHECK(pair.log().find("nginx exited") != std::string::npos);
  }
}
