#pragma once
// End-to-end fixtures for the HTTP server: the real `chirp serve` process on
// 127.0.0.1 on a free port, an HTTP client for it, raw-socket requests for what a
// well-behaved client cannot send, and the small JWT toolkit the auth attacks need.

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "jwt_support.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chirp::test {

struct ServerOptions {
  /// Settings written (through the core API) before the server starts. Unless
  /// keep_rate_limits, every rate limit not named here is set to 0 (unlimited),
  /// so that tests which do not test limits never trip over them.
  std::map<std::string, std::string> settings;
  bool keep_rate_limits = false;
  std::vector<std::string> extra_args;  ///< e.g. {"--threads", "4"}; "--port" replaces "--port 0"
  std::string log_level = "warn";       ///< "info" logs every request
};

/// A running `chirp --db DB serve --port 0 --log-level warn` with stdout on a pipe
/// (for the "listening on port N" line) and stderr in a temp file. The server gets
/// SIGTERM if the thread that started it dies (PR_SET_PDEATHSIG), so a crashed test
/// leaves no server behind: start servers from the test's own thread.
class ServerProcess {
public:
  using Options = ServerOptions;

  /// Starts the server on database DB and waits (at most 10 s) until it listens;
  /// fails the test (REQUIRE) with its stderr when it does not.
  explicit ServerProcess(std::filesystem::path db, Options options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return m_port; }
  pid_t pid() const { return m_pid; }
  const std::filesystem::path& db() const { return m_db; }

  /// A new client for this server (tcp_nodelay, 10 s timeouts, no keep-alive).
  httplib::Client client() const;

  /// Sends SIGNAL (no wait).
  void signal(int signal);
  /// Waits for the process to exit, at most TIMEOUT; returns its exit code (128+n for
  /// signal n), or nullopt if it still runs (the process is left running).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// SIGTERM, then wait up to TIMEOUT; kill -9 after that (returning nullopt).
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool exited() const { return m_exit_code.has_value(); }

  /// Everything the server wrote on stderr so far.
  std::string log() const;

private:
  std::filesystem::path m_db;
  std::filesystem::path m_log_path;
  pid_t m_pid = -1;
  int m_stdout_fd = -1;
  int m_port = 0;
  std::optional<int> m_exit_code;
};

/// Attach the server's stderr to every failing assertion in the current scope (lazy:
/// read only when an assertion fails).
#define CHIRP_SERVER_LOG_ON_FAILURE(server) INFO("server stderr:\n" << (server).log())

/// One HTTP exchange as the test sees it.
struct Reply {
  int status = -1;                  ///< -1 when no response arrived
  httplib::Error error = httplib::Error::Success;
  std::string body;
  httplib::Headers headers;

  bool ok() const { return status > 0; }
  /// The body parsed as JSON (discarded value when it is not JSON).
  nlohmann::json json() const;
  bool has_header(const std::string& name) const;
  std::string header(const std::string& name) const;
  /// How many times header NAME appears (case-insensitive).
  std::size_t header_count(const std::string& name) const;
  /// {"error": {"code": ...}} → the code, or "" when the body has no such shape.
  std::string error_code() const;
};

/// Sends METHOD PATH. BODY (when given) goes with CONTENT_TYPE (none when empty);
/// TOKEN (when non-empty) as "Authorization: Bearer TOKEN". EXTRA headers are added.
Reply request(httplib::Client& client, const std::string& method, const std::string& path,
              const std::optional<std::string>& body = std::nullopt,
              const std::string& token = "",
              const std::string& content_type = "application/json",
              const httplib::Headers& extra = {});
Reply get(httplib::Client& client, const std::string& path, const std::string& token = "");
Reply post_json(httplib::Client& client, const std::string& path, const nlohmann::json& body,
                const std::string& token = "");
Reply del(httplib::Client& client, const std::string& path, const std::string& token = "");

/// A user registered and logged in over HTTP.
struct Session {
  std::string id;  ///< JSON string id
  std::string handle;
  std::string password;
  std::string token;
  std::string auth() const { return token; }
};

constexpr const char* k_test_password = "correct horse";

/// POST /users then POST /login (two argon2 hashes, ~0.2 s); REQUIREs success.
Session register_and_login(httplib::Client& client, const std::string& handle,
                           const std::string& password = k_test_password);
/// POST /login; REQUIREs success and returns the token.
std::string login(httplib::Client& client, const std::string& handle,
                  const std::string& password = k_test_password);

/// POST /tweets as TOKEN; REQUIREs 201 and returns the tweet id.
std::string post_tweet(httplib::Client& client, const std::string& token, const std::string& text);

/// GET /users/HANDLE; REQUIREs 200.
nlohmann::json user_profile(httplib::Client& client, const std::string& handle);

/// Ids of every page of PATH (a list endpoint), following the Link rel="next" header.
std::vector<std::string> all_ids(httplib::Client& client, const std::string& path,
                                 const std::string& token = "");

/// Polls PREDICATE every 50 ms until it is true or TIMEOUT passes; returns the last result.
bool eventually(const std::function<bool()>& predicate,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));

/// The value of the Prometheus sample SERIES (name with its labels exactly as the
/// server writes them, e.g. `chirp_rate_limited_total{bucket="post"}`); nullopt if absent.
std::optional<double> metric_value(const std::string& metrics_text, const std::string& series);
/// Sum of every sample of metric NAME whose labels contain all of LABELS ("k=\"v\"").
double metric_sum(const std::string& metrics_text, const std::string& name,
                  const std::vector<std::string>& labels = {});

/// Every table a request could change, as text, minus when users were last seen
/// (reading is not writing, but a read of one's own home timeline marks one seen):
/// equal before and after means a refused request changed nothing.
std::string database_state(const std::filesystem::path& db);

// ---- raw sockets ------------------------------------------------------------------

/// A plain TCP connection to 127.0.0.1:PORT with a receive timeout.
class RawConnection {
public:
  /// SOURCE, when given, is the local address to connect from (any of 127.0.0.0/8).
  explicit RawConnection(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                         const char* source = nullptr);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool send(const std::string& bytes);
  /// Whether the peer has not closed (or reset) the connection; reads nothing.
  bool is_open() const;
  /// Reads one HTTP response (headers and a Content-Length body); status -1 when the
  /// connection closed or timed out first. BODY holds what arrived.
  Reply read_response();

private:
  int m_fd = -1;
  std::string m_buffer;
};

/// Sends BYTES on a fresh connection and reads one response (status -1 when none
/// arrives within TIMEOUT).
Reply raw_exchange(int port, const std::string& bytes,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace chirp::test
