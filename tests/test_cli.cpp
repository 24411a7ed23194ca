// End-to-end tests of the `chirp` command line: the built binary, run as a subprocess,
// each test on a database and config folder of its own.
#include "cli_support.hpp"

#include <server_login.hpp>

#include <chirp/core.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using chirp::test::ProcessResult;
using chirp::test::file_bytes;
using chirp::test::run_chirp;
using chirp::test::TempDir;
using nlohmann::json;

using namespace chirp::test::cli;

TEST_CASE("cli: init and the database path") {
  Sandbox box;

  SUBCASE("init creates the database and says where") {
    auto r = box.run({"init"});
    CHECK(r.exit_code == 0);
    CHECK(std::regex_match(r.out, std::regex("initialized " + box.db().string() +
                                             R"( \(schema version \d+\)\n)")));
    CHECK(fs::exists(box.db()));
    auto j = box.json_of({"init"});
    CHECK(j["path"] == box.db().string());
    CHECK(j["schema_version"] == chirp::Core::schema_version());
  }

  SUBCASE("any command creates the database on first use") {
    CHECK(box.ok({"user", "list"}).empty());
    CHECK(fs::exists(box.db()));
  }

  SUBCASE("--db over CHIRP_DB over XDG_DATA_HOME") {
    auto flag = box.dir / "flag.db";
    auto env_db = box.dir / "env.db";
    auto xdg = box.dir / "xdg";
    auto xdg_db = xdg / "chirp" / "chirp.db";
    std::map<std::string, std::string> env{{"CHIRP_DB", env_db.string()},
                                           {"XDG_DATA_HOME", xdg.string()}};
    CHECK(run_chirp({"init", "--db", flag.string()}, env).exit_code == 0);
    CHECK(fs::exists(flag));
    CHECK_FALSE(fs::exists(env_db));
    CHECK(run_chirp({"init"}, env).exit_code == 0);
    CHECK(fs::exists(env_db));
    CHECK_FALSE(fs::exists(xdg_db));
    auto r = run_chirp({"init"}, {{"XDG_DATA_HOME", xdg.string()}});
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(xdg_db));
    CHECK(r.out.find(xdg_db.string()) != std::string::npos);
  }

  SUBCASE("a file that is not a database is a failure, not a crash") {
    std::ofstream(box.db()) << "this is not a database, not even close; 0123456789abcdef";
    check_fails(box, {"user", "list"}, 1);
  }
}

CHIRP_CLI_TEST_CASE("cli: usage errors exit 2") {
  Sandbox box(mode);

  SUBCASE("each is refused before anything runs") {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {},
             {"frobnicate"},
             {"user"},
             {"user", "frobnicate"},
             {"user", "list", "--frobnicate"},
             {"post"},
             {"post", "two", "texts"},
             {"show", "not-a-number"},
             {"timeline", "--limit", "0"},
             {"timeline", "--limit", "201"},
             {"tweets", "alice", "--limit", "0"},
             {"user", "list", "--limit", "201"},
             {"followers", "alice", "--limit", "0"},
             {"timeline", "--max-id", "x"},
             {"--format", "xml", "user", "list"},
             {"completion", "powershell"},
             {"config", "set", "fanout.batch_size"},
             {"worker", "--interval-ms", "0"},
         }) {
      check_fails(box, args, 2);
    }
    // Not even the database was created (a server makes its own).
    if (!box.remote()) CHECK_FALSE(fs::exists(box.db()));
  }

  SUBCASE("an unknown command is named") {
    auto r = box.run({"frobnicate"});
    CHECK(r.err.find("frobnicate") != std::string::npos);
  }
  SUBCASE("--help is not an error") {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--help"}, {"post", "--help"}, {"user", "add", "-h"}}) {
      auto r = box.run(args);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find("Usage:") != std::string::npos);
    }
  }
}

