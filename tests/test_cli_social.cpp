// The CLI's blocks, mutes and notifications, run as a subprocess.

#include "cli_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace chirp::test;
using namespace chirp::test::cli;

CHIRP_CLI_TEST_CASE("cli: block, unblock, mute, unmute, blocks, mutes") {
  Sandbox box(mode);
  box.users({"alice", "bob", "carol", "dave"});
  box.follow("bob", "alice");
  box.follow("alice", "bob");

  SUBCASE("many handles and stdin; a failure is reported and the rest done") {
    auto r = box.run({"--as", "alice", "block", "bob", "nobody", "-"}, "carol\n");
    INFO(describe({"block"}, r));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("blocked @bob") != std::string::npos);
    CHECK(r.err.find("blocked @carol") != std::string::npos);
    CHECK(r.err.find("nobody") != std::string::npos);
    auto blocks = box.json_of({"--as", "alice", "blocks"});
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0]["handle"] == "carol");
    CHECK(blocks[1]["handle"] == "bob");
    // The follows ended both ways, with their counters.
    auto bob = box.json_of({"user", "show", "bob"});
    CHECK(bob["followers_count"] == 0);
    CHECK(bob["following_count"] == 0);
    CHECK(box.ok({"--as", "alice", "following", "alice"}).empty());

    // Undoing nothing is no failure, with a note.
    r = box.run({"--as", "alice", "unblock", "bob", "dave"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("unblocked @bob") != std::string::npos);
    CHECK(r.err.find("you were not blocking @dave") != std::string::npos);
    CHECK(box.json_of({"--as", "alice", "blocks"}).size() == 1);
    CHECK(box.ok({"--as", "alice", "blocks", "--format", "csv"}).starts_with(k_user_header));
  }

  SUBCASE("the blocked user cannot follow, like, reply or retweet: exit 1, a clear message") {
    std::string tweet = box.post("alice", "alice's");
    box.ok({"--as", "alice", "block", "bob"});
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"--as", "bob", "follow", "alice"},
                                               {"--as", "bob", "like", tweet},
                                               {"--as", "bob", "retweet", tweet},
                                               {"--as", "bob", "reply", tweet, "hi"}}) {
      auto r = box.run(args);
      INFO(describe(args, r));
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK(r.err.find("@alice has blocked you") != std::string::npos);
    }
    CHECK(box.json_of({"user", "show", "alice"})["followers_count"] == 0);
  }

  SUBCASE("a mute hides the muted user's tweets from the muter only") {
    box.follow("carol", "alice");
    box.ok({"--as", "bob", "mute", "alice"});
    std::string tweet = box.post("alice", "muted");
    CHECK(box.timeline_ids("bob").empty());
    CHECK(box.timeline_ids("carol") == std::vector<std::string>{tweet});
    CHECK(box.json_of({"--as", "bob", "mutes"})[0]["handle"] == "alice");
    box.ok({"--as", "bob", "unmute", "alice"});
    CHECK(box.timeline_ids("bob") == std::vector<std::string>{tweet});
    auto r = box.run({"--as", "bob", "unmute", "alice"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("you were not muting @alice") != std::string::npos);
  }

  SUBCASE("oneself is refused") {
    check_fails(box, {"--as", "alice", "block", "alice"}, 1);
    check_fails(box, {"--as", "alice", "mute", "alice"}, 1);
    check_fails(box, {"block", "bob"}, 1);  // no acting user
  }
}

CHIRP_CLI_TEST_CASE("cli: notifications") {
  Sandbox box(mode);
  box.users({"alice", "bob"});
  std::string tweet = box.post("alice", "alice's tweet");
  box.ok({"--as", "bob", "follow", "alice"});
  box.ok({"--as", "bob", "like", tweet});
  box.ok({"--as", "bob", "unlike", tweet});
  box.ok({"--as", "bob", "like", tweet});
  std::string reply = box.ok({"--as", "bob", "reply", tweet, "hi @alice"});
  reply.pop_back();

  SUBCASE("each format; one readable line each in the human one") {
    auto human = lines(box.ok({"--as", "alice", "notifications"}));
    REQUIRE(human.size() == 3);  // the like once; the reply, not also a mention
    CHECK(human[0].find("@bob replied to you: hi @alice") != std::string::npos);
    CHECK(human[1].find("@bob liked your tweet: alice's tweet") != std::string::npos);
    CHECK(human[2].find("@bob followed you") != std::string::npos);

    auto list = box.json_of({"--as", "alice", "notifications"});
    REQUIRE(list.size() == 3);
    CHECK(list[0]["kind"] == "reply");
    CHECK(list[0]["tweet"]["id"] == reply);
    CHECK(list[0]["actor"]["handle"] == "bob");
    CHECK(list[0]["read"] == false);
    CHECK(std::regex_match(list[0]["created_at"].get<std::string>(), k_rfc3339));
    CHECK(list[2]["kind"] == "follow");
    CHECK(list[2]["tweet"].is_null());
    CHECK(lines(box.ok({"--as", "alice", "notifications", "--format", "jsonl"})).size() == 3);
    auto csv = box.ok({"--as", "alice", "notifications", "--format", "csv"});
    CHECK(csv.starts_with("id,created_at,kind,actor,tweet,read\n"));
    CHECK(lines(box.ok({"--as", "alice", "notifications", "--format", "tsv"})).size() == 4);
    CHECK(box.json_of({"--as", "bob", "notifications"}).empty());
  }

  SUBCASE("--limit pages, --unread and --mark-read, and the count on one's own profile") {
    CHECK(box.json_of({"user", "show", "alice"}).contains("unread_notifications") == false);
    CHECK(box.json_of({"--as", "alice", "user", "show", "alice"})["unread_notifications"] == 3);
    CHECK(box.json_of({"--as", "bob", "user", "show", "alice"}).contains("unread_notifications") ==
          false);
    auto page = box.json_of({"--as", "alice", "notifications", "--limit", "2"});
    REQUIRE(page.size() == 2);
    auto older = box.json_of(
        {"--as", "alice", "notifications", "--max-id", page[1]["id"].get<std::string>()});
    REQUIRE(older.size() == 1);
    CHECK(older[0]["kind"] == "follow");

    auto r = box.run({"--as", "alice", "notifications", "--max-id",
                      page[0]["id"].get<std::string>(), "--limit", "1", "--mark-read"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("marked 2 notifications read") != std::string::npos);
    auto unread = box.json_of({"--as", "alice", "notifications", "--unread"});
    REQUIRE(unread.size() == 1);
    CHECK(unread[0]["kind"] == "reply");
    CHECK(box.json_of({"--as", "alice", "user", "show", "alice"})["unread_notifications"] == 1);
    check_fails(box, {"--as", "alice", "notifications", "--limit", "0"}, 2);
    check_fails(box, {"notifications"}, 1);  // no acting user
  }

  SUBCASE("a deleted tweet takes its notifications along") {
    box.ok({"--as", "bob", "delete", reply});
    CHECK(box.json_of({"--as", "alice", "notifications"}).size() == 2);
  }
}
