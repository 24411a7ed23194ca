// The follower graph: follow, unfollow, lists, counters.

#include "support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using chirp::Code;
using chirp::Id;
using chirp::test::TestDb;
using chirp::test::must;
using chirp::test::must_ok;
using chirp::test::check_error;

namespace {

struct Counts {
  std::int64_t followers;
  std::int64_t following;
  bool operator==(const Counts&) const = default;
};

[[maybe_unused]] std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "{followers " << c.followers << ", following " << c.following << "}";
}

Counts counts(TestDb& db, Id user) {
  auto u = must(db.core.users().by_id(user));
  return {u.followers_count, u.following_count};
}

enum class Direction { followers, following };

/// Every user of a followers/following list, walked with pages of LIMIT.
std::vector<Id> walk(TestDb& db, Id user, Direction direction, int limit) {
  std::vector<Id> ids;
  chirp::PageRequest request{.limit = limit};
  for (int guard = 0; guard < 100; ++guard) {
    auto page = must(direction == Direction::followers ? db.core.graph().followers(user, request)
                                                       : db.core.graph().following(user, request));
    for (const auto& u : page.items) ids.push_back(u.id);
    CHECK(page.items.size() <= static_cast<std::size_t>(limit));
    if (page.items.size() < static_cast<std::size_t>(limit)) CHECK_FALSE(page.next.has_value());
    if (!page.next || page.items.empty()) return ids;
    request = *page.next;
  }
  FAIL("paging did not end");
  return ids;
}

std::vector<Id> sorted(std::vector<Id> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("chirp::follow") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");

  SUBCASE("following is idempotent with exact counters") {
    must_ok(db.core.graph().follow(bob, alice));
    must_ok(db.core.graph().follow(bob, alice));
    CHECK(counts(db, alice) == Counts{1, 0});
    CHECK(counts(db, bob) == Counts{0, 1});
    CHECK(db.core.graph().is_following(bob, alice));
    CHECK_FALSE(db.core.graph().is_following(alice, bob));
    must_ok(db.core.graph().follow(carol, alice));
    must_ok(db.core.graph().follow(alice, bob));
    CHECK(counts(db, alice) == Counts{2, 1});
    CHECK(counts(db, bob) == Counts{1, 1});
    CHECK(counts(db, carol) == Counts{0, 1});
  }

  SUBCASE("unfollowing is idempotent with exact counters") {
    must_ok(db.core.graph().follow(bob, alice));
    must_ok(db.core.graph().follow(carol, alice));
    must_ok(db.core.graph().unfollow(bob, alice));
    must_ok(db.core.graph().unfollow(bob, alice));
    CHECK_FALSE(db.core.graph().is_following(bob, alice));
    CHECK(db.core.graph().is_following(carol, alice));
    CHECK(counts(db, alice) == Counts{1, 0});
    CHECK(counts(db, bob) == Counts{0, 0});
    must_ok(db.core.graph().unfollow(alice, carol));  // never followed
    CHECK(counts(db, alice) == Counts{1, 0});
    CHECK(counts(db, carol) == Counts{0, 1});
  }

  SUBCASE("follow, unfollow, follow again counts once") {
    must_ok(db.core.graph().follow(bob, alice));
    must_ok(db.core.graph().unfollow(bob, alice));
    must_ok(db.core.graph().follow(bob, alice));
    CHECK(counts(db, alice) == Counts{1, 0});
    CHECK(counts(db, bob) == Counts{0, 1});
  }

  SUBCASE("following oneself is invalid") {
    check_error(db.core.graph().follow(alice, alice), Code::invalid);
    CHECK(counts(db, alice) == Counts{0, 0});
    CHECK_FALSE(db.core.graph().is_following(alice, alice));
  }

  SUBCASE("missing users are not_found") {
    Id ghost = alice + bob + carol;
    check_error(db.core.graph().follow(bob, ghost), Code::not_found);
    check_error(db.core.graph().follow(ghost, bob), Code::not_found);
    CHECK(counts(db, bob) == Counts{0, 0});
    CHECK_FALSE(db.core.graph().is_following(bob, ghost));
    check_error(db.core.graph().followers(ghost, {}), Code::not_found);
    check_error(db.core.graph().following(ghost, {}), Code::not_found);
  }
}