CHIRP_CLI_TEST_CASE("cli: users") {
  Sandbox box(mode);
  // With a password, which registering on a server needs (and a local user may have).
  const std::string password = "correct horse\n";
  auto out = box.ok(
      {"user", "add", "alice", "--name", "Alice A", "--bio", "Hello, world", "--password-stdin"},
      password);
  CHECK(out.starts_with("@alice (Alice A)"));
  CHECK(out.find("Hello, world") != std::string::npos);
  CHECK(out.find("\x1b[") == std::string::npos);  // no colour when not a terminal

  SUBCASE("show, as json") {
    auto j = box.json_of({"user", "show", "ALICE"});
    CHECK(j["handle"] == "alice");
    CHECK(j["name"] == "Alice A");
    CHECK(j["bio"] == "Hello, world");
    REQUIRE(j["id"].is_string());
    CHECK(std::regex_match(j["id"].get<std::string>(), std::regex(R"(\d+)")));
    CHECK(std::regex_match(j["created_at"].get<std::string>(), k_rfc3339));
    // By id as well as by handle.
    CHECK(box.json_of({"user", "show", j["id"]})["handle"] == "alice");
  }

  SUBCASE("refusals") {
    // Handles are case-insensitive.
    check_fails(box, {"user", "add", "Alice", "--password-stdin"}, 1, password);
    check_fails(box, {"user", "add", "bad-handle", "--password-stdin"}, 1, password);
    check_fails(box, {"user", "add", "sixteen_chars_xx", "--password-stdin"}, 1, password);
    check_fails(box, {"user", "show", "nobody"}, 1);
    check_fails(box, {"followers", "nobody"}, 1);
    check_fails(box, {"tweets", "nobody"}, 1);
  }

  SUBCASE("list in every format") {
    box.users({"bob", "carol"});
    auto human = box.ok({"user", "list"});
    CHECK(human.find("@carol") < human.find("@bob"));  // newest first
    CHECK(box.json_of({"user", "list"}).size() == 3);
    CHECK(box.json_of({"user", "list", "--limit", "1"}).size() == 1);

    auto csv = box.ok({"user", "list", "--format", "csv"});
    CHECK(csv.starts_with(k_user_header));
    CHECK(lines(csv).size() == 4);
    CHECK(csv.find(",alice,Alice A,") != std::string::npos);

    auto tsv = box.ok({"user", "list", "--format", "tsv"});
    CHECK(lines(tsv).front() ==
          "id\thandle\tname\tcreated_at\tfollowers_count\tfollowing_count\ttweets_count");
    CHECK(lines(tsv).size() == 4);

    auto jsonl = lines(box.ok({"user", "list", "--format", "jsonl"}));
    REQUIRE(jsonl.size() == 3);
    for (const auto& line : jsonl) CHECK(json::parse(line)["id"].is_string());
  }

  SUBCASE("--password-stdin stores a hash, not the password") {
    const std::string password = "correct horse battery staple 42";
    box.ok({"user", "add", "bob", "--password-stdin"}, password + "\n");
    for (const auto& entry : fs::directory_iterator(box.dir.path())) {
      if (!entry.path().filename().string().starts_with("chirp.db")) continue;
      INFO(entry.path());
      CHECK(file_bytes(entry.path()).find(password) == std::string::npos);
    }
    auto core = open_core(box.db());
    CHECK(core.auth().check_password("bob", password).has_value());  // newline stripped
    CHECK_FALSE(core.auth().check_password("bob", password + "\n").has_value());
  }

  SUBCASE("a password breaking the rules creates no user") {
    check_fails(box, {"user", "add", "bob", "--password-stdin"}, 1, "short\n");
    check_fails(box, {"user", "show", "bob"}, 1);
  }

  SUBCASE("without a password: a local user who cannot log in; no registration on a server") {
    auto r = box.run({"user", "add", "dora"});
    INFO(describe({"user", "add", "dora"}, r));
    if (box.remote()) {
      CHECK(r.exit_code == 1);
      CHECK(r.err == "chirp: error: a user registered on a server needs a password (to log in)\n");
      check_fails(box, {"user", "show", "dora"}, 1);
    } else {
      CHECK(r.exit_code == 0);
      CHECK(r.err.find("@dora has no password, so no HTTP login") != std::string::npos);
    }
  }
}

