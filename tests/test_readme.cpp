// The README, executed: every shell block in the order written, as a new user on a
// fresh machine would run them (an empty $HOME, the default database), with a server
// started where the README starts one. The README cannot drift from the program.
#include "readme_support.hpp"
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <optional>

namespace fs = std::filesystem;
using chirp::test::get;
using chirp::test::readme_shell_blocks;
using chirp::test::run_shell_block;
using chirp::test::ServerOptions;
using chirp::test::ServerProcess;
using chirp::test::shell_quote;
using chirp::test::TempDir;

namespace {

/// Replaces every FROM in TEXT by TO.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("readme: every shell block works, in order, on a fresh machine") {
  TempDir dir;
  const fs::path home = dir / "home";
  fs::create_directories(home);
  // Where scripts/run serves: the default database of this $HOME.
  const fs::path db = home / ".local/share/chirp/chirp.db";
  std::optional<ServerProcess> server;

  auto blocks = readme_shell_blocks();
  REQUIRE(blocks.size() >= 6);
  int run = 0;
  for (const auto& block : blocks) {
    CAPTURE(block.line);
    INFO("README.md line " << block.line << ":\n" << block.code);
    if (block.marker == "skip") continue;
    if (block.marker == "serve") {
      // scripts/run installs, builds and runs `chirp serve --seed-demo` on the default
      // database: the build is this one; the server is started here, on a free port.
      fs::create_directories(db.parent_path());
      server.emplace(db, ServerOptions{.keep_rate_limits = true, .extra_args = {"--seed-demo"}});
      continue;
    }
    REQUIRE_MESSAGE(block.marker.empty(), "unknown doc-test marker: " << block.marker);
    std::string code = replace_all(block.code, "cmake --install build ",
                                   "cmake --install " + shell_quote(CHIRP_BUILD_DIR) + " ");
    if (server) {
      code = replace_all(code, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(server->port()));
    }
    auto result = run_shell_block(code, home);
    ++run;
    INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("{\"error\"") == std::string::npos);  // curl -s shows errors only so
    CHECK(result.err.find("chirp: error") == std::string::npos);
    if (block.code.find("chirp init") != std::string::npos) {
      // The walkthrough did what it says: the default database, the posts, jq's texts.
      CHECK(result.out.find(db.string()) != std::string::npos);
      CHECK(result.out.find("Hello, chirp!") != std::string::npos);
      CHECK(result.out.find("from a pipe") != std::string::npos);
    }
  }
  CHECK(run >= 4);
  REQUIRE(server.has_value());  // the README starts a server before its curl session
  CHIRP_SERVER_LOG_ON_FAILURE(*server);
  auto client = server->client();
  CHECK(get(client, "/users/dana").status == 200);
  CHECK(get(client, "/users/erin").status == 200);
  // The CLI's remote session registered gwen on the server itself, and alice followed her.
  auto gwen = get(client, "/users/gwen");
  CHECK(gwen.status == 200);
  CHECK(gwen.json()["followers_count"] == 1);
  CHECK(server->stop() == 0);
}
