// Snowflake ids: layout, monotonicity, time round trip, nodes; and the ids Core issues.

#include "support.hpp"

#include <chirp/settings.hpp>
#include <chirp/snowflake.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

using chirp::Id;
using chirp::test::k_test_epoch_ms;

TEST_CASE("chirp::snowflake_floor") {
  SUBCASE("41 bits of ms since 2020, 10 bits of node, 12 bits of sequence") {
    std::int64_t now = k_test_epoch_ms;
    Id id = chirp::snowflake_floor(now, 5);
    CHECK(id == (((now - chirp::k_snowflake_epoch_ms) << 22) | (Id{5} << 12)));
    CHECK(chirp::snowflake_time_ms(id) == now);
    CHECK(chirp::snowflake_node(id) == 5);
  }

  SUBCASE("the epoch itself gives the node bits only") {
    CHECK(chirp::snowflake_floor(chirp::k_snowflake_epoch_ms, 0) == 0);
    CHECK(chirp::snowflake_floor(chirp::k_snowflake_epoch_ms, 1) == Id{1} << 12);
  }

  SUBCASE("ids sort by time whatever the node") {
    CHECK(chirp::snowflake_floor(k_test_epoch_ms, 1023) <
          chirp::snowflake_floor(k_test_epoch_ms + 1, 0));
  }
}

TEST_CASE("chirp::next_snowflake") {
  const std::int64_t now = k_test_epoch_ms + 123456;

  SUBCASE("the first id at a time encodes that time and node") {
    Id id = chirp::next_snowflake(now, 7, 0);
    CHECK(id > 0);
    CHECK(chirp::snowflake_time_ms(id) == now);
    CHECK(chirp::snowflake_node(id) == 7);
  }

  SUBCASE("time round trip over a range of instants") {
    for (std::int64_t t : {chirp::k_snowflake_epoch_ms + 1, k_test_epoch_ms,
                           std::int64_t{1893456000000} /* 2030 */,
                           std::int64_t{3471292800000} /* 2080 */}) {
      CAPTURE(t);
      Id id = chirp::next_snowflake(t, 3, 0);
      CHECK(chirp::snowflake_time_ms(id) == t);
      CHECK(chirp::snowflake_node(id) == 3);
    }
  }

  SUBCASE("ids in the same millisecond increase by the sequence") {
    Id first = chirp::next_snowflake(now, 1, 0);
    Id second = chirp::next_snowflake(now, 1, first);
    Id third = chirp::next_snowflake(now, 1, second);
    CHECK(second == first + 1);
    CHECK(third == first + 2);
    CHECK(chirp::snowflake_time_ms(third) == now);
    CHECK(chirp::snowflake_node(third) == 1);
  }

  SUBCASE("a later millisecond gives a larger id starting its sequence again") {
    Id first = chirp::next_snowflake(now, 1, 0);
    Id second = chirp::next_snowflake(now, 1, first);
    Id later = chirp::next_snowflake(now + 1, 1, second);
    CHECK(later > second);
    CHECK(later == chirp::snowflake_floor(now + 1, 1));
  }

  SUBCASE("strictly greater than the last id even when the clock goes backwards") {
    Id last = chirp::next_snowflake(now, 2, 0);
    Id back = chirp::next_snowflake(now - 60000, 2, last);
    CHECK(back > last);
    CHECK(chirp::snowflake_time_ms(back) >= now);
    CHECK(chirp::snowflake_node(back) == 2);
    Id again = chirp::next_snowflake(now - 120000, 2, back);
    CHECK(again > back);
  }

  SUBCASE("more than 4096 ids in one millisecond stay strictly increasing") {
    Id last = 0;
    std::set<Id> seen;
    bool increasing = true;
    for (int i = 0; i < 5000; ++i) {
      Id id = chirp::next_snowflake(now, 9, last);
      if (id <= last) increasing = false;
      seen.insert(id);
      last = id;
    }
    CHECK(increasing);
    CHECK(seen.size() == 5000u);
    CHECK(chirp::snowflake_node(last) == 9);
    CHECK(chirp::snowflake_time_ms(last) > now);  // the sequence ran out: time moved on
  }

  SUBCASE("two nodes at the same millisecond never collide") {
    Id a = chirp::next_snowflake(now, 1, 0);
    Id b = chirp::next_snowflake(now, 2, 0);
    CHECK(a != b);
    CHECK(chirp::snowflake_node(a) == 1);
    CHECK(chirp::snowflake_node(b) == 2);
    CHECK(chirp::snowflake_time_ms(a) == chirp::snowflake_time_ms(b));
  }

  SUBCASE("the largest node fits its 10 bits") {
    Id id = chirp::next_snowflake(now, 1023, 0);
    CHECK(chirp::snowflake_node(id) == 1023);
    CHECK(chirp::snowflake_time_ms(id) == now);
  }
}

TEST_CASE("chirp::Core ids") {
  chirp::test::TestDb db;

  SUBCASE("tweet ids encode their creation time and increase") {
    Id alice = db.user("alice");
    auto first = db.core.tweets().post(alice, {.text = "one"});
    REQUIRE(first.has_value());
    CHECK(first->created_at_ms == k_test_epoch_ms);
    CHECK(chirp::snowflake_time_ms(first->id) == k_test_epoch_ms);
    auto second = db.core.tweets().post(alice, {.text = "two"});  // same millisecond
    REQUIRE(second.has_value());
    CHECK(second->id > first->id);
  }

  SUBCASE("ids keep increasing when the clock goes backwards") {
    Id alice = db.user("alice");
    Id first = db.post(alice, "one");
    db.clock->advance_ms(-3600 * 1000);
    Id second = db.post(alice, "two");
    CHECK(second > first);
  }

  SUBCASE("ids carry the configured node id") {
    REQUIRE(db.core.settings().set(chirp::setting::node_id, "37").has_value());
    Id alice = db.user("alice");
    Id tweet = db.post(alice, "hello");
    CHECK(chirp::snowflake_node(tweet) == 37);
    CHECK(chirp::snowflake_node(alice) == 37);
  }
}
