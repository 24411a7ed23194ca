#include "http.hpp"
#include "middleware.hpp"
#include "routes.hpp"
#include "state.hpp"

#include <chirp/demo.hpp>
#include <chirp/serve.hpp>

#include <fmt/core.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <pthread.h>
#include <thread>

namespace chirp::server {

namespace {

constexpr int k_default_threads = 16;

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
  ServerState state(options.db_path, options.trusted_proxies);
  // Opened (created, migrated, its token secret written) here, before any thread races
  // to do it.
  Core& main_core = state.core();
  if (options.seed_demo && seed_demo(main_core)) {
    spdlog::info("seeded demo users alice, bob and carol (password '{}')", k_demo_password);
  }

  sigset_t stop_signals = block_stop_signals();
  httplib::Server server;
  int threads = options.threads > 0 ? options.threads : k_default_threads;
  // Each keep-alive connection holds a pool thread until it closes: bound how long
  // an idle one may hold it.
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  // Short: an idle kept-alive connection holds a pool thread, and on SIGTERM httplib
  // waits for idle connections to time out before it returns.
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_payload_max_length(k_max_body_bytes);
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
  state.worker.start();
  spdlog::info("listening on http://{}:{} (database {})", options.bind, port,
               options.db_path.string());
  if (options.on_listening) options.on_listening(port);

  std::atomic<bool> running{true};
  std::thread watcher([&] {
    timespec tick{0, 200'000'000};
    while (running) {
      int sig = sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
        server.stop();
        return;
      }
    }
  });
  // Returns after stop(), once the pool has finished the requests in flight.
  bool clean = server.listen_after_bind();
  running = false;
  watcher.join();
  state.worker.stop();  // finishes the fan-out batch in progress
  spdlog::info("stopped");
  return clean ? 0 : 1;
}

}  // namespace chirp::server
