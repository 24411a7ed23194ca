#pragma once
// The CLI's end-to-end fixture: a chirp of its own (database and config folder) and
// helpers to run the built binary in it and check what it answered, in either mode:
// on the database file (local), or against a real `chirp serve` on that database with
// the CLI logged in by --server (remote). CHIRP_CLI_TEST_CASE registers a test case
// once in each mode.

#include "support.hpp"

#include <chirp/core.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace chirp::test {
class ServerProcess;
}

namespace chirp::test::cli {

namespace fs = std::filesystem;
using nlohmann::json;


inline const std::regex k_rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
inline const std::regex k_id_line(R"(\d+\n)");
inline const std::string k_tweet_header =
    "id,created_at,author,text,reply_to,retweet_of,like_count,retweet_count,reply_count,"
    "mentions,hashtags\n";
inline const std::string k_user_header =
    "id,handle,name,created_at,followers_count,following_count,tweets_count\n";

inline std::string describe(const std::vector<std::string>& args, const ProcessResult& r) {
  std::string line = "chirp";
  for (const auto& arg : args) line += " " + arg;
  return line + "\n  exit " + std::to_string(r.exit_code) + "\n  stdout: " + r.out +
         "\n  stderr: " + r.err;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline chirp::Core open_core(const fs::path& db) {
  chirp::Core::Options options;
  options.path = db;
  return chirp::Core::open(std::move(options));
}

/// How the CLI reaches chirp: the database file itself, or a server on it.
enum class Mode { local, remote };

/// A chirp of its own: database (via $CHIRP_DB), config folder (XDG_CONFIG_HOME) and
/// logins (XDG_STATE_HOME). In remote mode a `chirp serve` runs on the database from
/// the start (one per sandbox), every command gets `--server URL`, and after each one
/// the sandbox waits for the server's fan-out queue to drain: a local command drains it
/// before it returns, a server asynchronously, and the tests read what follows.
struct Sandbox {
  explicit Sandbox(Mode mode = Mode::local);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  TempDir dir;
  Mode mode;
  std::map<std::string, std::string> env{{"CHIRP_DB", (dir / "chirp.db").string()},
                                         {"XDG_CONFIG_HOME", (dir / "config").string()},
                                         {"XDG_STATE_HOME", (dir / "state").string()}};
  std::unique_ptr<ServerProcess> server;  ///< remote mode's

  fs::path db() const { return dir / "chirp.db"; }
  bool remote() const { return mode == Mode::remote; }
  /// The server's URL (remote mode).
  std::string url() const;

  /// Where `chirp login` keeps the logins of url() (remote mode).
  fs::path logins_file() const;

  /// ARGS as this mode runs them (remote: after `--server URL`).
  std::vector<std::string> args_of(const std::vector<std::string>& args) const;

  ProcessResult run(const std::vector<std::string>& args, const std::string& stdin_text = "",
                    const std::map<std::string, std::string>& extra_env = {}) const;

  /// Runs ARGS, requires success, returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& stdin_text = "") const {
    auto r = run(args, stdin_text);
    INFO(describe(args, r));
    REQUIRE(r.exit_code == 0);
    return r.out;
  }

  json json_of(std::vector<std::string> args) const {
    args.insert(args.end(), {"--format", "json"});
    return json::parse(ok(args));
  }

  /// Creates users in-process: setting up is not what these tests are about. In remote
  /// mode each is also logged in on the server, with a token core issues (as `chirp user
  /// token` does) saved where `chirp login` saves it, none of them the default.
  void users(std::initializer_list<std::string> handles) const;

  void follow(const std::string& follower, const std::string& followee) const {
    auto core = open_core(db());
    REQUIRE(core.graph().follow(core.users().find(follower)->id, core.users().find(followee)->id).has_value());
    core.fanout().drain();  // the follow's notification, as `chirp follow` drains it
  }

  /// Posts TEXT as AS and returns the new id (stdout holds it alone).
  std::string post(const std::string& as, const std::string& text) const {
    auto out = ok({"--as", as, "post", text});
    REQUIRE(std::regex_match(out, k_id_line));
    return out.substr(0, out.size() - 1);
  }

  std::vector<std::string> timeline_ids(const std::string& as) const {
    std::vector<std::string> ids;
    for (const auto& t : json_of({"--as", as, "timeline"})) ids.push_back(t["id"]);
    return ids;
  }
};

/// A refused action (exit 1) or a usage error (exit 2): nothing on stdout, why on stderr.
inline void check_fails(const Sandbox& box, const std::vector<std::string>& args, int code,
                 const std::string& stdin_text = "") {
  auto r = box.run(args, stdin_text);
  INFO(describe(args, r));
  CHECK(r.exit_code == code);
  CHECK(r.out.empty());
  CHECK(!r.err.empty());
  CHECK(r.err.starts_with("chirp: error: "));  // refusals and usage errors alike
}

/// Registers the test case NAME twice: as NAME on a database file, and as
/// "NAME (remote)" against a server. The body sees `mode` (make its Sandbox with it).
#define CHIRP_CLI_TEST_CASE(name) CHIRP_CLI_TEST_CASE_IMPL(name, DOCTEST_ANONYMOUS(chirp_cli_case_))
#define CHIRP_CLI_TEST_CASE_IMPL(name, body)                                  \
  static void body(::chirp::test::cli::Mode mode);                            \
  TEST_CASE(name) { body(::chirp::test::cli::Mode::local); }                  \
  TEST_CASE(name " (remote)") { body(::chirp::test::cli::Mode::remote); }     \
  static void body([[maybe_unused]] ::chirp::test::cli::Mode mode)

}  // namespace chirp::test::cli