TEST_CASE("chirp::followers") {
  TestDb db;
  Id star = db.user("star");
  std::vector<Id> fans;
  for (int i = 0; i < 7; ++i) fans.push_back(db.user("fan" + std::to_string(i)));
  // Follow in an order unrelated to id order, with time passing in between.
  for (int i : {3, 0, 6, 1, 5, 2, 4}) {
    db.clock->advance_ms(1000);
    must_ok(db.core.graph().follow(fans[static_cast<std::size_t>(i)], star));
  }
  for (int i : {0, 1, 2}) {
    db.clock->advance_ms(1000);
    must_ok(db.core.graph().follow(star, fans[static_cast<std::size_t>(i)]));
  }

  SUBCASE("one page holds every follower, once") {
    auto page = must(db.core.graph().followers(star, {.limit = 20}));
    std::vector<Id> ids;
    for (const auto& u : page.items) ids.push_back(u.id);
    CHECK(sorted(ids) == sorted(fans));
    CHECK_FALSE(page.next_max_id().has_value());
  }

  SUBCASE("paging walks every follower exactly once") {
    for (int limit : {1, 2, 3, 7}) {
      CAPTURE(limit);
      auto ids = walk(db, star, Direction::followers, limit);
      CHECK(ids.size() == fans.size());
      CHECK(sorted(ids) == sorted(fans));
    }
  }

  SUBCASE("following lists the followees") {
    auto ids = walk(db, star, Direction::following, 2);
    CHECK(sorted(ids) == sorted({fans[0], fans[1], fans[2]}));
    CHECK(walk(db, fans[3], Direction::following, 2) == std::vector<Id>{star});
    CHECK(walk(db, fans[3], Direction::followers, 2).empty());
  }

  SUBCASE("unfollowing leaves the list") {
    must_ok(db.core.graph().unfollow(fans[6], star));
    auto ids = walk(db, star, Direction::followers, 2);
    auto expected = fans;
    expected.erase(expected.begin() + 6);
    CHECK(sorted(ids) == sorted(expected));
    CHECK(must(db.core.users().by_id(star)).followers_count == 6);
  }

  SUBCASE("limit bounds") {
    check_error(db.core.graph().followers(star, {.limit = 0}), Code::invalid);
    check_error(db.core.graph().following(star, {.limit = 201}), Code::invalid);
  }
}

TEST_CASE("chirp::counters") {
  // Exact counters after a mixed sequence of follows, likes, retweets and deletes.
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  Id dave = db.user("dave");

  must_ok(db.core.graph().follow(bob, alice));
  must_ok(db.core.graph().follow(carol, alice));
  must_ok(db.core.graph().follow(dave, alice));
  must_ok(db.core.graph().unfollow(carol, alice));
  must_ok(db.core.graph().follow(alice, bob));
  must_ok(db.core.graph().follow(bob, alice));  // again
  must_ok(db.core.graph().unfollow(dave, carol));  // never followed

  Id t1 = db.post(alice, "t1");
  Id t2 = db.post(alice, "t2");
  Id t3 = db.post(bob, "t3");
  auto bob_base = must(db.core.users().by_id(bob)).tweets_count;
  auto carol_base = must(db.core.users().by_id(carol)).tweets_count;

  must(db.core.tweets().like(bob, t1));
  must(db.core.tweets().like(carol, t1));
  must(db.core.tweets().like(dave, t1));
  must(db.core.tweets().unlike(carol, t1));
  must(db.core.tweets().like(bob, t1));  // again
  must(db.core.tweets().like(bob, t2));
  must(db.core.tweets().like(alice, t3));

  must(db.core.tweets().retweet(bob, t1));
  must(db.core.tweets().retweet(carol, t1));
  must_ok(db.core.tweets().unretweet(carol, t1));
  must(db.core.tweets().retweet(carol, t2));

  auto reply = must(db.core.tweets().post(dave, {.text = "re", .reply_to = t2}));
  must(db.core.tweets().post(carol, {.text = "re2", .reply_to = t2}));
  must_ok(db.core.tweets().remove(dave, reply.id));

  CHECK(counts(db, alice) == Counts{2, 1});
  CHECK(counts(db, bob) == Counts{1, 1});
  CHECK(counts(db, carol) == Counts{0, 0});
  CHECK(counts(db, dave) == Counts{0, 1});

  auto tweet1 = must(db.core.tweets().get(t1));
  CHECK(tweet1.like_count == 2);
  CHECK(tweet1.retweet_count == 1);
  CHECK(tweet1.reply_count == 0);
  auto tweet2 = must(db.core.tweets().get(t2));
  CHECK(tweet2.like_count == 1);
  CHECK(tweet2.retweet_count == 1);
  CHECK(tweet2.reply_count == 1);
  CHECK(must(db.core.tweets().get(t3)).like_count == 1);

  CHECK(must(db.core.users().by_id(alice)).tweets_count == 2);
  CHECK(must(db.core.users().by_id(dave)).tweets_count == 0);
  CHECK(must(db.core.users().by_id(alice)).likes_count == 1);
  CHECK(must(db.core.users().by_id(bob)).likes_count == 2);
  CHECK(must(db.core.users().by_id(carol)).likes_count == 0);
  CHECK(must(db.core.users().by_id(dave)).likes_count == 1);

  // Deleting t1 removes bob's retweet of it; t2's retweet by carol stays.
  auto bob_with_retweet = must(db.core.users().by_id(bob)).tweets_count;
  must_ok(db.core.tweets().remove(alice, t1));
  CHECK(must(db.core.users().by_id(alice)).tweets_count == 1);
  CHECK(must(db.core.users().by_id(bob)).tweets_count == bob_base);
  CHECK(bob_with_retweet >= bob_base);
  CHECK(must(db.core.tweets().get(t2)).retweet_count == 1);
  auto carol_now = must(db.core.users().by_id(carol)).tweets_count;
  CHECK(carol_now >= carol_base + 1);  // at least the reply
}
