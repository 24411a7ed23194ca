// Home timelines: merging, cursor paging, retweets, deletes, follow back-fill, inbox cap.

#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/settings.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

using chirp::test::ids_of;
using chirp::Code;
using chirp::Id;
using chirp::test::TestDb;
using chirp::test::must;
using chirp::test::must_ok;

namespace {

/// Walks USER's home timeline page by page (LIMIT each) from the top, following each
/// page's next request, and checks the paging rules on the way.
std::vector<Id> walk_home(TestDb& db, Id user, int limit,
                          std::optional<Id> since_id = std::nullopt) {
  std::vector<Id> ids;
  chirp::PageRequest request{.limit = limit, .since_id = since_id};
  for (int guard = 0; guard < 1000; ++guard) {
    auto page = must(db.core.timelines().home(user, request, user));
    CHECK(page.items.size() <= static_cast<std::size_t>(limit));
    for (const auto& t : page.items) {
      if (request.max_id) CHECK(t.id < *request.max_id);
      if (since_id) CHECK(t.id > *since_id);
      ids.push_back(t.id);
    }
    if (page.items.size() < static_cast<std::size_t>(limit)) CHECK_FALSE(page.next.has_value());
    if (!page.next || page.items.empty()) return ids;
    CHECK(*page.next->max_id <= page.items.back().id);
    CHECK(page.next->limit == limit);
    CHECK(page.next->since_id == since_id);
    request = *page.next;
  }
  FAIL("paging did not end");
  return ids;
}

std::vector<Id> newest_first(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end(), std::greater<>());
  return ids;
}

}  // namespace

TEST_CASE("chirp::home_timeline") {
  TestDb db;
  Id me = db.user("me");
  Id friend1 = db.user("friend1");
  Id friend2 = db.user("friend2");
  Id stranger = db.user("stranger");
  must_ok(db.core.graph().follow(me, friend1));
  must_ok(db.core.graph().follow(me, friend2));

  SUBCASE("own new tweet is there at once, before any fan-out") {
    Id tweet = db.post(me, "mine");
    CHECK(db.home_ids(me) == std::vector<Id>{tweet});
  }

  SUBCASE("inbox, own tweets merged newest first; strangers excluded") {
    Id a = db.post(friend1, "a");
    Id b = db.post(stranger, "b");
    Id c = db.post(me, "c");
    Id d = db.post(friend2, "d");
    Id e = db.post(friend1, "e");
    db.core.fanout().drain();
    auto page = must(db.core.timelines().home(me, {.limit = 20}, me));
    CHECK(ids_of(page.items) == std::vector<Id>{e, d, c, a});
    CHECK_FALSE(page.next_max_id().has_value());
    REQUIRE(page.items.size() == 4u);
    CHECK(page.items[0].author.handle == "friend1");
    CHECK(page.items[0].text == "e");
    CHECK(page.items[1].author.handle == "friend2");
    CHECK(page.items[2].author.id == me);
    (void)b;
  }

  SUBCASE("counters and viewer flags are hydrated") {
    Id a = db.post(friend1, "a");
    db.core.fanout().drain();
    must(db.core.tweets().like(me, a));
    must(db.core.tweets().like(friend2, a));
    auto page = must(db.core.timelines().home(me, {.limit = 20}, me));
    REQUIRE(page.items.size() == 1u);
    CHECK(page.items[0].like_count == 2);
    CHECK(page.items[0].liked);
    CHECK_FALSE(page.items[0].retweeted);
  }

  SUBCASE("limit bounds") {
    for (int limit : {0, -5, 201}) {
      CAPTURE(limit);
      auto page = db.core.timelines().home(me, {.limit = limit}, me);
      REQUIRE_FALSE(page.has_value());
      CHECK(page.error().code == Code::invalid);
    }
    CHECK(db.core.timelines().home(me, {.limit = 1}, me).has_value());
    CHECK(db.core.timelines().home(me, {.limit = 200}, me).has_value());
  }

  SUBCASE("a missing user is not_found") {
    Id missing = me + friend1 + friend2 + stranger;
    auto page = db.core.timelines().home(missing, {.limit = 20}, missing);
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == Code::not_found);
  }

  SUBCASE("only its owner may read a home timeline") {
    db.post(friend1, "for my followers");
    db.core.fanout().drain();
    for (Id viewer : {friend1, stranger, Id{0}}) {
      CAPTURE(viewer);
      auto page = db.core.timelines().home(me, {.limit = 20}, viewer);
      REQUIRE_FALSE(page.has_value());
      CHECK(page.error().code == Code::forbidden);
    }
    CHECK(db.home_ids(me).size() == 1);
  }

  SUBCASE("a deleted tweet never appears") {
    Id a = db.post(friend1, "a");
    Id b = db.post(friend1, "b");
    Id mine = db.post(me, "mine");
    db.core.fanout().drain();
    must_ok(db.core.tweets().remove(friend1, a));
    must_ok(db.core.tweets().remove(me, mine));
    CHECK(db.home_ids(me) == std::vector<Id>{b});
    CHECK(walk_home(db, me, 1) == std::vector<Id>{b});
  }
}

