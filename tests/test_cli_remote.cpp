// What only remote mode does: chirp login and logout, the token file, a token the
// server no longer takes, a server that is down or is not chirp, two servers, and the
// commands that work only on a database file. (Every other CLI test case also runs
// against a server: CHIRP_CLI_TEST_CASE.)
#include "cli_support.hpp"
#include "jwt_support.hpp"
#include "server_support.hpp"
#include "terminal_support.hpp"

#include <server_login.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <thread>

using namespace chirp::test::cli;
using chirp::test::file_bytes;
using chirp::test::run_chirp;
using chirp::test::ServerProcess;
using chirp::test::TempDir;

namespace {

constexpr const char* k_password = "correct horse";

/// The permission bits of PATH.
unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

/// Registers HANDLE on BOX's server through the CLI (POST /users).
void register_user(const Sandbox& box, const std::string& handle) {
  box.ok({"user", "add", handle, "--password-stdin"}, std::string(k_password) + "\n");
}

/// A chirp with no --server on its command line: what a user types after `chirp login`.
chirp::test::ProcessResult plain(const Sandbox& box, const std::vector<std::string>& args,
                                 const std::string& stdin_text = "") {
  auto env = box.env;
  env["CHIRP_DB"] = "";  // nothing local chosen: the saved server applies
  return run_chirp(args, env, stdin_text);
}

}  // namespace

TEST_CASE("cli remote: login keeps the token in a 0600 file; logout revokes and forgets it") {
  Sandbox box(Mode::remote);
  CHIRP_SERVER_LOG_ON_FAILURE(*box.server);
  register_user(box, "dana");

  auto login = box.run({"login", "dana", "--password-stdin"}, std::string(k_password) + "\n");
  INFO(describe({"login", "dana"}, login));
  REQUIRE(login.exit_code == 0);
  CHECK(login.out.empty());
  CHECK(login.err.starts_with("logged in to " + box.url() + " as @dana until "));

  // The token file: 0600 in a 0700 folder, keyed by the server's URL.
  auto file = box.logins_file();
  REQUIRE(fs::exists(file));
  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(file.parent_path()) == 0700);
  auto logins = chirp::cli::read_logins(box.url(), file);
  CHECK(logins.current == "dana");
  REQUIRE(logins.logins.size() == 1);
  const std::string token = logins.logins[0].token;
  CHECK(open_core(box.db()).auth().authenticate(token)->handle == "dana");
  CHECK(file_bytes(box.dir / "config" / "chirp" / "config") == "server=" + box.url() + "\n");

  // The server is remembered and dana acts by default: no --server, no --as.
  auto posted = plain(box, {"post", "from the saved login"});
  INFO(describe({"post"}, posted));
  CHECK(posted.exit_code == 0);
  auto tweets = open_core(box.db()).timelines().user(open_core(box.db()).users().find("dana")->id, {});
  REQUIRE(tweets.has_value());
  REQUIRE(tweets->items.size() == 1);
  CHECK(tweets->items[0].text == "from the saved login");
  // $CHIRP_SERVER works like --server.
  auto env = box.env;
  env["CHIRP_SERVER"] = box.url();
  CHECK(run_chirp({"--format", "json", "user", "show", "dana"}, env).out.find("\"tweets_count\": 1") !=
        std::string::npos);

  auto logout = plain(box, {"logout"});
  INFO(describe({"logout"}, logout));
  CHECK(logout.exit_code == 0);
  CHECK(logout.err == "logged out of " + box.url() + " as @dana: every token of @dana is revoked\n");
  CHECK_FALSE(fs::exists(file));
  CHECK(file_bytes(box.dir / "config" / "chirp" / "config").empty());
  CHECK_FALSE(open_core(box.db()).auth().authenticate(token).has_value());  // revoked on the server
  // Local again: the default database, with no acting user.
  auto local = plain(box, {"post", "hi"});
  CHECK(local.exit_code == 1);
  CHECK(local.err.find("chirp use") != std::string::npos);
  check_fails(box, {"logout"}, 1);  // nobody left to log out
}

