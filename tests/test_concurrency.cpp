// Several Core objects on one database file, from one thread and from several threads.

#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/core.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

using chirp::Id;
using chirp::test::k_test_epoch_ms;
using chirp::test::TempDir;
using chirp::test::must;
using chirp::test::must_ok;

namespace {

}  // namespace

TEST_CASE("chirp::Core two connections") {
  TempDir dir;
  auto path = dir / "chirp.db";
  // One clock shared by both, frozen: both write ids in the same millisecond.
  auto clock = std::make_shared<chirp::ManualClock>(k_test_epoch_ms);
  auto one = chirp::Core::open({.path = path, .clock = clock});
  auto two = chirp::Core::open({.path = path, .clock = clock});

  Id alice = must(one.users().create({.handle = "alice"})).id;
  Id bob = must(two.users().create({.handle = "bob"})).id;
  CHECK(alice != bob);
  CHECK(must(two.users().find("alice")).id == alice);

  std::vector<Id> posted;
  for (int i = 0; i < 10; ++i) {
    auto& core = i % 2 == 0 ? one : two;
    posted.push_back(must(core.tweets().post(alice, {.text = "t" + std::to_string(i)})).id);
  }
  std::set<Id> unique(posted.begin(), posted.end());
  CHECK(unique.size() == posted.size());

  must_ok(two.graph().follow(bob, alice));
  CHECK(one.graph().is_following(bob, alice));
  CHECK(must(one.users().by_id(alice)).followers_count == 1);
  CHECK(must(one.users().by_id(alice)).tweets_count == 10);

  must(one.tweets().like(bob, posted[0]));
  must(two.tweets().like(bob, posted[0]));
  CHECK(must(two.tweets().get(posted[0])).like_count == 1);

  auto settings = two.settings().set("fanout.celebrity_threshold", "3");
  REQUIRE(settings.has_value());
  CHECK(one.settings().value("fanout.celebrity_threshold") == 3);

  std::vector<Id> expected(posted.rbegin(), posted.rend());
  auto home = must(two.timelines().home(bob, {.limit = 50}, bob));
  std::vector<Id> ids;
  for (const auto& t : home.items) ids.push_back(t.id);
  CHECK(ids == expected);
}

TEST_CASE("chirp::Core threads") {
  TempDir dir;
  auto path = dir / "chirp.db";
  auto clock = std::make_shared<chirp::ManualClock>(k_test_epoch_ms);
  constexpr int k_posts = 30;
  constexpr int k_fans_per_thread = 4;

  std::vector<Id> authors;
  std::vector<Id> fans;
  Id shared_tweet = 0;
  {
    auto setup = chirp::Core::open({.path = path, .clock = clock});
    for (int i = 0; i < 2; ++i) {
      authors.push_back(must(setup.users().create({.handle = "author" + std::to_string(i)})).id);
    }
    for (int i = 0; i < 2 * k_fans_per_thread; ++i) {
      fans.push_back(must(setup.users().create({.handle = "fan" + std::to_string(i)})).id);
    }
    shared_tweet = must(setup.tweets().post(authors[0], {.text = "everyone likes this"})).id;
  }

  struct Outcome {
    std::vector<Id> posted;
    std::vector<std::string> errors;
  };
  std::vector<Outcome> outcomes(2);

  auto work = [&](int t) {
    auto& out = outcomes[static_cast<std::size_t>(t)];
    try {
      // Each thread its own Core, with the same frozen clock (read-only here).
      auto core = chirp::Core::open({.path = path, .clock = clock});
      Id author = authors[static_cast<std::size_t>(t)];
      for (int i = 0; i < k_posts; ++i) {
        auto posted = core.tweets().post(author, {.text = "thread " + std::to_string(t) + " #" +
                                                 std::to_string(i)});
        if (!posted) {
          out.errors.push_back("post: " + posted.error().message);
          continue;
        }
        out.posted.push_back(posted->id);
        if (i < k_fans_per_thread) {
          Id fan = fans[static_cast<std::size_t>(t * k_fans_per_thread + i)];
          for (Id followee : authors) {
            auto followed = core.graph().follow(fan, followee);
            if (!followed) out.errors.push_back("follow: " + followed.error().message);
          }
          auto liked = core.tweets().like(fan, shared_tweet);
          if (!liked) out.errors.push_back("like: " + liked.error().message);
        }
        if (i % 7 == 3) core.fanout().drain();
        auto home = core.timelines().home(author, {.limit = 5}, author);
        if (!home) out.errors.push_back("home: " + home.error().message);
      }
      core.fanout().drain();
    } catch (const std::exception& e) {
      out.errors.push_back(std::string("exception: ") + e.what());
    }
  };
  std::thread first(work, 0);
  std::thread second(work, 1);
  first.join();
  second.join();

  for (const auto& out : outcomes) {
    for (const auto& error : out.errors) FAIL_CHECK(error);
    CHECK(out.posted.size() == static_cast<std::size_t>(k_posts));
  }

  auto core = chirp::Core::open({.path = path, .clock = clock});
  core.fanout().drain();
  CHECK(core.fanout().queue_status().depth == 0);

  std::set<Id> all_ids{shared_tweet};
  for (const auto& out : outcomes) all_ids.insert(out.posted.begin(), out.posted.end());
  CHECK(all_ids.size() == static_cast<std::size_t>(2 * k_posts + 1));

  CHECK(must(core.users().by_id(authors[0])).tweets_count == k_posts + 1);
  CHECK(must(core.users().by_id(authors[1])).tweets_count == k_posts);
  for (Id author : authors) {
    CHECK(must(core.users().by_id(author)).followers_count == 2 * k_fans_per_thread);
  }
  CHECK(must(core.tweets().get(shared_tweet)).like_count == 2 * k_fans_per_thread);

  std::vector<Id> expected(all_ids.rbegin(), all_ids.rend());
  for (Id fan : fans) {
    CAPTURE(fan);
    auto user = must(core.users().by_id(fan));
    CHECK(user.following_count == 2);
    CHECK(user.likes_count == 1);
    auto home = must(core.timelines().home(fan, {.limit = 200}, fan));
    std::vector<Id> ids;
    for (const auto& t : home.items) ids.push_back(t.id);
    CHECK(ids == expected);
  }
  for (std::size_t t = 0; t < 2; ++t) {
    auto timeline = must(core.timelines().user(authors[t], {.limit = 200}));
    CHECK(timeline.items.size() == static_cast<std::size_t>(t == 0 ? k_posts + 1 : k_posts));
  }
}

TEST_CASE("two connections opening one new database at once both open it") {
  // Each turns the new file to WAL, which reads and then writes: SQLite answers the
  // loser of that race BUSY at once, without waiting, and the open is retried. Each
  // also creates the token secret through a temporary file of its own.
  int failures = 0;
  std::string failure;
  for (int round = 0; round < 100; ++round) {
    TempDir dir;
    auto db = dir / "chirp.db";
    std::atomic<int> ready{0};
    auto open = [&](std::string& error) {
      ++ready;
      while (ready < 2) std::this_thread::yield();
      try {
        (void)chirp::Core::open({.path = db});
      } catch (const std::exception& e) {
        error = e.what();
      }
    };
    std::string first, second;
    std::thread other([&] { open(second); });
    open(first);
    other.join();
    for (const auto& error : {first, second}) {
      if (!error.empty()) {
        ++failures;
        failure = error;
      }
    }
  }
  CAPTURE(failure);
  CHECK(failures == 0);
}
