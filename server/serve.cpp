#include "http.hpp"
#include "middleware.hpp"
#include "pool.hpp"
#include "routes.hpp"
#include "state.hpp"

#include <chirp/demo.hpp>
#include <chirp/serve.hpp>

#include <fmt/core.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <sys/socket.h>
#include <cstdlib>
#include <optional>
#include <pthread.h>
#include <sys/resource.h>
#include <thread>

namespace chirp::server {

namespace {

constexpr int k_default_threads = 16;
constexpr int k_listen_backlog = 1024;
/// After the first stop signal the server exits within this, whatever is running.
constexpr auto k_shutdown_bound = std::chrono::seconds(10);
/// How often slow connections are looked for (ServeOptions::request_timeout_s), and
/// the deadline while connections wait for a thread.
constexpr auto k_watch_interval = std::chrono::milliseconds(250);
constexpr auto k_crowded_request_deadline = std::chrono::seconds(1);

/// Each open live stream holds a socket and its thread's SQLite connection (the file
/// and its WAL): the soft limit on descriptors (often 1,024) is raised to the hard one.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

/// Blocks SIGINT and SIGTERM in this thread and every thread started after it, so only
/// the watcher below receives them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int serve(const ServeOptions& options) {
  auto level = spdlog::level::from_str(options.log_level);
  if (level == spdlog::level::off && options.log_level != "off") {
    spdlog::error("unknown log level '{}' (trace, debug, info, warn, error, off)",
                  options.log_level);
    return 1;
  }
  // Logs go to stderr; stdout carries only the "listening on port N" line.
  if (!spdlog::get("chirp")) spdlog::set_default_logger(spdlog::stderr_color_mt("chirp"));
  spdlog::set_level(level);
  raise_descriptor_limit();
  ServerState state(options.db_path, options.trusted_proxies);
  // Opened (created, migrated, its token secret written) here, before any thread races
  // to do it.
  Core& main_core = state.core();
  if (options.seed_demo && seed_demo(main_core)) {
    spdlog::info("seeded demo users alice, bob and carol (password '{}')", k_demo_password);
  }

  sigset_t stop_signals = block_stop_signals();
  // A file size limit (ulimit -f) makes writes fail with EFBIG, which SQLite reports;
  // the default action of SIGXFSZ would kill the server instead.
  std::signal(SIGXFSZ, SIG_IGN);
  httplib::Server server;
  int threads = options.threads > 0 ? options.threads : k_default_threads;
  // Each keep-alive connection holds a pool thread until it closes: bound how long
  // an idle one may hold it.
  std::atomic<std::size_t> waiting_connections{0};
  std::atomic<CountingPool*> pool{nullptr};
  server.new_task_queue = [threads, &waiting_connections, &pool] {
    auto* made = new CountingPool(threads, waiting_connections);
    pool = made;
    return made;
  };
  // A live stream holds its thread while it lasts: the pool starts another for the
  // requests (streams open only once the pool exists).
  state.streams.on_open_close([&state, &pool](bool opened) {
    state.metrics.count_stream(opened);
    if (CountingPool* p = pool) opened ? p->lend_thread() : p->return_thread();
  });
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  // Short: an idle kept-alive connection holds a pool thread, and on SIGTERM httplib
  // waits for idle connections to time out before it returns.
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_payload_max_length(k_max_body_bytes);
  // The listening socket: SO_REUSEADDR (a restart need not wait out TIME_WAIT), but
  // not httplib's default SO_REUSEPORT, under which a second server on the same port
  // starts and the kernel splits the connections between the two.
  int listen_fd = -1;
  server.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  install_middleware(server, state);
  register_routes(server, state);

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.bind);
  } else if (!server.bind_to_port(options.bind, port)) {
    port = -1;
  }
  if (port <= 0) {
    spdlog::error("cannot listen on {}:{} (in use, or not an address of this machine)",
                  options.bind, options.port);
    return 1;
  }
  // httplib listens with a backlog of 5: a burst of connections overflows it, and the
  // kernel drops their SYNs (each client then retries after a second or more). The
  // queue that holds them until a thread is free is the pool's.
  if (listen_fd >= 0) ::listen(listen_fd, k_listen_backlog);
  state.checkpointer.emplace(Checkpointer::Options{.path = options.db_path});
  state.worker.start();
  spdlog::info("listening on http://{}:{} (database {})", options.bind, port,
               options.db_path.string());
  if (options.on_listening) options.on_listening(port);

  // One thread for the stop signals and the connection watchdog. Any stop signal at
  // any moment stops the server: stop() is repeated until the listen loop has ended
  // (a stop() before that loop starts would do nothing). The first signal also ends
  // every connection with no handler running (idle, silent, or a request still
  // arriving), so only running handlers are waited for; a second signal, or
  // k_shutdown_bound after the first, ends the process at once.
  std::atomic<bool> listening{true};
  std::atomic<bool> finished{false};
  const auto request_deadline = std::chrono::seconds(options.request_timeout_s);
  std::thread watcher([&] {
    std::optional<std::chrono::steady_clock::time_point> stopping_since;
    auto next_watch = std::chrono::steady_clock::now();
    while (!finished) {
      timespec tick{0, stopping_since ? 50'000'000 : 200'000'000};
      int sig = sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
        if (stopping_since) {
          spdlog::warn("received {} again: exiting now", name);
          spdlog::default_logger()->flush();
          std::_Exit(1);
        }
        spdlog::info("received {}, shutting down (a second signal exits at once)", name);
        stopping_since = std::chrono::steady_clock::now();
      }
      if (stopping_since) {
        state.streams.stop();  // each stream ends its response and its connection
        if (listening) server.stop();
        state.connections.close_idle(port);
        if (std::chrono::steady_clock::now() - *stopping_since > k_shutdown_bound) {
          spdlog::warn("still busy {} s after the stop signal: exiting now",
                       std::chrono::duration_cast<std::chrono::seconds>(k_shutdown_bound).count());
          spdlog::default_logger()->flush();
          std::_Exit(1);
        }
      } else if (std::chrono::steady_clock::now() >= next_watch) {
        // A request's line, headers and body must arrive within the deadline; while
        // accepted connections wait for a thread, within a second: idle, silent and
        // slow clients then give their threads to the ones waiting.
        bool crowded = waiting_connections > 0;
        auto deadline = crowded ? std::min<std::chrono::steady_clock::duration>(
                                      request_deadline, k_crowded_request_deadline)
                                : std::chrono::steady_clock::duration(request_deadline);
        if (int closed = state.connections.close_slow(port, deadline)) {
          spdlog::info("closed {} connection(s) slower than {} ms to send a request{}", closed,
                       std::chrono::duration_cast<std::chrono::milliseconds>(deadline).count(),
                       crowded ? " (connections were waiting for a thread)" : "");
        }
        next_watch = std::chrono::steady_clock::now() + k_watch_interval;
      }
    }
  });
  // Returns after stop(), once the pool has finished the requests in flight.
  bool clean = server.listen_after_bind();
  listening = false;
  state.worker.stop();  // finishes the fan-out batch in progress
  state.checkpointer.reset();
  finished = true;
  watcher.join();
  spdlog::info("stopped");
  return clean ? 0 : 1;
}

}  // namespace chirp::server
