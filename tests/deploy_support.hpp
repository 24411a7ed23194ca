#pragma once
// The production pair as a test fixture: deploy/run (nginx from Debian in front of
// `chirp serve`) on free ports, and the descriptor limit that thousands of test
// connections need.

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chirp::test {

struct DeploymentOptions {
  /// Settings written before the pair starts. Unless keep_rate_limits, every rate limit
  /// not named here is 0 (unlimited), as for ServerProcess.
  std::map<std::string, std::string> settings;
  bool keep_rate_limits = false;
  /// After `--` on deploy/run's command line: arguments of `chirp serve`.
  std::vector<std::string> serve_args = {"--log-level", "warn"};
};

/// A running `deploy/run --listen 127.0.0.1:P --db DB --state-dir DIR/state`, with P a
/// free port, stdout on a pipe (its "public", "upstream" and "nginx" lines) and stderr
/// (chirp's and nginx's messages) in a file. Waits at most 15 s until both listen and
/// fails the test (with that stderr) when they do not. deploy/run gets SIGTERM when the
/// thread that started it dies, and stops both of its children then.
class Deployment {
public:
  using Options = DeploymentOptions;
  Deployment(const std::filesystem::path& dir, Options options = {});
  ~Deployment();
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;

  int public_port() const { return m_public_port; }      ///< nginx, on 127.0.0.1
  int upstream_port() const { return m_upstream_port; }  ///< chirp serve, on 127.0.0.1
  pid_t chirp_pid() const { return m_chirp_pid; }
  pid_t nginx_pid() const { return m_nginx_pid; }
  const std::filesystem::path& state_dir() const { return m_state; }

  /// Waits for deploy/run to exit, at most TIMEOUT; its exit code (128+n for signal n),
  /// or nullopt while it runs.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// SIGTERM, then wait up to TIMEOUT; after that deploy/run, chirp and nginx are
  /// killed (returning nullopt).
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  /// What deploy/run, chirp and nginx wrote on stderr so far.
  std::string log() const;

private:
  bool start(const std::filesystem::path& db, const Options& options, std::string& why);

  std::filesystem::path m_dir;
  std::filesystem::path m_state;
  std::filesystem::path m_log_path;
  pid_t m_pid = -1;
  int m_stdout_fd = -1;
  int m_public_port = 0;
  int m_upstream_port = 0;
  pid_t m_chirp_pid = -1;
  pid_t m_nginx_pid = -1;
  std::optional<int> m_exit_code;
};

#define CHIRP_DEPLOYMENT_LOG_ON_FAILURE(pair) INFO("deploy/run stderr:\n" << (pair).log())

/// Raises this process's soft RLIMIT_NOFILE to at least NEEDED for its lifetime (and
/// restores it after); fails the test with how to fix it when the hard limit is lower.
class DescriptorLimit {
public:
  explicit DescriptorLimit(rlim_t needed);
  ~DescriptorLimit();
  DescriptorLimit(const DescriptorLimit&) = delete;
  DescriptorLimit& operator=(const DescriptorLimit&) = delete;

private:
  rlimit m_saved{};
};

/// The nginx binary deploy/run will use ("" when none is installed).
std::string nginx_binary();

}  // namespace chirp::test
