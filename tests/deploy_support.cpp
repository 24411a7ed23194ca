#include "deploy_support.hpp"

#include "support.hpp"

#include <chirp/core.hpp>
#include <chirp/settings.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace chirp::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

/// A port nobody listens on now (bound and released: another process could take it
/// before nginx does, which start() notices and retries).
int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
  ::close(fd);
  REQUIRE_MESSAGE(ok, "cannot bind 127.0.0.1: " << std::strerror(errno));
  return ntohs(addr.sin_port);
}

std::optional<int> reap(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

std::string nginx_binary() {
  for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

// ---- Deployment ---------------------------------------------------------------------

Deployment::Deployment(const fs::path& dir, Options options) : m_dir(dir) {
  REQUIRE_MESSAGE(!nginx_binary().empty(),
                  "nginx is not installed: scripts/deps installs Debian's nginx-light");
  const fs::path db = m_dir / "chirp.db";
  if (!options.keep_rate_limits) {
    for (const char* key : {setting::rate_requests, setting::rate_logins, setting::rate_posts}) {
      if (!options.settings.contains(key)) options.settings[key] = "0";
    }
  }
  {
    auto core = Core::open({.path = db});
    for (const auto& [key, value] : options.settings) {
      auto done = core.settings().set(key, value);
      REQUIRE_MESSAGE(done.has_value(), key << ": " << (done ? "" : done.error().message));
    }
  }
  std::string why;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (start(db, options, why)) return;
    // Only a port taken between unused_port() and nginx's bind is worth another try.
    if (log().find("Address already in use") == std::string::npos) break;
  }
  FAIL("deploy/run did not start: " << why << "\nstderr:\n" << log());
}

bool Deployment::start(const fs::path& db, const Options& options, std::string& why) {
  if (m_stdout_fd >= 0) ::close(m_stdout_fd);
  m_exit_code.reset();
  m_state = m_dir / "state";
  m_log_path = m_dir / "deploy.log";
  const int port = unused_port();

  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  m_stdout_fd = pipe_fds[0];
  std::vector<std::string> args{CHIRP_SOURCE_DIR "/deploy/run",
                                "--listen", "127.0.0.1:" + std::to_string(port),
                                "--db", db.string(),
                                "--state-dir", m_state.string(),
                                "--chirp", CHIRP_BINARY,
                                "--"};
  args.insert(args.end(), options.serve_args.begin(), options.serve_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int log_fd = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(null_fd >= 0);
  REQUIRE(log_fd >= 0);
  const pid_t parent = ::getpid();
  m_pid = ::fork();
  if (m_pid == 0) {
    // Its own process group, so that a deploy/run that does not stop can be killed
    // with its nginx and chirp; SIGTERM when the test dies (deploy/run then stops both).
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(log_fd, 2);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGPIPE}) ::sigaction(sig, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(null_fd);
  ::close(log_fd);
  ::close(pipe_fds[1]);
  REQUIRE_MESSAGE(m_pid > 0, "fork failed: " << std::strerror(fork_errno));

  // Its three lines, "public ...", "upstream ..." and "nginx ...", at most 15 s.
  std::string out;
  auto complete = [&out] {
    auto last = out.find("\nnginx ");
    return last != std::string::npos && out.find('\n', last + 1) != std::string::npos;
  };
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!complete()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    pollfd p{m_stdout_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[512];
    ssize_t n = ::read(m_stdout_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(^public +http://127\.0\.0\.1:(\d+)/)"))) {
    m_public_port = std::stoi(m[1]);
  }
  if (std::regex_search(out, m, std::regex(R"(\nupstream +http://127\.0\.0\.1:(\d+)/ \(chirp serve, pid (\d+))"))) {
    m_upstream_port = std::stoi(m[1]);
    m_chirp_pid = std::stoi(m[2]);
  }
  if (std::regex_search(out, m, std::regex(R"(\nnginx +pid (\d+))"))) m_nginx_pid = std::stoi(m[1]);
  if (m_public_port == port && m_upstream_port > 0 && m_chirp_pid > 0 && m_nginx_pid > 0) {
    return true;
  }
  why = "stdout: '" + out + "'";
  stop(15s);
  return false;
}

Deployment::~Deployment() {
  if (m_pid > 0 && !m_exit_code) stop();
  if (m_stdout_fd >= 0) ::close(m_stdout_fd);
}

std::optional<int> Deployment::wait(std::chrono::milliseconds timeout) {
  if (m_exit_code || m_pid <= 0) return m_exit_code;
  m_exit_code = reap(m_pid, timeout);
  return m_exit_code;
}

std::optional<int> Deployment::stop(std::chrono::milliseconds timeout) {
  if (m_exit_code || m_pid <= 0) return m_exit_code;
  ::kill(m_pid, SIGTERM);
  if (auto code = wait(timeout)) return code;
  // deploy/run and chirp share a process group; nginx has its own.
  ::kill(-m_pid, SIGKILL);
  if (m_nginx_pid > 0) ::kill(-m_nginx_pid, SIGKILL);
  reap(m_pid, 5s);
  m_exit_code = 128 + SIGKILL;
  return std::nullopt;
}

std::string Deployment::log() const {
  std::ifstream in(m_log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- DescriptorLimit ----------------------------------------------------------------

DescriptorLimit::DescriptorLimit(rlim_t needed) {
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &m_saved) == 0);
  if (m_saved.rlim_cur == RLIM_INFINITY || m_saved.rlim_cur >= needed) return;
  REQUIRE_MESSAGE((m_saved.rlim_max == RLIM_INFINITY || m_saved.rlim_max >= needed),
                  "this test opens " << needed << " sockets, but the hard limit on open files "
                  "is " << m_saved.rlim_max << ": raise it (ulimit -Hn, or LimitNOFILE= for "
                  "a service) to at least " << needed);
  rlimit raised = m_saved;
  raised.rlim_cur = needed;
  REQUIRE_MESSAGE(::setrlimit(RLIMIT_NOFILE, &raised) == 0,
                  "setrlimit(RLIMIT_NOFILE, " << needed << "): " << std::strerror(errno));
}

DescriptorLimit::~DescriptorLimit() { ::setrlimit(RLIMIT_NOFILE, &m_saved); }

}  // namespace chirp::test
