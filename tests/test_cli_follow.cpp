// chirp timeline --follow and chirp notifications --follow through the CLI binary: new
// entries are printed as they arrive in every --format, the command works at the head
// of a pipeline (ends quietly with exit 0 once the reader exits), and ends on SIGINT
// (130) or SIGTERM (143) as a shell reports a command those signals ended.
#include "cli_support.hpp"
#include "follow_support.hpp"
#include "server_support.hpp"

#include <chirp/settings.hpp>

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <csignal>
#include <set>

using namespace chirp::test;
using namespace chirp::test::cli;
using namespace std::chrono_literals;

namespace {

std::size_t count_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& line : lines) n += line.starts_with(prefix) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("cli follow: timeline --follow prints each new tweet as it arrives, in every format") {
  Sandbox box;
  box.users({"alice", "bob"});
  box.follow("bob", "alice");
  int round = 0;
  for (const std::string format : {"human", "json", "jsonl", "csv", "tsv"}) {
    CAPTURE(format);
    ++round;
    std::string before = fmt::format("already there {}", round);
    box.post("alice", before);
    auto follow = RunningCommand::chirp({"--as", "bob", "timeline", "--follow", "--limit", "1",
                                         "--format", format}, box.env);
    std::vector<std::string> seen;
    REQUIRE(follow.until_line_with(before, seen));  // the page, read before anything new
    std::string fresh = fmt::format("arrived while following {}", round);
    auto fresh_id = box.post("alice", fresh);
    std::string own = fmt::format("and my own {}", round);
    box.post("bob", own);
    REQUIRE(follow.until_line_with(fresh, seen));
    REQUIRE(follow.until_line_with(own, seen));
    if (format == "jsonl") {
      for (const auto& line : seen) {
        auto tweet = json::parse(line);  // one object per line
        CHECK(tweet.is_object());
      }
      CHECK(json::parse(seen[1])["id"] == fresh_id);
    }
    if (format == "csv") CHECK(count_starting(seen, "id,created_at,author,text") == 1);
    if (format == "tsv") CHECK(count_starting(seen, "id\tcreated_at\tauthor\ttext") == 1);
    if (format == "csv" || format == "tsv") CHECK(seen.size() == 4);  // header and 3 rows
    follow.signal(SIGINT);
    CHECK(follow.wait() == 130);
    CHECK(follow.err().empty());
  }
}

CHIRP_CLI_TEST_CASE("cli follow: notifications --follow prints each new notification as it arrives") {
  Sandbox box(mode);
  box.users({"alice", "bob", "carol"});
  for (const std::string format : {"human", "jsonl", "csv", "tsv", "json"}) {
    CAPTURE(format);
    auto follow = RunningCommand::chirp(
        box.args_of({"--as", "alice", "notifications", "--follow", "--format", format}), box.env);
    // Something printed first, so the new notification is surely one that came after
    // the command started: the header, or, for the others, a first mention.
    std::vector<std::string> seen;
    if (format == "csv" || format == "tsv") {
      auto header = follow.line();
      REQUIRE(header);
      CHECK(header->starts_with(format == "csv" ? "id,created_at,kind" : "id\tcreated_at\tkind"));
    }
    box.post("bob", "hello @alice (" + format + ")");
    REQUIRE(follow.until_line_with("mention", seen));
    box.post("carol", "hi @alice (" + format + ")");
    REQUIRE(follow.until_line_with("carol", seen));
    if (format == "jsonl") {
      for (const auto& line : seen) CHECK(json::parse(line)["kind"] == "mention");
    }
    follow.signal(SIGTERM);
    CHECK(follow.wait() == 143);
    CHECK(follow.err().empty());
  }
}

TEST_CASE("cli follow: at the head of a pipeline it ends quietly with exit 0 once the reader exits") {
  Sandbox box;
  box.users({"alice", "bob"});
  box.follow("bob", "alice");
  box.post("alice", "first");
  for (const std::string command : {"timeline", "notifications"}) {
    CAPTURE(command);
    // pipefail: the pipeline's status is chirp's, unless head failed.
    auto pipeline = RunningCommand(
        {"/bin/bash", "-c",
         fmt::format("set -o pipefail; '{}' --as bob {} --follow --format jsonl | head -n 2", CHIRP_BINARY,
                     command)},
        box.env);
    // head holds its output until it has its lines: both are posted at once (each is
    // printed once, from the first page or as it arrives).
    if (command == "timeline") {
      box.post("alice", "second");
    } else {
      box.post("alice", "@bob one");
      box.post("alice", "@bob two");
    }
    std::vector<std::string> seen;
    REQUIRE(pipeline.until_line_with(command == "timeline" ? "second" : "two", seen));
    CHECK(seen.size() == 2);
    CHECK(pipeline.wait() == 0);  // chirp saw head go, and ended without being told
    CHECK(pipeline.err().empty());
  }
}

TEST_CASE("cli follow: remote timeline --follow reads the server's stream, and resumes after the server restarts") {
  Sandbox box(Mode::remote);
  box.users({"alice", "bob"});
  box.follow("bob", "alice");
  {
    auto core = open_core(box.db());
    REQUIRE(core.settings().set(chirp::setting::stream_retry_ms, "200").has_value());
  }
  box.post("alice", "before following");
  const std::string url = box.url();
  auto follow = RunningCommand::chirp({"--server", url, "--as", "bob", "timeline", "--follow",
                                       "--format", "jsonl"}, box.env);
  std::vector<std::string> seen;
  REQUIRE(follow.until_line_with("before following", seen));
  auto fresh = box.post("alice", "sent over the stream");
  REQUIRE(follow.until_line_with("sent over the stream", seen));
  CHECK(json::parse(seen.back())["id"] == fresh);

  // The server goes away; a tweet is posted on the database meanwhile; a server comes
  // back on the same port: the stream resumes with Last-Event-ID, and the tweet posted
  // while it was away is printed, once.
  const int port = box.server->port();
  REQUIRE(box.server->stop() == 0);
  box.server.reset();
  {
    auto core = open_core(box.db());
    REQUIRE(core.tweets().post(core.users().find("alice")->id, {.text = "while the server was away"}).has_value());
    core.fanout().drain();
  }
  box.server = std::make_unique<ServerProcess>(box.db(), ServerOptions{.extra_args = {"--port", std::to_string(port)}});
  REQUIRE(box.url() == url);
  REQUIRE(follow.until_line_with("while the server was away", seen));
  auto after = box.post("alice", "after the restart");
  REQUIRE(follow.until_line_with("after the restart", seen));
  std::vector<std::string> ids;
  for (const auto& line : seen) ids.push_back(json::parse(line)["id"]);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());  // each once
  follow.signal(SIGINT);
  CHECK(follow.wait() == 130);
  // Said once for the one loss, not at each attempt while the server was away.
  auto err = follow.err();
  CHECK(err.find("reconnecting") != std::string::npos);
  CHECK(err.find("reconnecting") == err.rfind("reconnecting"));
}
