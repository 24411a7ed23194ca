// The fan-out contract: a tweet reaches exactly the followers it should, once, whether
// it is pushed (normal author) or pulled (celebrity), however often the queue runs.

#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/bulk.hpp>
#include <chirp/checkpointer.hpp>
#include <chirp/settings.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using chirp::Code;
using chirp::Id;
using chirp::test::TestDb;
using chirp::test::must;
using chirp::test::must_ok;

namespace {

std::size_t occurrences(const std::vector<Id>& ids, Id id) {
  return static_cast<std::size_t>(std::count(ids.begin(), ids.end(), id));
}

bool all_unique(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

/// The whole home timeline of USER (every page).
std::vector<Id> full_home(TestDb& db, Id user) {
  return db.home_ids(user, {.limit = 200});
}

constexpr std::int64_t k_day_ms = 24LL * 3600 * 1000;

}  // namespace

TEST_CASE("chirp::drain_fanout") {
  TestDb db;
  Id author = db.user("author");
  Id f1 = db.user("f1");
  Id f2 = db.user("f2");
  Id f3 = db.user("f3");
  Id stranger = db.user("stranger");
  for (Id f : {f1, f2, f3}) must_ok(db.core.graph().follow(f, author));
  db.core.fanout().drain();  // the follows' notifications: only tweets queued from here

  SUBCASE("a normal author's tweet is pushed to each follower exactly once") {
    CHECK(db.core.fanout().queue_status().depth == 0);
    Id tweet = db.post(author, "hello followers");
    CHECK(db.core.fanout().queue_status().depth == 1);

    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 1);
    CHECK(stats.rows == 3);
    CHECK(stats.skipped_celebrity == 0);
    CHECK(db.core.fanout().queue_status().depth == 0);
    CHECK(db.core.fanout().queue_status().oldest_age_ms == 0);

    for (Id f : {f1, f2, f3}) {
      CAPTURE(f);
      CHECK(full_home(db, f) == std::vector<Id>{tweet});
    }
    CHECK(full_home(db, stranger).empty());
    CHECK(full_home(db, author) == std::vector<Id>{tweet});  // own tweet
  }

  SUBCASE("draining again duplicates nothing") {
    Id tweet = db.post(author, "once");
    db.core.fanout().drain();
    auto again = db.core.fanout().drain();
    CHECK(again.items == 0);
    CHECK(again.rows == 0);
    CHECK(again.skipped_celebrity == 0);
    for (Id f : {f1, f2, f3}) CHECK(full_home(db, f) == std::vector<Id>{tweet});
  }

  SUBCASE("a later post fans out only itself") {
    Id first = db.post(author, "first");
    auto one = db.core.fanout().drain();
    CHECK(one.items == 1);
    CHECK(one.rows == 3);
    Id second = db.post(author, "second");
    Id third = db.post(author, "third");
    CHECK(db.core.fanout().queue_status().depth == 2);
    auto two = db.core.fanout().drain();
    CHECK(two.items == 2);
    CHECK(two.rows == 6);
    for (Id f : {f1, f2, f3}) {
      CAPTURE(f);
      CHECK(full_home(db, f) == std::vector<Id>{third, second, first});
    }
  }

