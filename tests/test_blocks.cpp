// Blocks and mutes through the core API: the follows a block ends, what it refuses,
// and what blocks and mutes hide, whether the tweet was still queued or already pushed.

#include "support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using chirp::Code;
using chirp::Id;
using chirp::test::TestDb;
using chirp::test::check_error;
using chirp::test::contains;
using chirp::test::must;
using chirp::test::must_ok;

namespace {

std::int64_t followers(TestDb& db, Id user) { return must(db.core.users().by_id(user)).followers_count; }
std::int64_t following(TestDb& db, Id user) { return must(db.core.users().by_id(user)).following_count; }

std::string inbox_rows(TestDb& db, Id reader, Id tweet) {
  return chirp::test::sqlite3(db.dir / "chirp.db", "SELECT count(*) FROM timeline WHERE reader = " +
                                                       std::to_string(reader) +
                                                       " AND tweet = " + std::to_string(tweet));
}

void check_clean(TestDb& db) {
  auto report = db.core.maintenance().check();
  for (const auto& problem : report.problems) CAPTURE(problem.message);
  CHECK(report.problem_count == 0);
}

}  // namespace

TEST_CASE("chirp::Blocks block") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  must_ok(db.core.graph().follow(alice, bob));
  must_ok(db.core.graph().follow(bob, alice));
  must_ok(db.core.graph().follow(carol, alice));
  Id tweet = db.post(alice, "hello");
  db.core.fanout().drain();
  REQUIRE(contains(db.home_ids(bob), tweet));

  SUBCASE("ends the follows both ways, with their counters, and the pushed tweets") {
    must_ok(db.core.blocks().block(alice, bob));
    CHECK_FALSE(db.core.graph().is_following(alice, bob));
    CHECK_FALSE(db.core.graph().is_following(bob, alice));
    CHECK(followers(db, alice) == 1);  // carol
    CHECK(following(db, alice) == 0);
    CHECK(followers(db, bob) == 0);
    CHECK(following(db, bob) == 0);
    CHECK(inbox_rows(db, bob, tweet) == "0");
    CHECK(db.core.blocks().is_blocking(alice, bob));
    CHECK_FALSE(db.core.blocks().is_blocking(bob, alice));
    must_ok(db.core.blocks().block(alice, bob));  // idempotent
    CHECK(followers(db, alice) == 1);
    check_clean(db);
  }

  SUBCASE("the blocked user cannot follow, reply to, like or retweet the blocker") {
    must_ok(db.core.blocks().block(alice, bob));
    auto followed = db.core.graph().follow(bob, alice);
    check_error(followed, Code::forbidden);
    CHECK(followed.error().message == "@alice has blocked you: you cannot follow them");
    check_error(db.core.tweets().post(bob, {.text = "re", .reply_to = tweet}), Code::forbidden);
    check_error(db.core.tweets().like(bob, tweet), Code::forbidden);
    check_error(db.core.tweets().retweet(bob, tweet), Code::forbidden);
    // Nor the blocker them, until the block ends.
    Id bobs = db.post(bob, "bob's");
    auto back = db.core.graph().follow(alice, bob);
    check_error(back, Code::forbidden);
    CHECK(back.error().message == "you have blocked @bob: unblock them to follow them");
    check_error(db.core.tweets().like(alice, bobs), Code::forbidden);
    CHECK(must(db.core.tweets().get(tweet)).like_count == 0);
    CHECK(must(db.core.tweets().get(tweet)).reply_count == 0);
    CHECK(followers(db, alice) == 1);

    must_ok(db.core.blocks().unblock(alice, bob));
    must_ok(db.core.blocks().unblock(alice, bob));  // idempotent
    must_ok(db.core.graph().follow(bob, alice));
    must(db.core.tweets().like(bob, tweet));
    check_clean(db);
  }

  SUBCASE("refuses oneself and missing users") {
    check_error(db.core.blocks().block(alice, alice), Code::invalid);
    check_error(db.core.blocks().mute(alice, alice), Code::invalid);
    check_error(db.core.blocks().block(alice, 12345), Code::not_found);
    check_error(db.core.blocks().unmute(12345, alice), Code::not_found);
  }

  SUBCASE("a retweet of a blocked user's tweet is hidden, queued or already pushed") {
    Id dave = db.user("dave");
    must_ok(db.core.graph().follow(dave, carol));
    // Pushed before the block: hidden at once.
    Id pushed = must(db.core.tweets().retweet(carol, tweet)).id;
    db.core.fanout().drain();
    REQUIRE(contains(db.home_ids(dave), pushed));
    must_ok(db.core.blocks().block(alice, dave));  // the original's author blocks the reader
    CHECK_FALSE(contains(db.home_ids(dave), pushed));
    // Queued when the block is made: never pushed, never shown.
    Id other = db.post(alice, "another");
    db.core.fanout().drain();
    Id queued = must(db.core.tweets().retweet(carol, other)).id;
    must_ok(db.core.blocks().block(dave, alice));  // and now the other way too
    db.core.fanout().drain();
    CHECK(inbox_rows(db, dave, queued) == "0");
    CHECK_FALSE(contains(db.home_ids(dave), queued));
    check_clean(db);
    // Unblocked both ways: the retweets are back, in the inbox as fan-out would have it.
    must_ok(db.core.blocks().unblock(alice, dave));
    must_ok(db.core.blocks().unblock(dave, alice));
    CHECK(contains(db.home_ids(dave), queued));
    CHECK(contains(db.home_ids(dave), pushed));
    check_clean(db);
  }

  SUBCASE("threads hide the replies of either side") {
    Id reply = must(db.core.tweets().post(carol, {.text = "carol replies", .reply_to = tweet})).id;
    Id deeper = must(db.core.tweets().post(bob, {.text = "bob replies", .reply_to = reply})).id;
    must_ok(db.core.blocks().block(bob, carol));
    auto ids = [](const std::vector<chirp::Tweet>& tweets) {
      std::vector<Id> out;
      for (const auto& t : tweets) out.push_back(t.id);
      return out;
    };
    CHECK(ids(must(db.core.tweets().thread(tweet, bob)).replies) == std::vector<Id>{deeper});
    CHECK(ids(must(db.core.tweets().thread(tweet, carol)).replies) == std::vector<Id>{reply});
    CHECK(ids(must(db.core.tweets().thread(tweet, alice)).replies) == std::vector<Id>{reply, deeper});
    Id last = must(db.core.tweets().post(alice, {.text = "alice again", .reply_to = deeper})).id;
    CHECK(ids(must(db.core.tweets().thread(last, carol)).ancestors) == std::vector<Id>{tweet, reply});
    CHECK(ids(must(db.core.tweets().thread(last, alice)).ancestors) ==
          std::vector<Id>{tweet, reply, deeper});
  }

  SUBCASE("lists are one's own, paged") {
    Id dave = db.user("dave");
    must_ok(db.core.blocks().block(alice, bob));
    must_ok(db.core.blocks().block(alice, carol));
    must_ok(db.core.blocks().block(alice, dave));
    auto first = must(db.core.blocks().blocked(alice, {.limit = 2}));
    REQUIRE(first.items.size() == 2);
    CHECK(first.items[0].handle == "dave");
    REQUIRE(first.next);
    auto second = must(db.core.blocks().blocked(alice, *first.next));
    REQUIRE(second.items.size() == 1);
    CHECK(second.items[0].handle == "bob");
    CHECK_FALSE(second.next);
    CHECK(must(db.core.blocks().blocked(bob, {})).items.empty());
    CHECK(must(db.core.blocks().muted(alice, {})).items.empty());
  }
}