TEST_CASE("cli remote: user add and login at a terminal ask for the password without echo") {
  Sandbox box(Mode::remote);
  auto added = chirp::test::run_chirp_on_terminal(
      box.args_of({"user", "add", "jo"}), box.env,
      {{"Password for @jo on " + box.url(), std::string(k_password) + "\n"},
       {"confirm", std::string(k_password) + "\n"}});
  INFO(added.out);
  REQUIRE(added.exit_code == 0);
  CHECK(added.out.find(k_password) == std::string::npos);
  auto r = chirp::test::run_chirp_on_terminal(box.args_of({"login", "jo"}), box.env,
                                              {{"Password for @jo on " + box.url(),
                                                std::string(k_password) + "\n"}});
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(k_password) == std::string::npos);  // never echoed
  CHECK(r.out.find("logged in to " + box.url() + " as @jo") != std::string::npos);
  CHECK(chirp::cli::read_logins(box.url(), box.logins_file()).find("jo") != nullptr);
}

TEST_CASE("cli remote: a wrong password is exit 1 with the server's message; nothing is kept") {
  Sandbox box(Mode::remote);
  register_user(box, "erin");
  auto r = box.run({"login", "erin", "--password-stdin"}, "not the password\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "chirp: error: wrong handle or password\n");  // core's words, via the server
  CHECK_FALSE(fs::exists(box.logins_file()));
  CHECK_FALSE(fs::exists(box.dir / "config" / "chirp" / "config"));
  check_fails(box, {"login", "nobody", "--password-stdin"}, 1, "whatever it is\n");
  check_fails(box, {"--as", "erin", "post", "hi"}, 1);  // not logged in: says how
  auto how = box.run({"--as", "erin", "post", "hi"});
  CHECK(how.err.find("login erin") != std::string::npos);
}

TEST_CASE("cli remote: a revoked or expired token stops the command and says to log in again") {
  Sandbox box(Mode::remote);
  box.users({"fay", "gus"});
  auto core = open_core(box.db());
  auto fay = core.users().find("fay")->id;
  auto hint = "log in again: chirp --server " + box.url() + " login ";

  SUBCASE("revoked") {
    REQUIRE(core.auth().revoke_tokens(fay).has_value());  // as a logout elsewhere does
    auto r = box.run({"--as", "fay", "post", "hi"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.starts_with("chirp: error: " + box.url() + " refused the login of @fay"));
    CHECK(r.err.find(hint + "fay") != std::string::npos);
    // Many ids: one message, not one per id.
    auto many = box.run({"--as", "fay", "like", "1", "2", "3"});
    CHECK(many.exit_code == 1);
    CHECK(lines(many.err).size() == 1);
    CHECK(core.timelines().user(fay, {})->items.empty());
  }

  SUBCASE("expired") {
    // gus's token, re-signed with an expiry a minute ago.
    auto logins = chirp::cli::read_logins(box.url(), box.logins_file());
    const auto* gus = logins.find("gus");
    REQUIRE(gus != nullptr);
    auto parts = chirp::test::jwt_parts(gus->token);
    REQUIRE(parts.size() == 3);
    auto header = json::parse(chirp::test::base64url_decode(parts[0]));
    auto payload = chirp::test::jwt_payload(gus->token);
    payload["exp"] = chirp::test::unix_now() - 60;
    payload["iat"] = chirp::test::unix_now() - 120;
    auto expired = chirp::test::make_jwt(header, payload, chirp::test::read_secret(box.db()));
    logins.put({.handle = gus->handle, .id = gus->id, .token = expired});
    chirp::cli::write_logins(logins, box.logins_file());
    auto r = box.run({"--as", "gus", "timeline"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(hint + "gus") != std::string::npos);
  }
}

TEST_CASE("cli remote: a server that is down or is not chirp is a clear error naming the URL") {
  TempDir dir;
  std::map<std::string, std::string> env{{"XDG_CONFIG_HOME", (dir / "config").string()},
                                         {"XDG_STATE_HOME", (dir / "state").string()}};

  SUBCASE("nothing listens") {
    int port = 0;
    {
      ServerProcess gone(dir / "gone.db");
      port = gone.port();
      REQUIRE(gone.stop() == 0);
    }
    auto url = "http://127.0.0.1:" + std::to_string(port);
    auto r = run_chirp({"--server", url, "user", "show", "alice"}, env);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "chirp: error: cannot connect to " + url + ": is `chirp serve` running there?\n");
    // Many handles: one message, not one per handle.
    auto many = run_chirp({"--server", url, "user", "show", "a", "b", "c"}, env);
    CHECK(many.exit_code == 1);
    CHECK(lines(many.err).size() == 1);
  }

  SUBCASE("another HTTP server") {
    httplib::Server other;
    other.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
      if (req.path.starts_with("/users/json")) {
        res.set_content(R"({"id": 7, "who": "not chirp"})", "application/json");
      } else {
        res.set_content("<html>it works</html>", "text/html");
      }
    });
    int port = other.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread serving([&] { other.listen_after_bind(); });
    auto url = "http://127.0.0.1:" + std::to_string(port);
    auto html = run_chirp({"--server", url, "user", "show", "alice"}, env);
    CHECK(html.exit_code == 1);
    CHECK(html.err.starts_with("chirp: error: " + url + " did not answer as a chirp server does"));
    auto odd = run_chirp({"--server", url, "user", "show", "json"}, env);
    CHECK(odd.exit_code == 1);
    CHECK(odd.err.starts_with("chirp: error: " + url + " answered with JSON this chirp cannot read"));
    other.stop();
    serving.join();
  }
}