  SUBCASE("re-running a queue item (as after a crash) writes no duplicate") {
    Id tweet = db.post(author, "crash-safe");
    db.core.fanout().drain();
    // Put the same item back in the queue, as if the worker died before removing it.
    chirp::test::sqlite3(db.dir / "chirp.db",
                         "INSERT INTO fanout_queue(tweet, author, created_at) VALUES(" +
                             std::to_string(tweet) + ", " + std::to_string(author) + ", " +
                             std::to_string(db.clock->now_ms()) + ")");
    CHECK(db.core.fanout().queue_status().depth == 1);
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 1);
    CHECK(stats.rows == 0);
    for (Id f : {f1, f2, f3}) CHECK(full_home(db, f) == std::vector<Id>{tweet});
  }

  SUBCASE("max_items bounds one drain") {
    std::vector<Id> tweets;
    for (int i = 0; i < 5; ++i) tweets.push_back(db.post(author, "t" + std::to_string(i)));
    auto some = db.core.fanout().drain(2);
    CHECK(some.items == 2);
    CHECK(some.rows == 6);
    CHECK(db.core.fanout().queue_status().depth == 3);
    auto rest = db.core.fanout().drain();
    CHECK(rest.items == 3);
    CHECK(rest.rows == 9);
    std::vector<Id> expected(tweets.rbegin(), tweets.rend());
    for (Id f : {f1, f2, f3}) CHECK(full_home(db, f) == expected);
  }

  SUBCASE("batches smaller than the queue still drain everything") {
    db.set_setting(chirp::setting::fanout_batch,
        std::to_string(std::max<std::int64_t>(1, chirp::find_setting_spec(
                                                     chirp::setting::fanout_batch)->min)));
    for (int i = 0; i < 7; ++i) db.post(author, "t" + std::to_string(i));
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 7);
    CHECK(stats.rows == 21);
    CHECK(db.core.fanout().queue_status().depth == 0);
  }

  SUBCASE("queue age follows the clock") {
    db.post(author, "old");
    db.clock->advance_ms(1500);
    db.post(author, "new");
    db.clock->advance_ms(500);
    auto status = db.core.fanout().queue_status();
    CHECK(status.depth == 2);
    CHECK(status.oldest_age_ms == 2001);  // db.post advances 1 ms before posting
  }

  SUBCASE("a tweet deleted before fan-out reaches nobody") {
    Id tweet = db.post(author, "oops");
    must_ok(db.core.tweets().remove(author, tweet));
    auto stats = db.core.fanout().drain();
    CHECK(stats.rows == 0);
    CHECK(db.core.fanout().queue_status().depth == 0);
    for (Id f : {f1, f2, f3}) CHECK(full_home(db, f).empty());
  }

  SUBCASE("a follower who followed before fan-out gets it once") {
    Id tweet = db.post(author, "before the follow");
    must_ok(db.core.graph().follow(stranger, author));  // back-fill brings it in already
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 2);  // the tweet, and the follow's notification
    CHECK(stats.notifications == 1);
    CHECK(stats.rows == 3);  // the back-filled inbox row is not written again
    CHECK(full_home(db, stranger) == std::vector<Id>{tweet});
    for (Id f : {f1, f2, f3}) CHECK(full_home(db, f) == std::vector<Id>{tweet});
  }

  SUBCASE("a follower who unfollowed before fan-out does not get it") {
    Id tweet = db.post(author, "after unfollow");
    must_ok(db.core.graph().unfollow(f2, author));
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 1);
    CHECK(stats.rows == 2);
    CHECK(full_home(db, f1) == std::vector<Id>{tweet});
    CHECK(full_home(db, f2).empty());
  }
}

