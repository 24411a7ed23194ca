// Each connection caches hydrated tweets, settings, followed celebrities and pulled
// authors' newest ids between reads. Another connection's (or process's) write must
// show in the next read all the same: these tests write through a second Core on the
// same file and read through the first.

#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/core.hpp>
#include <chirp/settings.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using chirp::test::contains;
using chirp::test::ids_of;
using chirp::Core;
using chirp::Id;
using chirp::PageRequest;
using chirp::Tweet;
using chirp::test::must;
using chirp::test::must_ok;
using chirp::test::TestDb;

namespace {

const Tweet& find(const std::vector<Tweet>& tweets, Id id) {
  auto it = std::find_if(tweets.begin(), tweets.end(), [&](const Tweet& t) { return t.id == id; });
  REQUIRE(it != tweets.end());
  return *it;
}

}  // namespace

TEST_CASE("chirp::read_cache") {
  TestDb db;
  Core other = Core::open({.path = db.dir / "chirp.db", .clock = db.clock});
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  must_ok(db.core.graph().follow(alice, bob));
  auto home = [&](PageRequest page = {}) { return must(db.core.timelines().home(alice, page, alice)).items; };

  SUBCASE("a like and a delete through another connection show at the next read") {
    Id t1 = db.post(bob, "first");
    db.core.fanout().drain();
    CHECK(find(home(), t1).like_count == 0);  // now cached
    must(other.tweets().like(carol, t1));
    CHECK(find(home(), t1).like_count == 1);
    must(other.tweets().like(alice, t1));
    auto page = home();
    CHECK(find(page, t1).like_count == 2);
    CHECK(find(page, t1).liked);
    must_ok(other.tweets().remove(bob, t1));
    CHECK_FALSE(contains(ids_of(home()), t1));
  }

  SUBCASE("a pulled author's new tweet shows although the author had nothing new before") {
    db.set_setting(chirp::setting::celebrity_threshold, "1");
    Id star = db.user("star");
    must_ok(db.core.graph().follow(alice, star));
    must_ok(db.core.graph().follow(carol, star));  // 2 followers > 1: pulled
    Id old_star = db.post(star, "old news");
    for (int i = 0; i < 3; ++i) db.post(bob, "inbox " + std::to_string(i));
    db.core.fanout().drain();
    // One entry per page: the inbox alone fills it, so the star's older tweet is below
    // the page, and the cache learns the star has nothing newer.
    PageRequest one{.limit = 1};
    for (int i = 0; i < 2; ++i) CHECK_FALSE(contains(ids_of(home(one)), old_star));
    db.clock->advance_ms(10);
    auto fresh = must(other.tweets().post(star, {.text = "breaking"}));
    CHECK(ids_of(home(one)) == std::vector<Id>{fresh.id});
  }

  SUBCASE("a pulled author's deleted tweet leaves its place to the next one") {
    db.set_setting(chirp::setting::celebrity_threshold, "1");
    Id star = db.user("star");
    must_ok(db.core.graph().follow(alice, star));
    must_ok(db.core.graph().follow(carol, star));
    db.post(bob, "one");
    Id two = db.post(bob, "two");
    Id starred = db.post(star, "newest");
    db.core.fanout().drain();
    // One entry per page: the inbox (bob's two) is full, and the star's tweets above
    // its oldest entry are cached.
    PageRequest one{.limit = 1};
    for (int i = 0; i < 2; ++i) CHECK(ids_of(home(one)) == std::vector<Id>{starred});
    must_ok(other.tweets().remove(star, starred));
    CHECK(ids_of(home(one)) == std::vector<Id>{two});
  }

  SUBCASE("following a celebrity through another connection") {
    db.set_setting(chirp::setting::celebrity_threshold, "1");
    Id star = db.user("star");
    must_ok(db.core.graph().follow(carol, star));
    must_ok(db.core.graph().follow(bob, star));  // 2 followers: pulled from now on
    Id starred = db.post(star, "for my fans");
    db.core.fanout().drain();
    CHECK_FALSE(contains(ids_of(home()), starred));  // alice's followed celebrities: cached
    must_ok(other.graph().follow(alice, star));
    CHECK(contains(ids_of(home()), starred));
    must_ok(other.graph().unfollow(alice, star));
    CHECK_FALSE(contains(ids_of(home()), starred));
  }

  SUBCASE("a setting changed through another connection") {
    CHECK(home().empty());  // reads (and caches) the celebrity threshold
    must(other.settings().set(chirp::setting::celebrity_threshold, "0"));
    // Bob (1 follower) is a celebrity now: his tweet is pulled, no fan-out needed.
    auto posted = must(other.tweets().post(bob, {.text = "pulled at once"}));
    CHECK(ids_of(home()) == std::vector<Id>{posted.id});
  }

  SUBCASE("a connection that fell behind the change log forgets everything") {
    Id t1 = db.post(bob, "watched");
    Id t2 = db.post(carol, "busy");
    db.core.fanout().drain();
    CHECK(find(home(), t1).like_count == 0);
    must(other.tweets().like(carol, t1));
    // More changes than the log keeps, none of them to t1: the log keeps at least the
    // newest 10,000 rows and trims every 1,000, so after 11,200 more rows the one
    // saying t1 changed is gone by the time this connection looks.
    for (int i = 0; i < 5600; ++i) {
      must(other.tweets().like(alice, t2));
      must(other.tweets().unlike(alice, t2));
    }
    CHECK(find(home(), t1).like_count == 1);
  }

  SUBCASE("a retweet's original carries its own fresh counters") {
    Id original = db.post(carol, "quotable");
    auto rt = must(db.core.tweets().retweet(bob, original));
    db.core.fanout().drain();
    auto page = home();
    REQUIRE(find(page, rt.id).original);
    CHECK(find(page, rt.id).original->like_count == 0);
    must(other.tweets().like(alice, original));
    page = home();
    REQUIRE(find(page, rt.id).original);
    CHECK(find(page, rt.id).original->like_count == 1);
    CHECK(find(page, rt.id).original->liked);
    CHECK_FALSE(find(page, rt.id).liked);
  }
}
