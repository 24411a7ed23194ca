// The command line as shells and scripts use it: many ids at once, stdin, undo, help,
// usage errors, version, text that starts with a dash, and what a terminal sees.
#include "cli_support.hpp"
#include "terminal_support.hpp"

#include <doctest/doctest.h>

using namespace chirp::test::cli;
using chirp::test::run_chirp_on_terminal;
using chirp::test::run_chirp;

CHIRP_CLI_TEST_CASE("cli: many ids and handles, or - for stdin") {
  Sandbox box(mode);
  box.users({"alice", "bob", "carol"});
  auto one = box.post("alice", "one");
  auto two = box.post("alice", "two");

  SUBCASE("like takes many ids; a list prints as a list") {
    auto liked = box.json_of({"--as", "bob", "like", one, two});
    REQUIRE(liked.is_array());
    CHECK(liked.size() == 2);
    CHECK(box.json_of({"show", one})["tweet"]["like_count"] == 1);
    CHECK(box.json_of({"show", two})["tweet"]["like_count"] == 1);
    // One id still prints one object, as before.
    CHECK(box.json_of({"--as", "carol", "like", one}).is_object());
  }

  SUBCASE("- reads ids from stdin, one a line (xargs without -n1)") {
    auto r = box.run({"--as", "bob", "retweet", "-"}, one + "\n\n  " + two + "  \n");
    INFO(describe({"retweet", "-"}, r));
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out).size() == 2);
    CHECK(box.json_of({"show", one})["tweet"]["retweet_count"] == 1);
    CHECK(box.json_of({"show", two})["tweet"]["retweet_count"] == 1);
  }

  SUBCASE("a failure is reported, the rest still done, exit 1") {
    auto r = box.run({"--as", "bob", "like", one, "12345", two});
    INFO(describe({"like", one, "12345", two}, r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("chirp: error: no tweet with id 12345") != std::string::npos);
    CHECK(box.json_of({"show", two})["tweet"]["like_count"] == 1);

    auto from_stdin = box.run({"--as", "bob", "unlike", "-"}, one + "\nnot-an-id\n" + two + "\n");
    CHECK(from_stdin.exit_code == 1);
    CHECK(from_stdin.err.find("not a tweet id: 'not-an-id'") != std::string::npos);
    CHECK(box.json_of({"show", two})["tweet"]["like_count"] == 0);
  }

  SUBCASE("follow bob nosuch carol follows bob and carol") {
    auto r = box.run({"--as", "alice", "follow", "bob", "nosuch", "carol"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("chirp: error: no user 'nosuch'") != std::string::npos);
    CHECK(box.json_of({"following", "alice"}).size() == 2);
    CHECK(box.run({"--as", "alice", "unfollow", "-"}, "bob\ncarol\n").exit_code == 0);
    CHECK(box.json_of({"following", "alice"}).empty());
  }

  SUBCASE("delete, show and user show take many") {
    auto shown = box.json_of({"show", one, two});
    REQUIRE(shown.is_array());
    CHECK(shown[1]["tweet"]["text"] == "two");
    CHECK(box.json_of({"user", "show", "alice", "bob"}).size() == 2);
    auto csv = box.ok({"user", "show", "-", "--format", "csv"}, "alice\nbob\ncarol\n");
    CHECK(lines(csv).size() == 4);  // one header
    CHECK(box.run({"--as", "alice", "delete", one, two}).exit_code == 0);
    CHECK(box.json_of({"tweets", "alice"}).empty());
  }

  SUBCASE("an argument that is not an id is a usage error before anything runs") {
    check_fails(box, {"--as", "bob", "like", one, "x"}, 2);
    CHECK(box.json_of({"show", one})["tweet"]["like_count"] == 0);
  }
}

CHIRP_CLI_TEST_CASE("cli: undoing what was not done is exit 0 with a note") {
  Sandbox box(mode);
  box.users({"alice", "bob"});
  auto id = box.post("alice", "hello");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--as", "bob", "unlike", id},
           {"--as", "bob", "unretweet", id},
           {"--as", "bob", "unfollow", "alice"}}) {
    auto r = box.run(args);
    INFO(describe(args, r));
    CHECK(r.exit_code == 0);
    bool noted = r.err.starts_with("you had not") || r.err.starts_with("you were not");
    CHECK(noted);
  }
  // A missing tweet or user is still a failure.
  check_fails(box, {"--as", "bob", "unretweet", "12345"}, 1);
  check_fails(box, {"--as", "bob", "unlike", "12345"}, 1);
  check_fails(box, {"--as", "bob", "unfollow", "nobody"}, 1);
}