CHIRP_CLI_TEST_CASE("cli: the acting user") {
  Sandbox box(mode);
  box.users({"alice", "bob", "carol"});
  auto config_file = box.dir / "config" / "chirp" / "config";

  SUBCASE("none set: say how to set one") {
    auto r = box.run({"post", "hello"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("--as") != std::string::npos);
    CHECK(r.err.find("CHIRP_USER") != std::string::npos);
    CHECK(r.err.find("chirp use") != std::string::npos);
    check_fails(box, {"timeline"}, 1);
  }

  SUBCASE("use saves the handle; --as beats CHIRP_USER beats use") {
    auto r = box.run({"use", "carol"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    // Locally in the config file; on a server, as that server's default login.
    auto saved = [&] {
      if (!box.remote()) return file_bytes(config_file);
      auto logins = chirp::cli::read_logins(box.url(), box.logins_file());
      return "user=" + logins.current.value_or("") + "\n";
    };
    CHECK(saved() == "user=carol\n");
    check_fails(box, {"use", "nobody"}, 1);
    CHECK(saved() == "user=carol\n");

    auto author = [&](std::vector<std::string> args,
                      const std::map<std::string, std::string>& env) {
      args.insert(args.end(), {"post", "hi", "--format", "json"});
      auto result = box.run(args, "", env);
      INFO(describe(args, result));
      REQUIRE(result.exit_code == 0);
      return json::parse(result.out)["author"]["handle"].get<std::string>();
    };
    CHECK(author({"--as", "alice"}, {{"CHIRP_USER", "bob"}}) == "alice");
    CHECK(author({}, {{"CHIRP_USER", "bob"}}) == "bob");
    CHECK(author({}, {}) == "carol");
  }

  SUBCASE("global options also after the subcommand") {
    auto j = json::parse(box.ok({"post", "hi", "--as", "bob", "--format", "json"}));
    CHECK(j["author"]["handle"] == "bob");
  }

  SUBCASE("an acting user that does not exist") {
    check_fails(box, {"--as", "nobody", "post", "hi"}, 1);
    auto r = box.run({"post", "hi"}, "", {{"CHIRP_USER", "nobody"}});
    CHECK(r.exit_code == 1);
  }
}

CHIRP_CLI_TEST_CASE("cli: posting") {
  Sandbox box(mode);
  box.users({"alice", "bob"});

  SUBCASE("post prints the new id alone; json prints the tweet") {
    auto r = box.run({"--as", "alice", "post", "hello world"});
    CHECK(r.exit_code == 0);
    CHECK(std::regex_match(r.out, k_id_line));
    CHECK(r.err.empty());
    auto j = box.json_of({"--as", "alice", "post", "second"});
    CHECK(j["text"] == "second");
    CHECK(j["id"].is_string());
    CHECK(j["author"]["id"].is_string());
    CHECK(std::regex_match(j["created_at"].get<std::string>(), k_rfc3339));
    auto shown = box.json_of({"show", r.out.substr(0, r.out.size() - 1)});
    CHECK(shown["tweet"]["text"] == "hello world");
  }

  SUBCASE("post - reads the whole of stdin") {
    auto out = box.ok({"--as", "alice", "post", "-"}, "line one\nline two\n");
    auto id = out.substr(0, out.size() - 1);
    CHECK(box.json_of({"show", id})["tweet"]["text"] == "line one\nline two");
  }

  SUBCASE("text rules: refused with core's message, nothing written") {
    std::string longest;
    for (int i = 0; i < 280; ++i) longest += "é";  // 280 code points, 560 bytes
    box.post("alice", longest);
    auto before = box.json_of({"tweets", "alice"}).size();
    for (const std::string& text :
         {longest + "x", std::string("bad \xff\xfe utf-8"), std::string(), std::string("  \n\t ")}) {
      check_fails(box, {"--as", "alice", "post", text}, 1);
    }
    check_fails(box, {"--as", "alice", "post", "-"}, 1, std::string(281, 'a'));
    CHECK(box.json_of({"tweets", "alice"}).size() == before);
    CHECK(box.json_of({"--as", "bob", "timeline"}).empty());
  }

  SUBCASE("replies and the thread") {
    auto root = box.post("alice", "root");
    auto reply = lines(box.ok({"--as", "bob", "reply", root, "a reply"})).at(0);
    auto nested = lines(box.ok({"--as", "alice", "reply", reply, "-"}, "nested\n")).at(0);
    auto j = box.json_of({"show", reply});
    REQUIRE(j["ancestors"].size() == 1);
    CHECK(j["ancestors"][0]["id"] == root);
    CHECK(j["tweet"]["reply_to"] == root);
    REQUIRE(j["replies"].size() == 1);
    CHECK(j["replies"][0]["id"] == nested);

    auto human = lines(box.ok({"show", root}));
    auto line_of = [&](const std::string& text) {
      return *std::find_if(human.begin(), human.end(),
                           [&](const std::string& l) { return l.ends_with(text); });
    };
    CHECK(line_of("root") == "root");
    CHECK(line_of("a reply") == "    a reply");
    CHECK(line_of("nested") == "        nested");
    CHECK(human.front().starts_with("@alice (Name alice) · "));
    CHECK(human.front().ends_with(" · " + root));

    check_fails(box, {"--as", "bob", "reply", "12345", "to nothing"}, 1);
    check_fails(box, {"show", "12345"}, 1);
  }

  SUBCASE("delete: only the author") {
    auto id = box.post("alice", "mine");
    check_fails(box, {"--as", "bob", "delete", id}, 1);
    CHECK(box.json_of({"show", id})["tweet"]["id"] == id);
    auto r = box.run({"--as", "alice", "delete", id});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    check_fails(box, {"show", id}, 1);
    check_fails(box, {"--as", "alice", "delete", id}, 1);
  }

  SUBCASE("like, unlike, retweet, unretweet") {
    auto id = box.post("alice", "likeable");
    CHECK(box.json_of({"--as", "bob", "like", id})["like_count"] == 1);
    CHECK(box.json_of({"--as", "bob", "like", id})["like_count"] == 1);  // idempotent
    CHECK(box.json_of({"--as", "bob", "unlike", id})["like_count"] == 0);
    check_fails(box, {"--as", "bob", "like", "12345"}, 1);

    auto retweet = box.ok({"--as", "bob", "retweet", id});
    CHECK(std::regex_match(retweet, k_id_line));
    CHECK(box.json_of({"show", id})["tweet"]["retweet_count"] == 1);
    CHECK(box.run({"--as", "bob", "unretweet", id}).exit_code == 0);
    CHECK(box.json_of({"show", id})["tweet"]["retweet_count"] == 0);
    // Undoing again is no failure (like unlike and unfollow): a note says so.
    auto again = box.run({"--as", "bob", "unretweet", id});
    CHECK(again.exit_code == 0);
    CHECK(again.err == "you had not retweeted " + id + "\n");
  }
}

CHIRP_CLI_TEST_CASE("cli: follows and timelines") {
  Sandbox box(mode);
  box.users({"alice", "bob", "carol"});
  box.follow("bob", "alice");

  SUBCASE("a followed user's tweet is in the timeline at once (the CLI drains)") {
    auto id = box.post("alice", "fresh");
    CHECK(open_core(box.db()).fanout().queue_status().depth == 0);
    CHECK(box.timeline_ids("bob") == std::vector<std::string>{id});
    auto human = box.ok({"--as", "bob", "timeline"});
    CHECK(human.starts_with("@alice (Name alice) · "));
    CHECK(human.find("\nfresh\n♥ 0  ⟲ 0  ↩ 0\n") != std::string::npos);
    CHECK(box.timeline_ids("carol").empty());
  }

  SUBCASE("a retweet reaches the retweeter's followers as the retweeter's entry") {
    box.ok({"--as", "carol", "follow", "bob"});
    auto id = box.post("alice", "worth sharing");
    box.ok({"--as", "bob", "retweet", id});
    auto timeline = box.json_of({"--as", "carol", "timeline"});
    REQUIRE(timeline.size() == 1);
    CHECK(timeline[0]["author"]["handle"] == "bob");
    CHECK(timeline[0]["retweet_of"] == id);
    CHECK(timeline[0]["retweeted_tweet"]["text"] == "worth sharing");
    auto human = box.ok({"--as", "carol", "timeline"});
    CHECK(human.find("@bob retweeted") < human.find("@alice"));
    CHECK(human.find("worth sharing") != std::string::npos);
  }

  SUBCASE("follow refusals") {
    check_fails(box, {"--as", "alice", "follow", "alice"}, 1);
    check_fails(box, {"--as", "alice", "follow", "nobody"}, 1);
    // Each in turn: a refusal is reported, the rest still done (issue 10), exit 1.
    auto r = box.run({"--as", "carol", "follow", "alice", "nobody", "bob"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "following @alice\nchirp: error: no user 'nobody'\nfollowing @bob\n");
    auto following = box.json_of({"following", "carol"});
    REQUIRE(following.size() == 2);
    CHECK(following[0]["handle"] == "bob");
    CHECK(following[1]["handle"] == "alice");
  }

  SUBCASE("followers, following, unfollow") {
    box.ok({"--as", "carol", "follow", "alice", "bob"});
    auto followers = box.ok({"followers", "alice", "--format", "csv"});
    CHECK(followers.starts_with(k_user_header));
    CHECK(lines(followers).size() == 3);
    CHECK(box.json_of({"followers", "alice", "--limit", "1"}).size() == 1);
    CHECK(box.json_of({"following", "carol"}).size() == 2);
    CHECK(box.json_of({"user", "show", "alice"})["followers_count"] == 2);

    auto id = box.post("alice", "before unfollow");
    CHECK(box.timeline_ids("carol") == std::vector<std::string>{id});
    auto r = box.run({"--as", "carol", "unfollow", "alice"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(box.timeline_ids("carol").empty());
    CHECK(box.json_of({"user", "show", "alice"})["followers_count"] == 1);
  }

  SUBCASE("paging with --limit, --max-id and --since-id") {
    auto first = box.post("alice", "one");
    auto second = box.post("alice", "two");
    auto third = box.post("alice", "three");
    auto ids = [&](std::vector<std::string> args) {
      std::vector<std::string> out;
      for (const auto& t : box.json_of(args)) out.push_back(t["id"]);
      return out;
    };
    using V = std::vector<std::string>;
    CHECK(ids({"--as", "bob", "timeline"}) == V{third, second, first});
    CHECK(ids({"--as", "bob", "timeline", "--limit", "2"}) == V{third, second});
    CHECK(ids({"--as", "bob", "timeline", "--max-id", second}) == V{first});
    CHECK(ids({"--as", "bob", "timeline", "--since-id", first}) == V{third, second});
    CHECK(ids({"tweets", "alice", "--limit", "1"}) == V{third});
    CHECK(ids({"tweets", "alice", "--max-id", third, "--since-id", first}) == V{second});
  }
}

CHIRP_CLI_TEST_CASE("cli: output formats of tweets") {
  Sandbox box(mode);
  box.users({"alice"});
  auto id = box.post("alice", "comma, \"quote\"\nnew line\tand tab \\ backslash");

  SUBCASE("csv quotes per RFC 4180") {
    auto csv = box.ok({"tweets", "alice", "--format", "csv"});
    CHECK(csv.starts_with(k_tweet_header));
    CHECK(csv.find(id + ",") != std::string::npos);
    CHECK(csv.find(",alice,\"comma, \"\"quote\"\"\nnew line\tand tab \\ backslash\",,,0,0,0,,\n") !=
          std::string::npos);
  }

  SUBCASE("tsv escapes tab, newline and backslash") {
    auto tsv = lines(box.ok({"tweets", "alice", "--format", "tsv"}));
    REQUIRE(tsv.size() == 2);
    CHECK(tsv[0] ==
          "id\tcreated_at\tauthor\ttext\treply_to\tretweet_of\tlike_count\tretweet_count\t"
          "reply_count\tmentions\thashtags");
    CHECK(tsv[1].starts_with(id + "\t"));
    CHECK(tsv[1].find("\talice\tcomma, \"quote\"\\nnew line\\tand tab \\\\ backslash\t\t\t0\t0\t0") !=
          std::string::npos);
  }

  SUBCASE("json is an array for a list, jsonl one object per line") {
    box.post("alice", "second");
    auto array = box.json_of({"tweets", "alice"});
    REQUIRE(array.is_array());
    CHECK(array.size() == 2);
    auto jsonl = lines(box.ok({"tweets", "alice", "--format", "jsonl"}));
    REQUIRE(jsonl.size() == 2);
    CHECK(json::parse(jsonl[0])["text"] == "second");
    CHECK(json::parse(jsonl[1])["id"] == id);
  }

  SUBCASE("a single tweet in csv has the header too") {
    auto csv = lines(box.ok({"--as", "alice", "post", "solo", "--format", "csv"}));
    REQUIRE(csv.size() == 2);
    CHECK(csv[0] + "\n" == k_tweet_header);
  }
}

TEST_CASE("cli: config") {
  Sandbox box;

  SUBCASE("list, get, set") {
    auto human = lines(box.ok({"config", "list"}));
    CHECK(human.front().starts_with("KEY"));
    auto all = box.json_of({"config", "list"});
    REQUIRE(all.size() == chirp::setting_specs().size());
    for (const auto& s : all) {
      CHECK(s.contains("key"));
      CHECK(s.contains("value"));
      CHECK(s.contains("default"));
      CHECK(s.contains("description"));
    }
    auto key = std::string(chirp::setting::fanout_batch);
    auto spec = chirp::find_setting_spec(key);
    REQUIRE(spec != nullptr);
    CHECK(box.ok({"config", "get", key}) == std::to_string(spec->default_value) + "\n");
    auto set = box.json_of({"config", "set", key, "7"});
    CHECK(set["value"] == 7);
    CHECK(set["is_default"] == false);
    CHECK(box.ok({"config", "get", key}) == "7\n");
    CHECK(box.ok({"config", "get", key, "--format", "csv"})
              .starts_with("key,value,default,min,max,description\n" + key + ",7,"));
  }

  SUBCASE("unknown keys and bad values are refused") {
    check_fails(box, {"config", "get", "no.such.key"}, 1);
    check_fails(box, {"config", "set", "no.such.key", "1"}, 1);
    check_fails(box, {"config", "set", chirp::setting::fanout_batch, "lots"}, 1);
    check_fails(box, {"config", "set", chirp::setting::fanout_batch, "-5"}, 1);
  }
}

TEST_CASE("cli: worker") {
  Sandbox box;
  box.users({"alice", "bob"});
  box.follow("bob", "alice");
  chirp::Id alice = 0;
  chirp::Id bob = 0;
  {
    auto core = open_core(box.db());
    alice = core.users().find("alice")->id;
    bob = core.users().find("bob")->id;
  }

  SUBCASE("drains what another process queued") {
    chirp::Id posted = 0;
    {
      auto core = open_core(box.db());
      posted = core.tweets().post(alice, {.text = "queued elsewhere"})->id;
      REQUIRE(core.fanout().queue_status().depth == 1);
    }
    auto r = box.run({"worker"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(std::regex_search(r.err, std::regex(R"(^fanned out 1 items, \d+ rows)")));
    auto core = open_core(box.db());
    CHECK(core.fanout().queue_status().depth == 0);
    CHECK(box.timeline_ids("bob") == std::vector<std::string>{std::to_string(posted)});
    CHECK(box.run({"worker"}).err == "fanned out 0 items, 0 rows\n");
  }

  SUBCASE("--follow keeps draining until SIGTERM, then exits 0") {
    TempDir io;
    std::string db = box.db().string();
    std::string err_path = (io / "stderr").string();
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int devnull = ::open("/dev/null", O_RDWR);
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::dup2(err, 2);
      ::execl(CHIRP_BINARY, CHIRP_BINARY, "--db", db.c_str(), "worker", "--follow",
              "--interval-ms", "20", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto core = open_core(box.db());
    auto posted = core.tweets().post(alice, {.text = "live"})->id;
    bool drained = false;
    for (int i = 0; i < 500 && !drained; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      drained = core.fanout().queue_status().depth == 0;
    }
    CHECK(drained);
    auto page = core.timelines().home(bob, {}, bob);
    REQUIRE(page.has_value());
    REQUIRE_FALSE(page->items.empty());
    CHECK(page->items.front().id == posted);
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(file_bytes(err_path).find("fanned out 1 items") != std::string::npos);
  }
}

TEST_CASE("cli: passwords and tokens") {
  Sandbox box;
  box.ok({"user", "add", "alice", "--password-stdin"}, "first passphrase\n");
  box.users({"bob"});

  // A token from `user token` authenticates until the password changes.
  auto token = box.ok({"user", "token", "alice"});
  REQUIRE(token.ends_with("\n"));
  token.pop_back();
  {
    auto core = open_core(box.db());
    auto who = core.auth().authenticate(token);
    REQUIRE(who.has_value());
    CHECK(who->handle == "alice");
  }
  auto changed = box.run({"user", "passwd", "alice"}, "second passphrase\n");
  CHECK(changed.exit_code == 0);
  CHECK(changed.out.empty());
  auto core = open_core(box.db());
  CHECK_FALSE(core.auth().authenticate(token).has_value());
  CHECK_FALSE(core.auth().login("alice", "first passphrase").has_value());
  CHECK(core.auth().login("alice", "second passphrase").has_value());

  check_fails(box, {"user", "passwd", "alice"}, 1, "short\n");  // under 8 characters
  CHECK(core.auth().login("alice", "second passphrase").has_value());  // unchanged
  check_fails(box, {"user", "passwd", "nobody"}, 1, "a fine passphrase\n");
  check_fails(box, {"user", "token", "nobody"}, 1);
  check_fails(box, {"user", "token"}, 2);
}