TEST_CASE("chirp::drain_fanout celebrity") {
  TestDb db;
  Id celeb = db.user("celeb");
  Id normal = db.user("normal");
  std::vector<Id> fans;
  for (int i = 0; i < 4; ++i) {
    fans.push_back(db.user("fan" + std::to_string(i)));
    must_ok(db.core.graph().follow(fans.back(), celeb));
  }
  Id stranger = db.user("stranger");
  must_ok(db.core.graph().follow(fans[0], normal));
  db.core.fanout().drain();  // the follows' notifications: only tweets queued from here
  db.set_setting(chirp::setting::celebrity_threshold, "2");  // celeb has 4 followers, normal 1
  REQUIRE(db.core.settings().value(chirp::setting::celebrity_threshold) == 2);

  SUBCASE("a celebrity's tweet is not pushed but every follower still sees it once") {
    Id tweet = db.post(celeb, "to the masses");
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 1);
    CHECK(stats.rows == 0);
    CHECK(stats.skipped_celebrity == 1);
    for (Id f : fans) {
      CAPTURE(f);
      CHECK(full_home(db, f) == std::vector<Id>{tweet});
    }
    CHECK(full_home(db, stranger).empty());
    CHECK(full_home(db, celeb) == std::vector<Id>{tweet});
  }

  SUBCASE("celebrity and normal tweets merge newest first") {
    Id c1 = db.post(celeb, "c1");
    Id n1 = db.post(normal, "n1");
    Id c2 = db.post(celeb, "c2");
    Id own = db.post(fans[0], "own");
    Id n2 = db.post(normal, "n2");
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 5);
    CHECK(stats.skipped_celebrity == 2);
    CHECK(stats.rows == 2);  // n1 and n2 to fans[0]; own tweets are not pushed
    CHECK(full_home(db, fans[0]) == std::vector<Id>{n2, own, c2, n1, c1});
    CHECK(full_home(db, fans[1]) == std::vector<Id>{c2, c1});
  }

  SUBCASE("an author who became a celebrity is neither lost nor duplicated") {
    db.set_setting(chirp::setting::celebrity_threshold, "5000");
    Id pushed = db.post(celeb, "pushed");
    auto first = db.core.fanout().drain();
    CHECK(first.rows == 4);
    db.set_setting(chirp::setting::celebrity_threshold, "2");
    Id pulled = db.post(celeb, "pulled");
    auto second = db.core.fanout().drain();
    CHECK(second.rows == 0);
    CHECK(second.skipped_celebrity == 1);
    for (Id f : fans) {
      CAPTURE(f);
      auto home = full_home(db, f);
      CHECK(home == std::vector<Id>{pulled, pushed});
    }
  }

  SUBCASE("unfollowing a celebrity removes the pulled tweets") {
    Id tweet = db.post(celeb, "bye");
    db.core.fanout().drain();
    must_ok(db.core.graph().unfollow(fans[1], celeb));  // 3 followers left: still a celebrity
    CHECK(full_home(db, fans[1]).empty());
    CHECK(full_home(db, fans[2]) == std::vector<Id>{tweet});
  }

  SUBCASE("a celebrity who loses followers keeps the tweets that were not pushed") {
    Id tweet = db.post(celeb, "while famous");
    CHECK(db.core.fanout().drain().skipped_celebrity == 1);
    must_ok(db.core.graph().unfollow(fans[2], celeb));
    must_ok(db.core.graph().unfollow(fans[3], celeb));  // 2 followers: no longer a celebrity
    CHECK(full_home(db, fans[0]) == std::vector<Id>{tweet});
    CHECK(full_home(db, fans[1]) == std::vector<Id>{tweet});
    CHECK(full_home(db, fans[2]).empty());
  }

  SUBCASE("raising the threshold later loses no tweet that was not pushed") {
    Id pulled = db.post(celeb, "pulled");
    CHECK(db.core.fanout().drain().skipped_celebrity == 1);
    db.set_setting(chirp::setting::celebrity_threshold, "5000");
    Id pushed = db.post(celeb, "pushed");
    CHECK(db.core.fanout().drain().rows == 4);
    for (Id f : fans) {
      CAPTURE(f);
      CHECK(full_home(db, f) == std::vector<Id>{pushed, pulled});
    }
  }

  SUBCASE("draining twice duplicates nothing") {
    Id tweet = db.post(celeb, "twice");
    db.core.fanout().drain();
    auto again = db.core.fanout().drain();
    CHECK(again.items == 0);
    CHECK(again.skipped_celebrity == 0);
    for (Id f : fans) CHECK(occurrences(full_home(db, f), tweet) == 1u);
  }
}

// Found by the crash trials (tests/test_crash_trials.cpp, seed 105 and others): a
// follow of an author over the threshold back-fills nothing, so when the author drops
// back under it their earlier tweets were in that follower's inbox no more than pulled.
TEST_CASE("chirp::drain_fanout an author back under the threshold") {
  TestDb db;
  db.set_setting(chirp::setting::celebrity_threshold, "2");
  Id author = db.user("author");
  Id early1 = db.user("early1");
  Id early2 = db.user("early2");
  Id late = db.user("late");
  must_ok(db.core.graph().follow(early1, author));
  must_ok(db.core.graph().follow(early2, author));
  Id pushed = db.post(author, "before the crowd");
  CHECK(db.core.fanout().drain().rows == 2);  // 2 followers: not a celebrity

  SUBCASE("a follower who followed while the author was a celebrity keeps the earlier tweets") {
    must_ok(db.core.graph().follow(late, author));  // 3 followers: a celebrity now
    CHECK(full_home(db, late) == std::vector<Id>{pushed});
    must_ok(db.core.graph().unfollow(early2, author));  // 2 again: pushed again
    CHECK(full_home(db, late) == std::vector<Id>{pushed});
    Id after = db.post(author, "after");
    db.core.fanout().drain();
    CHECK(full_home(db, late) == std::vector<Id>{after, pushed});
    CHECK(full_home(db, early1) == std::vector<Id>{after, pushed});
  }

  SUBCASE("an inbox rebuilt while the author was a celebrity keeps the earlier tweets") {
    // Over the threshold only because it was lowered: no follow skipped a back-fill.
    db.set_setting(chirp::setting::celebrity_threshold, "5");
    must_ok(db.core.graph().follow(late, author));  // back-filled
    db.set_setting(chirp::setting::inactive_days, "1");
    db.clock->advance_ms(2 * k_day_ms);
    db.set_setting(chirp::setting::celebrity_threshold, "2");  // 3 followers: a celebrity
    CHECK(full_home(db, late) == std::vector<Id>{pushed});     // rebuilt: away 2 days
    db.set_setting(chirp::setting::celebrity_threshold, "5");  // pushed again
    CHECK(full_home(db, late) == std::vector<Id>{pushed});
    CHECK(full_home(db, early1) == std::vector<Id>{pushed});
  }
}