TEST_CASE("chirp::home_timeline paging") {
  TestDb db;
  Id me = db.user("me");
  Id f1 = db.user("f1");
  Id f2 = db.user("f2");
  must_ok(db.core.graph().follow(me, f1));
  must_ok(db.core.graph().follow(me, f2));
  std::vector<Id> all;
  for (int i = 0; i < 25; ++i) {
    Id author = i % 3 == 0 ? f1 : (i % 3 == 1 ? f2 : me);
    all.push_back(db.post(author, "t" + std::to_string(i)));
  }
  db.core.fanout().drain();
  auto expected = newest_first(all);

  SUBCASE("next_max_id walks the whole timeline exactly once") {
    for (int limit : {1, 4, 5, 7, 25, 200}) {
      CAPTURE(limit);
      CHECK(walk_home(db, me, limit) == expected);
    }
  }

  SUBCASE("max_id and since_id are exclusive bounds") {
    Id max = all[20];
    Id since = all[10];
    auto page = db.home_ids(me, {.limit = 200, .max_id = max, .since_id = since});
    std::vector<Id> between(all.begin() + 11, all.begin() + 20);
    CHECK(page == newest_first(between));
    CHECK(db.home_ids(me, {.limit = 200, .max_id = all[0]}).empty());
    CHECK(db.home_ids(me, {.limit = 200, .since_id = all[24]}).empty());
  }

  SUBCASE("since_id with a small limit gives the newest page above it") {
    auto page = db.home_ids(me, {.limit = 3, .since_id = all[5]});
    CHECK(page == std::vector<Id>{all[24], all[23], all[22]});
  }

  SUBCASE("walking with since_id stops at it") {
    std::vector<Id> newer(all.begin() + 13, all.end());
    CHECK(walk_home(db, me, 4, all[12]) == newest_first(newer));
  }

  SUBCASE("the default limit is 20") {
    auto page = must(db.core.timelines().home(me, {}, me));
    CHECK(page.items.size() == 20u);
    CHECK(ids_of(page.items) == std::vector<Id>(expected.begin(), expected.begin() + 20));
    REQUIRE(page.next_max_id().has_value());
    auto rest = db.home_ids(me, {.limit = 20, .max_id = page.next_max_id()});
    CHECK(rest == std::vector<Id>(expected.begin() + 20, expected.end()));
  }

  SUBCASE("a max_id that is no tweet id still works as a bound") {
    Id between = all[15] + 1;  // not an issued id
    REQUIRE(between < all[16]);
    auto page = db.home_ids(me, {.limit = 3, .max_id = between});
    CHECK(page == std::vector<Id>{all[15], all[14], all[13]});
  }
}

