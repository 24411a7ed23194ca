#include "terminal_support.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <csignal>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

namespace chirp::test {

ProcessResult run_chirp_on_terminal(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env,
                                    const std::vector<TerminalStep>& steps) {
  auto env_strings = chirp_environment(env);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{CHIRP_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int terminal = -1;
  pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }

  ProcessResult result;
  std::size_t step = 0;
  std::size_t seen_up_to = 0;  // where the next step's text is looked for
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    while (step < steps.size()) {
      auto at = result.out.find(steps[step].wait_for, seen_up_to);
      if (at == std::string::npos) break;
      seen_up_to = at + steps[step].wait_for.size();
      const std::string& typed = steps[step].typed;
      REQUIRE(::write(terminal, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
      ++step;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      ::close(terminal);
      FAIL("chirp at a terminal did not finish in 10 s; the terminal showed:\n" << result.out);
    }
    pollfd fd{terminal, POLLIN, 0};
    int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = ::read(terminal, buffer, sizeof buffer);
    if (n > 0) {
      result.out.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO: the child closed its side of the terminal
    }
  }
  ::close(terminal);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (step < steps.size()) {
    FAIL_CHECK("the terminal never showed '" << steps[step].wait_for << "'; it showed:\n"
                                             << result.out);
  }
  return result;
}

}  // namespace chirp::test