TEST_CASE("chirp::drain_fanout inactive followers") {
  TestDb db;
  Id author = db.user("author");
  Id sleeper = db.user("sleeper");
  Id active = db.user("active");
  must_ok(db.core.graph().follow(sleeper, author));
  must_ok(db.core.graph().follow(active, author));
  db.set_setting(chirp::setting::inactive_days, "1");
  Id before = db.post(author, "before the nap");
  CHECK(db.core.fanout().drain().rows == 2);

  db.clock->advance_ms(2 * k_day_ms);
  CHECK(db.home_ids(active) == std::vector<Id>{before});  // active is seen now

  Id during = db.post(author, "while asleep");
  auto stats = db.core.fanout().drain();
  CHECK(stats.items == 1);
  CHECK(stats.rows == 1);  // only the active follower is pushed
  CHECK(db.home_ids(active) == std::vector<Id>{during, before});

  SUBCASE("a returning follower sees a complete timeline") {
    CHECK(db.home_ids(sleeper) == std::vector<Id>{during, before});
    // ...and is pushed to again from now on.
    Id after = db.post(author, "good morning");
    auto next = db.core.fanout().drain();
    CHECK(next.rows == 2);
    CHECK(db.home_ids(sleeper) == std::vector<Id>{after, during, before});
    CHECK(db.home_ids(sleeper, {.limit = 1, .max_id = after}) == std::vector<Id>{during});
  }

  SUBCASE("paging is complete for a returning follower too") {
    CHECK(db.home_ids(sleeper, {.limit = 1}) == std::vector<Id>{during});
    CHECK(db.home_ids(sleeper, {.limit = 1, .max_id = during}) == std::vector<Id>{before});
  }

  SUBCASE("changing inactive_days before the sleeper returns loses nothing") {
    db.set_setting(chirp::setting::inactive_days, "30");
    CHECK(db.home_ids(sleeper) == std::vector<Id>{during, before});
  }

  SUBCASE("many missed tweets are all there when the sleeper returns") {
    std::vector<Id> missed{before, during};
    for (int i = 0; i < 30; ++i) missed.push_back(db.post(author, "m" + std::to_string(i)));
    db.core.fanout().drain();
    std::reverse(missed.begin(), missed.end());
    auto home = db.home_ids(sleeper, {.limit = 200});
    CHECK(home == missed);
    CHECK(all_unique(home));
  }
}