CHIRP_CLI_TEST_CASE("cli: help, version and usage errors") {
  Sandbox box(mode);

  SUBCASE("--version") {
    auto r = box.run({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "chirp " CHIRP_VERSION "\n");
  }

  SUBCASE("a subcommand's help shows the global options") {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"post", "--help"}, {"user", "add", "--help"}, {"timeline", "-h"}}) {
      auto r = box.run(args);
      INFO(describe(args, r));
      CHECK(r.exit_code == 0);
      for (const char* option : {"--db PATH", "--as HANDLE", "--format FORMAT"}) {
        CHECK(r.out.find(option) != std::string::npos);
      }
    }
  }

  SUBCASE("usage errors have the chirp: error: prefix") {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"post"}, {"show", "abc"}, {"frobnicate"}, {"timeline", "--limit", "0"}, {}}) {
      auto r = box.run(args);
      INFO(describe(args, r));
      CHECK(r.exit_code == 2);
      CHECK(r.err.starts_with("chirp: error: "));
    }
  }

  SUBCASE("text that starts with a dash goes after --; a dash word gets a hint") {
    box.users({"alice"});
    auto out = box.ok({"--as", "alice", "post", "--", "-x"});
    CHECK(std::regex_match(out, k_id_line));
    CHECK(box.json_of({"tweets", "alice"})[0]["text"] == "-x");
    auto r = box.run({"--as", "alice", "post", "-x"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("chirp post -- -x") != std::string::npos);
  }
}

TEST_CASE("cli: --db in a missing folder is an error; the default location is created") {
  Sandbox box;
  auto missing = box.dir / "no" / "such" / "x.db";
  auto r = run_chirp({"--db", missing.string(), "user", "list"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.starts_with("chirp: error: "));
  CHECK(r.err.find((box.dir / "no" / "such").string()) != std::string::npos);
  CHECK_FALSE(fs::exists(box.dir / "no"));
  CHECK(run_chirp({"user", "list"}, {{"CHIRP_DB", missing.string()}}).exit_code == 1);
  CHECK_FALSE(fs::exists(box.dir / "no"));
  // The default location's folders are made.
  auto xdg = box.dir / "xdg";
  CHECK(run_chirp({"user", "list"}, {{"XDG_DATA_HOME", xdg.string()}}).exit_code == 0);
  CHECK(fs::exists(xdg / "chirp" / "chirp.db"));
}

CHIRP_CLI_TEST_CASE("cli: retweets read well in every format") {
  Sandbox box(mode);
  box.users({"alice", "bob"});
  box.follow("bob", "alice");
  auto id = box.post("alice", "worth sharing");
  box.ok({"--as", "bob", "retweet", id});
  box.post("bob", "my own");

  // The README's idiom prints every entry's text, the retweet's too.
  auto jsonl = box.ok({"--as", "bob", "timeline", "--format", "jsonl"});
  std::vector<std::string> texts;
  for (const auto& line : lines(jsonl)) texts.push_back(json::parse(line)["text"]);
  CHECK(texts == std::vector<std::string>{"my own", "worth sharing", "worth sharing"});

  auto csv = lines(box.ok({"--as", "bob", "timeline", "--format", "csv"}));
  REQUIRE(csv.size() == 4);
  CHECK(csv[2].find(",bob,worth sharing,," + id + ",") != std::string::npos);
  auto tsv = lines(box.ok({"tweets", "bob", "--format", "tsv"}));
  REQUIRE(tsv.size() == 3);
  CHECK(tsv[2].find("\tbob\tworth sharing\t\t" + id + "\t") != std::string::npos);
}

TEST_CASE("cli: at a terminal") {
  Sandbox box;

  SUBCASE("an empty timeline says so (and prints nothing off a terminal)") {
    box.users({"alice"});
    auto r = run_chirp_on_terminal({"--as", "alice", "timeline"}, box.env);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("no tweets in your timeline yet") != std::string::npos);
    CHECK(box.ok({"--as", "alice", "timeline"}).empty());
  }

  SUBCASE("user add asks for a password twice, without echo") {
    auto r = run_chirp_on_terminal({"user", "add", "dana"}, box.env,
                                   {{"Password for @dana", "correct horse\n"},
                                    {"confirm", "correct horse\n"}});
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("correct horse") == std::string::npos);  // never echoed
    CHECK(open_core(box.db()).auth().login("dana", "correct horse").has_value());
  }

  SUBCASE("passwords that differ are asked again; three misses create nothing") {
    auto r = run_chirp_on_terminal(
        {"user", "add", "erin"}, box.env,
        {{"Password", "one passphrase\n"}, {"confirm", "another one\n"},
         {"differ", ""}, {"Password", "one passphrase\n"}, {"confirm", "one passphrase\n"}});
    CHECK(r.exit_code == 0);
    CHECK(open_core(box.db()).auth().login("erin", "one passphrase").has_value());

    auto refused = run_chirp_on_terminal(
        {"user", "add", "fred"}, box.env,
        {{"Password", "a\n"}, {"confirm", "b\n"}, {"Password", "a\n"}, {"confirm", "b\n"},
         {"Password", "a\n"}, {"confirm", "b\n"}});
    CHECK(refused.exit_code == 1);
    CHECK(refused.out.find("chirp: error: ") != std::string::npos);
    CHECK_FALSE(open_core(box.db()).users().find("fred").has_value());
  }

  SUBCASE("user passwd asks too; off a terminal it reads stdin as before") {
    box.users({"gail"});
    auto r = run_chirp_on_terminal({"user", "passwd", "gail"}, box.env,
                                   {{"New password", "battery staple\n"},
                                    {"confirm", "battery staple\n"}});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("battery staple") == std::string::npos);
    CHECK(open_core(box.db()).auth().login("gail", "battery staple").has_value());
    box.ok({"user", "passwd", "gail"}, "from a pipe now\n");
    CHECK(open_core(box.db()).auth().login("gail", "from a pipe now").has_value());
  }
}