TEST_CASE("cli remote: commands of a database file refuse, exit 2, and touch nothing") {
  Sandbox box(Mode::remote);
  box.users({"alice"});
  auto backup = box.dir / "backup.db";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"init"},
           {"config", "list"},
           {"config", "set", "fanout.batch_size", "7"},
           {"worker"},
           {"serve"},
           {"backup", backup.string()},
           {"check"},
           {"export"},
           {"import", "-"},
           {"user", "passwd", "alice"},
           {"user", "token", "alice"}}) {
    auto r = box.run(args, "a line of stdin\n");
    INFO(describe(args, r));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    std::string command;
    for (const auto& arg : args) {
      if (arg.starts_with('/') || arg == "-" || arg == "7" || arg == "alice" ||
          arg == "fanout.batch_size") {
        break;
      }
      command += (command.empty() ? "" : " ") + arg;
    }
    CHECK(r.err == "chirp: error: `chirp " + command +
                       "` works only on a local database, not on a server (" + box.url() +
                       ", chosen by --server): pass --db PATH for a database file\n");
  }
  CHECK_FALSE(fs::exists(backup));
  CHECK(open_core(box.db()).settings().get("fanout.batch_size")->is_default);

  // What needs no database works anywhere; --server and --db together are a usage error.
  CHECK(box.ok({"completion", "bash"}).find("complete") != std::string::npos);
  auto handles = box.run({"_handles", "al"});  // what tab completion runs: quiet, no handles
  CHECK(handles.exit_code == 0);
  CHECK(handles.out.empty());
  CHECK(handles.err.empty());
  check_fails(box, {"--db", box.db().string(), "user", "list"}, 2);
  // Logging in needs a server; a bad URL is a usage error wherever it comes from.
  check_fails(Sandbox(), {"login", "alice"}, 2);
  auto env = box.env;
  env["CHIRP_SERVER"] = "ftp://example.com";
  auto bad = run_chirp({"user", "list"}, env);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("not a server URL: 'ftp://example.com'") != std::string::npos);
}

TEST_CASE("cli remote: two servers, each with its own login") {
  Sandbox box(Mode::remote);
  ServerProcess second(box.dir / "second.db");
  auto second_url = "http://127.0.0.1:" + std::to_string(second.port());
  register_user(box, "hana");
  box.ok({"login", "hana", "--password-stdin"}, std::string(k_password) + "\n");
  auto on_second = [&](std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {"--server", second_url});
    return run_chirp(args, box.env, stdin_text);
  };
  REQUIRE(on_second({"user", "add", "ivan", "--password-stdin"}, std::string(k_password) + "\n")
              .exit_code == 0);
  REQUIRE(on_second({"login", "ivan", "--password-stdin"}, std::string(k_password) + "\n")
              .exit_code == 0);
  CHECK(fs::exists(chirp::cli::logins_path(second_url, box.dir / "state" / "chirp")));
  CHECK(fs::exists(box.logins_file()));

  // Each server's default user acts there.
  CHECK(box.ok({"post", "on the first"}).size() > 1);
  CHECK(on_second({"post", "on the second"}).exit_code == 0);
  CHECK(open_core(box.db()).users().find("hana")->tweets_count == 1);
  CHECK(open_core(second.db()).users().find("ivan")->tweets_count == 1);
  // A user logged in on one server is not on the other.
  check_fails(box, {"--as", "ivan", "post", "x"}, 1);
  // The last login is the saved server.
  CHECK(file_bytes(box.dir / "config" / "chirp" / "config") == "server=" + second_url + "\n");
}
