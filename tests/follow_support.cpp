#include "follow_support.hpp"

#include "support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace chirp::test {

using Clock = std::chrono::steady_clock;

RunningCommand::RunningCommand(const std::vector<std::string>& argv,
                               const std::map<std::string, std::string>& env) {
  char dir_template[] = "/tmp/chirp-running-XXXXXX";
  m_dir = ::mkdtemp(dir_template);
  m_err_path = m_dir + "/stderr";
  auto env_strings = chirp_environment(env);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  m_pid = ::fork();
  if (m_pid == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    int err = ::open(m_err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(devnull, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(err, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  m_out = pipe_fds[0];
}

RunningCommand RunningCommand::chirp(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv{CHIRP_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunningCommand(argv, env);
}

RunningCommand::RunningCommand(RunningCommand&& other) noexcept
    : m_pid(other.m_pid), m_out(other.m_out), m_buffer(std::move(other.m_buffer)),
      m_err_path(std::move(other.m_err_path)), m_dir(std::move(other.m_dir)), m_status(other.m_status) {
  other.m_pid = -1;
  other.m_out = -1;
  other.m_dir.clear();
}

RunningCommand::~RunningCommand() {
  if (m_pid > 0 && !m_status) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  if (m_out >= 0) ::close(m_out);
  if (!m_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
}

std::optional<std::string> RunningCommand::line(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto end = m_buffer.find('\n'); end != std::string::npos) {
      std::string text = m_buffer.substr(0, end);
      m_buffer.erase(0, end + 1);
      return text;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (m_out < 0 || left.count() <= 0) return std::nullopt;
    pollfd p{m_out, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    char buffer[4096];
    ssize_t n = ::read(m_out, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    m_buffer.append(buffer, static_cast<std::size_t>(n));
  }
}

bool RunningCommand::until_line_with(const std::string& text, std::vector<std::string>& seen,
                                     std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (auto next = line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()))) {
    seen.push_back(*next);
    if (next->find(text) != std::string::npos) return true;
  }
  return false;
}

void RunningCommand::signal(int sig) {
  if (m_pid > 0 && !m_status) ::kill(m_pid, sig);
}

int RunningCommand::wait(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!m_status) {
    int status = 0;
    pid_t done = ::waitpid(m_pid, &status, WNOHANG);
    if (done == m_pid) {
      m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return *m_status;
}

std::string RunningCommand::err() const { return file_bytes(m_err_path); }

}  // namespace chirp::test