TEST_CASE("chirp::home_timeline retweets") {
  TestDb db;
  Id me = db.user("me");
  Id friend1 = db.user("friend1");
  Id far = db.user("far");
  must_ok(db.core.graph().follow(me, friend1));
  Id original = db.post(far, "from afar");
  db.clock->advance_ms(1);
  auto rt = must(db.core.tweets().retweet(friend1, original));
  db.core.fanout().drain();

  SUBCASE("a followee's retweet is their entry with the original inside") {
    auto page = must(db.core.timelines().home(me, {.limit = 20}, me));
    REQUIRE(page.items.size() == 1u);
    const auto& entry = page.items[0];
    CHECK(entry.id == rt.id);
    CHECK(entry.author.id == friend1);
    CHECK(entry.retweet_of == std::optional<Id>{original});
    REQUIRE(entry.original != nullptr);
    CHECK(entry.original->id == original);
    CHECK(entry.original->author.handle == "far");
    CHECK(entry.original->text == "from afar");
    CHECK(entry.original->retweet_count == 1);
  }

  SUBCASE("the retweeter sees their own retweet") {
    CHECK(db.home_ids(friend1) == std::vector<Id>{rt.id});
  }

  SUBCASE("unretweet removes the entry") {
    must_ok(db.core.tweets().unretweet(friend1, original));
    db.core.fanout().drain();
    CHECK(db.home_ids(me).empty());
    CHECK(db.home_ids(friend1).empty());
  }

  SUBCASE("unfollowing the retweeter removes the entry") {
    must_ok(db.core.graph().unfollow(me, friend1));
    CHECK(db.home_ids(me).empty());
  }

  SUBCASE("liking through the home entry shows on the original") {
    must(db.core.tweets().like(me, original));
    auto page = must(db.core.timelines().home(me, {.limit = 20}, me));
    REQUIRE(page.items.size() == 1u);
    REQUIRE(page.items[0].original != nullptr);
    CHECK(page.items[0].original->like_count == 1);
    CHECK(page.items[0].original->liked);
  }

  SUBCASE("deleting the original removes the entry") {
    must_ok(db.core.tweets().remove(far, original));
    CHECK(db.home_ids(me).empty());
  }
}

TEST_CASE("chirp::home_timeline follow and unfollow") {
  TestDb db;
  Id me = db.user("me");
  Id other = db.user("other");
  Id third = db.user("third");
  must_ok(db.core.graph().follow(me, third));
  std::vector<Id> earlier;
  for (int i = 0; i < 5; ++i) earlier.push_back(db.post(other, "o" + std::to_string(i)));
  Id t = db.post(third, "third's");
  db.core.fanout().drain();

  SUBCASE("following back-fills the followee's earlier tweets") {
    REQUIRE(db.home_ids(me) == std::vector<Id>{t});
    must_ok(db.core.graph().follow(me, other));
    auto expected = newest_first(earlier);
    expected.insert(expected.begin(), t);
    CHECK(db.home_ids(me) == expected);
    CHECK(walk_home(db, me, 2) == expected);
    // Later tweets arrive through fan-out as usual, once.
    Id later = db.post(other, "later");
    db.core.fanout().drain();
    expected.insert(expected.begin(), later);
    CHECK(db.home_ids(me) == expected);
  }

  SUBCASE("following twice back-fills nothing twice") {
    must_ok(db.core.graph().follow(me, other));
    must_ok(db.core.graph().follow(me, other));
    db.core.fanout().drain();
    auto expected = newest_first(earlier);
    expected.insert(expected.begin(), t);
    CHECK(db.home_ids(me) == expected);
  }

  SUBCASE("unfollowing removes the followee's tweets") {
    must_ok(db.core.graph().follow(me, other));
    Id later = db.post(other, "later");
    db.core.fanout().drain();
    REQUIRE(db.home_ids(me).size() == 7u);
    must_ok(db.core.graph().unfollow(me, other));
    CHECK(db.home_ids(me) == std::vector<Id>{t});
    CHECK(walk_home(db, me, 1) == std::vector<Id>{t});
    (void)later;
  }

  SUBCASE("unfollow before fan-out keeps the tweet out") {
    must_ok(db.core.graph().follow(me, other));
    db.post(other, "in flight");
    must_ok(db.core.graph().unfollow(me, other));
    db.core.fanout().drain();
    CHECK(db.home_ids(me) == std::vector<Id>{t});
  }
}

