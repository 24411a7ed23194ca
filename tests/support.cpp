#include "support.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

extern char** environ;

namespace chirp::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = fs::temp_directory_path() / ("chirp-test-" + std::to_string(rd()));
    if (fs::create_directory(candidate)) {
      m_path = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string sqlite3(const std::filesystem::path& db, const std::string& sql) {
  std::string command = "sqlite3 '" + db.string() + "' \"" + sql + "\" 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = ::pclose(pipe);
  REQUIRE_MESSAGE(status == 0, "sqlite3 failed: " << out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TestDb::TestDb()
    : clock(std::make_shared<ManualClock>(k_test_epoch_ms)),
      core(Core::open({.path = dir / "chirp.db", .clock = clock})) {}

Id TestDb::user(const std::string& handle) {
  auto created = core.users().create({.handle = handle, .name = handle});
  REQUIRE_MESSAGE(created.has_value(), (created ? "" : created.error().message));
  return created->id;
}

Id TestDb::post(Id author, const std::string& text) {
  clock->advance_ms(1);
  auto posted = core.tweets().post(author, {.text = text});
  REQUIRE_MESSAGE(posted.has_value(), (posted ? "" : posted.error().message));
  return posted->id;
}

void TestDb::set_setting(std::string_view key, std::string_view value) {
  auto result = core.settings().set(key, value);
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
}

void TestDb::set_setting(std::string_view key, std::int64_t value) {
  set_setting(key, std::to_string(value));
}

std::vector<Id> TestDb::home_ids(Id user, PageRequest page) {
  auto timeline = core.timelines().home(user, page, user);
  REQUIRE_MESSAGE(timeline.has_value(), (timeline ? "" : timeline.error().message));
  std::vector<Id> ids;
  for (const auto& t : timeline->items) ids.push_back(t.id);
  return ids;
}

namespace {

std::string read_all_fd(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> chirp_environment(const std::map<std::string, std::string>& env) {
  // Inherit, minus chirp's own variables, plus ENV.
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const char* name : {"CHIRP_DB", "CHIRP_USER", "CHIRP_SERVER", "XDG_DATA_HOME",
                           "XDG_CONFIG_HOME", "XDG_STATE_HOME"}) {
    vars.erase(name);
  }
  vars["HOME"] = "/nonexistent-chirp-test-home";
  for (const auto& [k, v] : env) {
    if (v.empty()) {
      vars.erase(k);
    } else {
      vars[k] = v;
    }
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : vars) env_strings.push_back(k + "=" + v);
  return env_strings;
}

ProcessResult run_chirp(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env,
                        const std::string& stdin_text) {
  auto env_strings = chirp_environment(env);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings{CHIRP_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  // stdin from a temp file (no pipe deadlock); stdout/stderr to temp files.
  TempDir io;
  auto in_path = io / "stdin";
  auto out_path = io / "stdout";
  auto err_path = io / "stderr";
  {
    int fd = ::open(in_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, stdin_text.data(), stdin_text.size()) ==
            static_cast<ssize_t>(stdin_text.size()));
    ::close(fd);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(rc == 0, "posix_spawn failed: " << std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int out_fd = ::open(out_path.c_str(), O_RDONLY);
  int err_fd = ::open(err_path.c_str(), O_RDONLY);
  result.out = read_all_fd(out_fd);
  result.err = read_all_fd(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  return result;
}

}  // namespace chirp::test
