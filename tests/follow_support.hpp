#pragma once
// A chirp command left running in the background (--follow): its stdout read line by
// line with deadlines as it prints, signals sent to it, its exit awaited.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace chirp::test {

class RunningCommand {
public:
  /// Runs ARGV (ARGV[0] a path) with chirp_environment(ENV), stdin /dev/null, stdout a
  /// pipe read here, stderr kept in a file.
  RunningCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  /// The built chirp with ARGS.
  static RunningCommand chirp(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env);
  ~RunningCommand();
  RunningCommand(const RunningCommand&) = delete;
  RunningCommand& operator=(const RunningCommand&) = delete;
  RunningCommand(RunningCommand&& other) noexcept;

  /// The next whole line of stdout (without '\n'), waiting at most TIMEOUT.
  std::optional<std::string> line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Lines until one contains TEXT (at most TIMEOUT in all); every line read is kept in SEEN.
  bool until_line_with(const std::string& text, std::vector<std::string>& seen,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void signal(int sig);
  /// The exit code (128 + N when signal N ended it), or -1 when it had not exited in TIMEOUT.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// What it wrote on stderr so far.
  std::string err() const;

private:
  RunningCommand() = default;
  pid_t m_pid = -1;
  int m_out = -1;
  std::string m_buffer;
  std::string m_err_path;
  std::string m_dir;
  std::optional<int> m_status;
};

}  // namespace chirp::test