TEST_CASE("chirp::home_timeline inbox cap") {
  TestDb db;
  const auto* spec = chirp::find_setting_spec(chirp::setting::inbox_cap);
  REQUIRE(spec != nullptr);
  const std::int64_t cap = std::max<std::int64_t>(20, spec->min);
  db.set_setting(chirp::setting::inbox_cap, cap);
  REQUIRE(db.core.settings().value(chirp::setting::inbox_cap) == cap);

  Id me = db.user("me");
  Id f1 = db.user("f1");
  Id f2 = db.user("f2");
  Id odd = db.user("odd");
  must_ok(db.core.graph().follow(me, f1));
  must_ok(db.core.graph().follow(me, f2));
  must_ok(db.core.graph().follow(odd, f1));
  must_ok(db.core.graph().follow(odd, f2));
  const int total = static_cast<int>(cap * 3);

  SUBCASE("paging past the cap still returns every tweet") {
    std::vector<Id> all;
    for (int i = 0; i < total; ++i) {
      Id author = i % 5 == 0 ? me : (i % 2 == 0 ? f1 : f2);
      all.push_back(db.post(author, "t" + std::to_string(i)));
      if (i % 10 == 9) db.core.fanout().drain();
    }
    db.core.fanout().drain();
    // Fan-out trims inboxes as it goes (checking each about once per cap / 8 pushes):
    // never far past the cap, whatever the reader's id (ODD's once never got checked).
    for (Id reader : {me, odd}) {
      auto inbox = std::stoll(chirp::test::sqlite3(
          db.dir / "chirp.db", "SELECT count(*) FROM timeline WHERE reader = " + std::to_string(reader)));
      CAPTURE(reader);
      CHECK(inbox <= 2 * cap);
    }
    auto expected = newest_first(all);
    CHECK(walk_home(db, me, 7) == expected);
    CHECK(walk_home(db, me, static_cast<int>(cap)) == expected);
    if (total <= 200) CHECK(db.home_ids(me, {.limit = 200}) == expected);
    // A page that starts below the pushed inbox is complete as well.
    Id deep = expected[static_cast<std::size_t>(cap * 2)];
    auto page = db.home_ids(me, {.limit = 5, .max_id = deep});
    CHECK(page == std::vector<Id>(expected.begin() + cap * 2 + 1, expected.begin() + cap * 2 + 6));
    // since_id deep below the inbox: everything newer, once.
    Id since = expected[static_cast<std::size_t>(cap * 2 + 5)];
    CHECK(walk_home(db, me, 8, since) ==
          std::vector<Id>(expected.begin(), expected.begin() + cap * 2 + 5));
  }

  SUBCASE("following someone with more tweets than the cap shows them all") {
    Id prolific = db.user("prolific");
    std::vector<Id> all;
    for (int i = 0; i < total; ++i) all.push_back(db.post(prolific, "p" + std::to_string(i)));
    db.core.fanout().drain();
    must_ok(db.core.graph().follow(me, prolific));
    CHECK(walk_home(db, me, 9) == newest_first(all));
  }

  SUBCASE("a celebrity's old tweets are reachable too") {
    db.set_setting(chirp::setting::celebrity_threshold, 1);
    Id fan2 = db.user("fan2");
    must_ok(db.core.graph().follow(fan2, f1));  // f1 now has 2 followers: a celebrity
    std::vector<Id> all;
    for (int i = 0; i < total; ++i) all.push_back(db.post(i % 2 == 0 ? f1 : f2,
                                                          "c" + std::to_string(i)));
    db.core.fanout().drain();
    CHECK(walk_home(db, me, 11) == newest_first(all));
  }
}

TEST_CASE("chirp::home_timeline own tweets without followees") {
  TestDb db;
  Id me = db.user("me");
  std::vector<Id> mine;
  for (int i = 0; i < 12; ++i) mine.push_back(db.post(me, "m" + std::to_string(i)));
  CHECK(walk_home(db, me, 5) == newest_first(mine));
}