TEST_CASE("chirp::Core work_queued") {
  // Core, not the front ends, knows which writes queue fan-out: it says so through the
  // notifier, after the write committed, exactly for those writes.
  chirp::test::TempDir dir;
  int notified = 0;
  std::int64_t depth_when_notified = -1;
  std::optional<chirp::Core> core;
  core.emplace(chirp::Core::open({.path = dir / "chirp.db", .work_queued = [&] {
    ++notified;
    // Committed: another connection sees the queued row already.
    auto other = chirp::Core::open({.path = dir / "chirp.db"});
    depth_when_notified = other.fanout().queue_status().depth;
  }}));
  Id alice = must(core->users().create({.handle = "alice"})).id;
  Id bob = must(core->users().create({.handle = "bob"})).id;
  CHECK(notified == 0);

  Id tweet = must(core->tweets().post(alice, {.text = "queued"})).id;
  CHECK(notified == 1);
  CHECK(depth_when_notified == 1);
  must(core->tweets().post(bob, {.text = "a reply", .reply_to = tweet}));
  CHECK(notified == 2);
  Id retweet = must(core->tweets().retweet(bob, tweet)).id;
  CHECK(notified == 3);
  // The same retweet again queues nothing.
  CHECK(must(core->tweets().retweet(bob, tweet)).id == retweet);
  CHECK(notified == 3);

  // A follow and a like queue their notification (their inbox changes are made in
  // their own transaction); following or liking again queues nothing.
  must_ok(core->graph().follow(bob, alice));
  CHECK(notified == 4);
  CHECK(depth_when_notified == 4);
  must_ok(core->graph().follow(bob, alice));
  must(core->tweets().like(bob, tweet));
  CHECK(notified == 5);
  must(core->tweets().like(bob, tweet));
  CHECK(notified == 5);
  // Undoing queues nothing.
  must(core->tweets().unlike(bob, tweet));
  must_ok(core->graph().unfollow(bob, alice));
  must_ok(core->tweets().unretweet(bob, tweet));
  must_ok(core->tweets().remove(alice, tweet));
  CHECK(notified == 5);
  // Nor do refused writes.
  chirp::test::check_error(core->tweets().post(alice, {.text = std::string(300, 'x')}),
                           Code::invalid);
  chirp::test::check_error(core->tweets().post(alice, {.text = "to nothing", .reply_to = 12345}),
                           Code::not_found);
  CHECK(notified == 5);

  chirp::BulkData data;
  data.users.push_back({.handle = "carol"});
  data.tweets.push_back({.author = 0, .text = "bulk", .created_at_ms = core->clock().now_ms()});
  must(core->bulk().import(data));
  CHECK(notified == 6);
  data = {};
  data.users.push_back({.handle = "dave"});
  must(core->bulk().import(data));  // no tweets: nothing to fan out
  CHECK(notified == 6);
}

namespace {

/// The texts of USER's whole home timeline, newest first, paging to the end.
std::vector<std::string> home_texts(TestDb& db, Id user) {
  std::vector<std::string> texts;
  std::optional<chirp::PageRequest> page = chirp::PageRequest{.limit = 7};
  while (page) {
    auto timeline = must(db.core.timelines().home(user, *page, user));
    for (const auto& tweet : timeline.items) texts.push_back(tweet.text);
    page = timeline.next;
  }
  return texts;
}

}  // namespace

TEST_CASE("Bulk::import with push_history leaves the home timelines the worker would") {
  // Threshold 10, cap 20: user 0 is a celebrity (15 followers, pulled); users 1-3 are
  // pushed to 8 followers each (one follow given twice), who then hold 30 pushed
  // tweets against a cap of 20; one tweet mentions a user who follows nobody.
  chirp::BulkData data;
  for (int i = 0; i < 24; ++i) data.users.push_back({.handle = "r" + std::to_string(i)});
  for (std::size_t f = 1; f <= 15; ++f) data.follows.emplace_back(f, 0);
  for (std::size_t author = 1; author <= 3; ++author) {
    for (std::size_t f = 4; f <= 11; ++f) data.follows.emplace_back(f, author);
  }
  data.follows.emplace_back(4, 1);
  TestDb pushed;
  TestDb queued;
  std::int64_t now = pushed.clock->now_ms();
  std::int64_t at = now - 1'000'000;
  for (int round = 0; round < 10; ++round) {
    for (std::size_t author = 0; author <= 3; ++author) {
      std::string text = "tweet " + std::to_string(round) + " by " + std::to_string(author);
      if (round == 4 && author == 2) text += " for @r20";
      if (author > 0 || round < 5) data.tweets.push_back({author, text, at += 1000});
    }
  }
  for (TestDb* db : {&pushed, &queued}) {
    db->set_setting(chirp::setting::celebrity_threshold, 10);
    db->set_setting(chirp::setting::inbox_cap, 20);
    db->set_setting(chirp::setting::inactive_days, 0);
  }
  auto pushed_ids = must(pushed.core.bulk().import(data, {}, {.push_history = true}));
  auto queued_ids = must(queued.core.bulk().import(data));
  // Only the tweet with a mention is left to the worker.
  CHECK(pushed.core.fanout().queue_status().depth == 1);
  CHECK(queued.core.fanout().queue_status().depth == static_cast<std::int64_t>(data.tweets.size()));
  CHECK(pushed.core.fanout().drain().items == 1);
  queued.core.fanout().drain();
  for (std::size_t i = 0; i < data.users.size(); ++i) {
    CAPTURE(i);
    auto texts = home_texts(pushed, pushed_ids[i]);
    CHECK(texts == home_texts(queued, queued_ids[i]));
    // Readers 4-11 see all 30 tweets of users 1-3 (the part cut off at the cap by
    // pull) and the celebrity's 5.
    if (i >= 4 && i <= 11) CHECK(texts.size() == 35);
  }
  auto mentions = must(pushed.core.notifications().list(pushed_ids[20], {.limit = 10})).items;
  REQUIRE(mentions.size() == 1);
  CHECK(mentions[0].tweet->text == "tweet 4 by 2 for @r20");
  CHECK(must(queued.core.notifications().list(queued_ids[20], {.limit = 10})).items.size() == 1);
  // Counters are exact, the repeated follow counted once.
  CHECK(must(pushed.core.users().find("r1")).followers_count == 8);
}

