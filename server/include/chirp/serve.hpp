#pragma once
/// `chirp serve`: the HTTP/JSON server over the core. Kept free of httplib so the CLI
/// that starts it compiles fast.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace chirp::server {

struct ServeOptions {
  std::filesystem::path db_path;
  std::string bind = "127.0.0.1";
  int port = 8080;               ///< 0 picks a free port (printed on stderr)
  std::string log_level = "info";
  int threads = 0;               ///< HTTP worker threads; 0 = default (16)
  bool seed_demo = false;        ///< fill an empty database with demo users and tweets
  /// Seconds a client may take to send a whole request (line, headers and body) once
  /// its connection waits for one; slower connections are closed.
  int request_timeout_s = 10;
  /// Peer addresses of reverse proxies (nginx) whose X-Forwarded-For names the client.
  std::vector<std::string> trusted_proxies;
  /// Called once the server listens, with the bound port (tests, scripts).
  std::function<void(int port)> on_listening;
};

/// Runs until SIGINT or SIGTERM, then stops accepting, finishes in-flight requests
/// and the current fan-out batch, closes the database, and returns 0. Returns 1 when
/// the server cannot start (port in use, bad log level), after logging why.
int serve(const ServeOptions& options);

}  // namespace chirp::server