TEST_CASE("chirp::Blocks mute") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  must_ok(db.core.graph().follow(bob, alice));
  must_ok(db.core.graph().follow(carol, alice));
  db.core.fanout().drain();

  SUBCASE("hides the muted user's tweets from the muter only, queued or pushed") {
    Id pushed = db.post(alice, "pushed");
    db.core.fanout().drain();
    REQUIRE(contains(db.home_ids(bob), pushed));  // now in the read cache too
    must_ok(db.core.blocks().mute(bob, alice));
    CHECK_FALSE(contains(db.home_ids(bob), pushed));
    Id queued = db.post(alice, "queued");
    db.core.fanout().drain();
    CHECK(inbox_rows(db, bob, queued) == "0");  // not pushed to the muter
    CHECK_FALSE(contains(db.home_ids(bob), queued));
    // Nothing changes for the muted user, nor anyone else; the follow stands.
    CHECK(db.core.graph().is_following(bob, alice));
    CHECK(contains(db.home_ids(carol), queued));
    CHECK(contains(db.home_ids(alice), queued));
    check_clean(db);

    must_ok(db.core.blocks().unmute(bob, alice));
    CHECK(db.home_ids(bob) == std::vector<Id>{queued, pushed});
    check_clean(db);
  }

  SUBCASE("pages stay full past the hidden tweets") {
    Id dave = db.user("dave");
    must_ok(db.core.graph().follow(bob, dave));
    std::vector<Id> shown;
    for (int i = 0; i < 6; ++i) {
      shown.insert(shown.begin(), db.post(dave, "dave " + std::to_string(i)));
      for (int j = 0; j < 3; ++j) db.post(alice, "alice " + std::to_string(i * 3 + j));
    }
    db.core.fanout().drain();
    must_ok(db.core.blocks().mute(bob, alice));
    std::vector<Id> seen;
    std::optional<chirp::PageRequest> page = chirp::PageRequest{.limit = 2};
    while (page) {
      auto got = must(db.core.timelines().home(bob, *page, bob));
      CHECK(got.items.size() <= 2);
      for (const auto& t : got.items) seen.push_back(t.id);
      page = got.next;
    }
    CHECK(seen == shown);
  }
}