namespace {

/// One author (the first user) with FOLLOWERS followers and TWEETS queued tweets, and
/// the settings that let one fan-out transaction write them all unless a writer waits
/// (then it yields after BATCH_MS).
void queue_a_long_drain(TestDb& db, std::int64_t batch_ms, std::size_t followers, int tweets) {
  db.set_setting(chirp::setting::fanout_batch_ms, batch_ms);
  db.set_setting(chirp::setting::fanout_batch_max_ms, 60000);
  db.set_setting(chirp::setting::fanout_batch, 100000);
  db.set_setting(chirp::setting::inactive_days, 0);
  chirp::BulkData data;
  for (std::size_t i = 0; i <= followers; ++i) data.users.push_back({.handle = "f" + std::to_string(i)});
  for (std::size_t f = 1; f <= followers; ++f) data.follows.emplace_back(f, 0);
  std::int64_t at = db.clock->now_ms() - 1'000'000;
  for (int j = 0; j < tweets; ++j) data.tweets.push_back({0, "queued " + std::to_string(j), at + j});
  must(db.core.bulk().import(data));
}

/// Drains DRAINER's queue while ACT runs on a thread of its own, 20 ms after the drain
/// began; the drain's stats, and whether ACT was done before the drain. ACT asserts
/// nothing: doctest's REQUIRE may not throw off its thread.
template <class F>
std::pair<chirp::FanoutStats, bool> while_draining(chirp::Core& drainer, F act) {
  std::atomic<bool> draining{false};
  std::atomic<bool> drained{false};
  bool done_first = false;
  std::thread other([&] {
    while (!draining) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    act();
    done_first = !drained;
  });
  draining = true;
  auto stats = drainer.fanout().drain();
  drained = true;
  other.join();
  return {stats, done_first};
}

}  // namespace

TEST_CASE("a long fan-out batch gives the write lock to a post that waits for it") {
  // One author with 100 followers and 1,000 queued tweets: 100,000 inbox rows, which
  // fanout.batch_max_ms (a minute) would let one transaction write whole. A post made
  // meanwhile through another connection waits for the lock, and the batch gives it up
  // after fanout.batch_ms (1 ms): the post is done before the drain.
  TestDb db;
  queue_a_long_drain(db, 1, 100, 1000);
  auto poster = chirp::Core::open({.path = db.dir / "chirp.db"});
  Id alone = must(poster.users().create({.handle = "poster"})).id;

  bool posted = false;
  auto [stats, posted_while_draining] = while_draining(db.core, [&] {
    posted = poster.tweets().post(alone, {.text = "not kept waiting"}).has_value();
  });
  CHECK(posted);
  CHECK(stats.items == 1001);  // the 1,000 and the post, queued while the drain went on
  CHECK(stats.rows == 100'000);
  CHECK(posted_while_draining);
}

TEST_CASE("a write kept waiting past its busy timeout by a batch of the process is refused, and changes nothing") {
  // fanout.batch_ms of 10 s: the batch keeps the write lock for the whole drain of
  // 600,000 inbox rows (half a second here) though a post waits. The post, through a
  // connection of the same process with a 5 ms busy timeout, waits its turn that long
  // (21 times over: a busy write is retried), is refused, and writes nothing; after
  // the drain the same connection posts. A background writer (the server's worker)
  // waits for the gate to be idle first, then for a turn, and is refused alike.
  bool background = false;
  SUBCASE("a writer") {}
  SUBCASE("a background writer") { background = true; }
  CAPTURE(background);
  TestDb db;
  queue_a_long_drain(db, 10000, 1000, 600);
  auto poster = chirp::Core::open({.path = db.dir / "chirp.db", .busy_timeout_ms = 5,
                                     .background_writer = background});
  Id alone = must(poster.users().create({.handle = "poster"})).id;

  bool refused = false;
  auto [stats, refused_while_draining] = while_draining(db.core, [&] {
    try {
      (void)poster.tweets().post(alone, {.text = "kept waiting"});
    } catch (const std::exception&) {
      refused = true;
    }
  });
  CHECK(refused);
  CHECK(refused_while_draining);
  CHECK(stats.rows == 600'000);
  CHECK(must(poster.users().find("poster")).tweets_count == 0);
  must(poster.tweets().post(alone, {.text = "after the drain"}));
  CHECK(must(poster.users().find("poster")).tweets_count == 1);
}

TEST_CASE("a background fan-out batch gives the write lock up to a RESTART checkpoint") {
  // The server's worker takes no turn at the process's write gate, so a RESTART that
  // holds the turn does not keep it out: the batch sees the RESTART waiting and gives
  // SQLite's lock up after fanout.batch_ms (1 ms), well before its drain of 600,000
  // rows ends. A checkpointer started during the drain restarts the log meanwhile.
  TestDb db;
  queue_a_long_drain(db, 1, 1000, 600);
  auto worker = chirp::Core::open({.path = db.dir / "chirp.db", .background_writer = true});
  bool restarted = false;
  auto [stats, restarted_while_draining] = while_draining(worker, [&] {
    chirp::Checkpointer checkpointer({.path = db.dir / "chirp.db",
                                      .interval = std::chrono::milliseconds(2),
                                      .restart_pages = 1,
                                      .busy_timeout_ms = 50});
    for (int i = 0; i < 150 && !restarted; ++i) {
      restarted = checkpointer.stats().restarts > 0;
      if (!restarted) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  CHECK(restarted);
  CHECK(restarted_while_draining);
  CHECK(stats.rows == 600'000);
}

namespace {

struct PushOutcome {
  std::int64_t rows = 0;
  std::vector<std::vector<std::string>> homes;
};

/// Four authors and twelve readers: mutes, a block, a retweet hidden from one reader,
/// readers inactive for a while, inboxes over their cap; fanned out with SORT_ROWS.
PushOutcome push_with(std::int64_t sort_rows) {
  TestDb db;
  db.set_setting(chirp::setting::fanout_sort_rows, sort_rows);
  db.set_setting(chirp::setting::inbox_cap, 20);
  db.set_setting(chirp::setting::inactive_days, 1);
  std::vector<Id> authors;
  std::vector<Id> readers;
  for (int i = 0; i < 4; ++i) authors.push_back(db.user("a" + std::to_string(i)));
  for (int i = 0; i < 12; ++i) readers.push_back(db.user("r" + std::to_string(i)));
  for (std::size_t r = 0; r < readers.size(); ++r) {
    for (std::size_t a = 0; a < authors.size(); ++a) {
      if ((r + a) % 3 != 0) must_ok(db.core.graph().follow(readers[r], authors[a]));
    }
  }
  must_ok(db.core.blocks().mute(readers[1], authors[1]));
  must_ok(db.core.blocks().mute(readers[4], authors[2]));
  must_ok(db.core.blocks().block(readers[5], authors[2]));
  PushOutcome out;
  out.rows += db.core.fanout().drain().rows;
  // Half the readers stay away for two days; the others read, which marks them seen.
  db.clock->advance_ms(2 * k_day_ms);
  for (std::size_t r = 0; r < readers.size(); r += 2) db.home_ids(readers[r]);
  Id hidden = db.post(authors[2], "by a2, muted by r4");
  must(db.core.tweets().retweet(authors[3], hidden));
  for (int round = 0; round < 12; ++round) {
    for (std::size_t a = 0; a < authors.size(); ++a) {
      db.post(authors[a], "round " + std::to_string(round) + " by a" + std::to_string(a));
    }
  }
  out.rows += db.core.fanout().drain().rows;
  for (Id reader : readers) out.homes.push_back(home_texts(db, reader));
  return out;
}

}  // namespace

TEST_CASE("sorted pushes write the rows and timelines that tweet-by-tweet pushes do") {
  auto one_by_one = push_with(0);
  CHECK(one_by_one.rows > 0);
  for (std::int64_t sort_rows : {1, 5, 65536}) {
    CAPTURE(sort_rows);
    auto sorted = push_with(sort_rows);
    CHECK(sorted.rows == one_by_one.rows);
    CHECK(sorted.homes == one_by_one.homes);
  }
}
