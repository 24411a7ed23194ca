// Tweets: posting, replies, retweets, likes, deletion, single tweets and threads.

#include "support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using chirp::test::ids_of;
using chirp::Code;
using chirp::Id;
using chirp::test::k_test_epoch_ms;
using chirp::test::TestDb;
using chirp::test::must;
using chirp::test::must_ok;
using chirp::test::check_error;

namespace {

std::vector<Id> user_ids(TestDb& db, Id user) {
  return ids_of(must(db.core.timelines().user(user, {.limit = 200})).items);
}

}  // namespace

TEST_CASE("chirp::post") {
  TestDb db;
  Id alice = db.user("alice");

  SUBCASE("returns the stored tweet with trimmed text and its author") {
    db.clock->advance_ms(5);
    auto tweet = must(db.core.tweets().post(alice, {.text = "  hello world \n"}));
    CHECK(tweet.id > 0);
    CHECK(tweet.author.id == alice);
    CHECK(tweet.author.handle == "alice");
    CHECK(tweet.author.name == "alice");
    CHECK(tweet.text == "hello world");
    CHECK(tweet.created_at_ms == k_test_epoch_ms + 5);
    CHECK_FALSE(tweet.reply_to.has_value());
    CHECK_FALSE(tweet.retweet_of.has_value());
    CHECK(tweet.original == nullptr);
    CHECK(tweet.like_count == 0);
    CHECK(tweet.retweet_count == 0);
    CHECK(tweet.reply_count == 0);

    auto stored = must(db.core.tweets().get(tweet.id));
    CHECK(stored.text == "hello world");
    CHECK(stored.author.handle == "alice");
    CHECK(stored.created_at_ms == k_test_epoch_ms + 5);
    CHECK(must(db.core.users().by_id(alice)).tweets_count == 1);
    CHECK(user_ids(db, alice) == std::vector<Id>{tweet.id});
  }

  SUBCASE("media urls are kept") {
    std::vector<std::string> urls = {"https://example.com/a.png", "http://example.com/b.png"};
    auto tweet = must(db.core.tweets().post(alice, {.text = "pics", .media_urls = urls}));
    CHECK(tweet.media_urls == urls);
    CHECK(must(db.core.tweets().get(tweet.id)).media_urls == urls);
  }

  SUBCASE("invalid text is refused and nothing is written") {
    for (const std::string& text : std::vector<std::string>{"", "   ", std::string(281, 'x'), std::string("bad \xC0\xAF"),
                             std::string("bell \x07")}) {
      CAPTURE(text);
      check_error(db.core.tweets().post(alice, {.text = text}), Code::invalid);
    }
    check_error(db.core.tweets().post(alice, {.text = "ok", .media_urls = {"ftp://x/y"}}), Code::invalid);
    CHECK(must(db.core.users().by_id(alice)).tweets_count == 0);
    CHECK(user_ids(db, alice).empty());
    CHECK(db.home_ids(alice).empty());
    CHECK(db.core.fanout().queue_status().depth == 0);
  }

  SUBCASE("280 emoji are fine") {
    std::string text;
    for (int i = 0; i < 280; ++i) text += "\xF0\x9F\x90\xA6";
    auto tweet = must(db.core.tweets().post(alice, {.text = text}));
    CHECK(tweet.text == text);
    CHECK(must(db.core.tweets().get(tweet.id)).text == text);
  }

  SUBCASE("a missing author is not_found") {
    check_error(db.core.tweets().post(alice + 1, {.text = "ghost"}), Code::not_found);
  }
}

TEST_CASE("chirp::post reply") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id root = db.post(alice, "root");

  SUBCASE("a reply links its parent and counts on it") {
    auto reply = must(db.core.tweets().post(bob, {.text = "re", .reply_to = root}));
    CHECK(reply.reply_to == std::optional<Id>{root});
    CHECK(must(db.core.tweets().get(root)).reply_count == 1);
    must(db.core.tweets().post(alice, {.text = "re2", .reply_to = root}));
    CHECK(must(db.core.tweets().get(root)).reply_count == 2);
    CHECK(must(db.core.users().by_id(bob)).tweets_count == 1);
  }

  SUBCASE("a reply to a missing or deleted tweet is not_found and writes nothing") {
    check_error(db.core.tweets().post(bob, {.text = "re", .reply_to = root + 1000}), Code::not_found);
    must_ok(db.core.tweets().remove(alice, root));
    check_error(db.core.tweets().post(bob, {.text = "re", .reply_to = root}), Code::not_found);
    CHECK(must(db.core.users().by_id(bob)).tweets_count == 0);
    CHECK(user_ids(db, bob).empty());
  }

  SUBCASE("deleting a reply uncounts it") {
    auto reply = must(db.core.tweets().post(bob, {.text = "re", .reply_to = root}));
    must_ok(db.core.tweets().remove(bob, reply.id));
    CHECK(must(db.core.tweets().get(root)).reply_count == 0);
  }
}

TEST_CASE("chirp::retweet") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  Id original = db.post(alice, "worth sharing");

  SUBCASE("returns the retweet entry with its original") {
    db.clock->advance_ms(10);
    auto rt = must(db.core.tweets().retweet(bob, original));
    CHECK(rt.id > original);
    CHECK(rt.author.id == bob);
    CHECK(rt.author.handle == "bob");
    CHECK(rt.retweet_of == std::optional<Id>{original});
    CHECK(rt.text.empty());
    REQUIRE(rt.original != nullptr);
    CHECK(rt.original->id == original);
    CHECK(rt.original->author.handle == "alice");
    CHECK(rt.original->text == "worth sharing");
    CHECK(must(db.core.tweets().get(original)).retweet_count == 1);
    CHECK(user_ids(db, bob) == std::vector<Id>{rt.id});
  }

  SUBCASE("retweeting twice is idempotent") {
    auto first = must(db.core.tweets().retweet(bob, original));
    db.clock->advance_ms(10);
    auto second = must(db.core.tweets().retweet(bob, original));
    CHECK(second.id == first.id);
    CHECK(must(db.core.tweets().get(original)).retweet_count == 1);
    CHECK(user_ids(db, bob) == std::vector<Id>{first.id});
  }

  SUBCASE("retweeting a retweet retweets its original") {
    auto by_bob = must(db.core.tweets().retweet(bob, original));
    auto by_carol = must(db.core.tweets().retweet(carol, by_bob.id));
    CHECK(by_carol.retweet_of == std::optional<Id>{original});
    REQUIRE(by_carol.original != nullptr);
    CHECK(by_carol.original->id == original);
    CHECK(must(db.core.tweets().get(original)).retweet_count == 2);
    CHECK(must(db.core.tweets().get(by_bob.id)).retweet_count == 0);
    // and doing it again through the other entry is still the same retweet
    auto again = must(db.core.tweets().retweet(carol, original));
    CHECK(again.id == by_carol.id);
    CHECK(must(db.core.tweets().get(original)).retweet_count == 2);
  }

  SUBCASE("a missing or deleted tweet is not_found") {
    check_error(db.core.tweets().retweet(bob, original + 1000), Code::not_found);
    must_ok(db.core.tweets().remove(alice, original));
    check_error(db.core.tweets().retweet(bob, original), Code::not_found);
    CHECK(user_ids(db, bob).empty());
  }

  SUBCASE("unretweet removes it; a second unretweet is not_found") {
    auto rt = must(db.core.tweets().retweet(bob, original));
    must(db.core.tweets().retweet(carol, original));
    auto bob_count = must(db.core.users().by_id(bob)).tweets_count;
    must_ok(db.core.tweets().unretweet(bob, original));
    CHECK(must(db.core.tweets().get(original)).retweet_count == 1);
    CHECK_FALSE(must(db.core.tweets().get(original, bob)).retweeted);
    CHECK(must(db.core.tweets().get(original, carol)).retweeted);
    CHECK(user_ids(db, bob).empty());
    check_error(db.core.tweets().get(rt.id), Code::not_found);
    CHECK(must(db.core.users().by_id(bob)).tweets_count <= bob_count);
    check_error(db.core.tweets().unretweet(bob, original), Code::not_found);
    CHECK(must(db.core.tweets().get(original)).retweet_count == 1);
  }

  SUBCASE("unretweet of a tweet never retweeted is not_found") {
    check_error(db.core.tweets().unretweet(bob, original), Code::not_found);
    CHECK(must(db.core.tweets().get(original)).retweet_count == 0);
  }

  SUBCASE("retweet, unretweet, retweet again counts once") {
    auto before = must(db.core.users().by_id(bob)).tweets_count;
    must(db.core.tweets().retweet(bob, original));
    auto with_retweet = must(db.core.users().by_id(bob)).tweets_count;
    must_ok(db.core.tweets().unretweet(bob, original));
    CHECK(must(db.core.users().by_id(bob)).tweets_count == before);
    auto rt = must(db.core.tweets().retweet(bob, original));
    CHECK(must(db.core.tweets().get(original)).retweet_count == 1);
    CHECK(must(db.core.users().by_id(bob)).tweets_count == with_retweet);
    CHECK(user_ids(db, bob) == std::vector<Id>{rt.id});
  }
}

TEST_CASE("chirp::like") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  Id tweet = db.post(alice, "likeable");

  SUBCASE("like is idempotent with exact counters") {
    auto liked = must(db.core.tweets().like(bob, tweet));
    CHECK(liked.id == tweet);
    CHECK(liked.like_count == 1);
    liked = must(db.core.tweets().like(bob, tweet));
    CHECK(liked.like_count == 1);
    CHECK(must(db.core.users().by_id(bob)).likes_count == 1);
    liked = must(db.core.tweets().like(carol, tweet));
    CHECK(liked.like_count == 2);
    CHECK(must(db.core.tweets().get(tweet)).like_count == 2);
    CHECK(must(db.core.users().by_id(carol)).likes_count == 1);
    CHECK(must(db.core.users().by_id(alice)).likes_count == 0);
  }

  SUBCASE("unlike is idempotent with exact counters") {
    must(db.core.tweets().like(bob, tweet));
    must(db.core.tweets().like(carol, tweet));
    auto unliked = must(db.core.tweets().unlike(bob, tweet));
    CHECK(unliked.like_count == 1);
    unliked = must(db.core.tweets().unlike(bob, tweet));
    CHECK(unliked.like_count == 1);
    CHECK(must(db.core.users().by_id(bob)).likes_count == 0);
    CHECK(must(db.core.users().by_id(carol)).likes_count == 1);
    unliked = must(db.core.tweets().unlike(alice, tweet));  // never liked it
    CHECK(unliked.like_count == 1);
    CHECK(must(db.core.users().by_id(alice)).likes_count == 0);
  }

  SUBCASE("missing or deleted tweets are not_found") {
    check_error(db.core.tweets().like(bob, tweet + 1000), Code::not_found);
    must_ok(db.core.tweets().remove(alice, tweet));
    check_error(db.core.tweets().like(bob, tweet), Code::not_found);
    CHECK(must(db.core.users().by_id(bob)).likes_count == 0);
  }
}

TEST_CASE("chirp::tweet viewer flags") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  Id tweet = db.post(alice, "flags");
  must(db.core.tweets().like(bob, tweet));
  must(db.core.tweets().retweet(carol, tweet));

  auto as_bob = must(db.core.tweets().get(tweet, bob));
  CHECK(as_bob.liked);
  CHECK_FALSE(as_bob.retweeted);
  auto as_carol = must(db.core.tweets().get(tweet, carol));
  CHECK_FALSE(as_carol.liked);
  CHECK(as_carol.retweeted);
  auto anonymous = must(db.core.tweets().get(tweet));
  CHECK_FALSE(anonymous.liked);
  CHECK_FALSE(anonymous.retweeted);
  CHECK(anonymous.like_count == 1);
  CHECK(anonymous.retweet_count == 1);
  check_error(db.core.tweets().get(tweet + 1000), Code::not_found);
}

TEST_CASE("chirp::delete_tweet") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  must_ok(db.core.graph().follow(bob, alice));
  must_ok(db.core.graph().follow(carol, bob));
  Id tweet = db.post(alice, "soon gone");
  Id kept = db.post(alice, "stays");

  SUBCASE("only the author may delete") {
    check_error(db.core.tweets().remove(bob, tweet), Code::forbidden);
    CHECK(must(db.core.tweets().get(tweet)).text == "soon gone");
    CHECK(must(db.core.users().by_id(alice)).tweets_count == 2);
  }

  SUBCASE("missing or already deleted is not_found") {
    check_error(db.core.tweets().remove(alice, tweet + 1000), Code::not_found);
    must_ok(db.core.tweets().remove(alice, tweet));
    check_error(db.core.tweets().remove(alice, tweet), Code::not_found);
    CHECK(must(db.core.users().by_id(alice)).tweets_count == 1);
  }

  SUBCASE("deleting removes it from every timeline and uncounts it") {
    db.core.fanout().drain();
    REQUIRE(db.home_ids(bob) == std::vector<Id>{kept, tweet});
    must_ok(db.core.tweets().remove(alice, tweet));
    check_error(db.core.tweets().get(tweet), Code::not_found);
    check_error(db.core.tweets().get(tweet, bob), Code::not_found);
    check_error(db.core.tweets().thread(tweet), Code::not_found);
    CHECK(must(db.core.users().by_id(alice)).tweets_count == 1);
    CHECK(db.home_ids(bob) == std::vector<Id>{kept});
    CHECK(db.home_ids(alice) == std::vector<Id>{kept});
    CHECK(user_ids(db, alice) == std::vector<Id>{kept});
    db.core.fanout().drain();
    CHECK(db.home_ids(bob) == std::vector<Id>{kept});
  }

  SUBCASE("deleting before fan-out ran still keeps it out of timelines") {
    must_ok(db.core.tweets().remove(alice, tweet));
    db.core.fanout().drain();
    CHECK(db.home_ids(bob) == std::vector<Id>{kept});
  }

  SUBCASE("deleting an original deletes its retweets everywhere") {
    auto bob_before = must(db.core.users().by_id(bob)).tweets_count;
    auto rt = must(db.core.tweets().retweet(bob, tweet));
    db.core.fanout().drain();
    REQUIRE(db.home_ids(carol) == std::vector<Id>{rt.id});
    must_ok(db.core.tweets().remove(alice, tweet));
    check_error(db.core.tweets().get(rt.id), Code::not_found);
    CHECK(db.home_ids(carol).empty());
    CHECK(user_ids(db, bob).empty());
    CHECK(db.home_ids(bob) == std::vector<Id>{kept});
    CHECK(must(db.core.users().by_id(bob)).tweets_count == bob_before);
  }

  SUBCASE("the retweeter may delete their retweet entry") {
    auto rt = must(db.core.tweets().retweet(bob, tweet));
    check_error(db.core.tweets().remove(carol, rt.id), Code::forbidden);
    db.core.fanout().drain();
    REQUIRE(db.home_ids(carol) == std::vector<Id>{rt.id});
    must_ok(db.core.tweets().remove(bob, rt.id));
    CHECK(db.home_ids(carol).empty());
    CHECK(must(db.core.tweets().get(tweet)).retweet_count == 0);
    CHECK_FALSE(must(db.core.tweets().get(tweet, bob)).retweeted);
    CHECK(user_ids(db, bob).empty());
  }
}

TEST_CASE("chirp::thread") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id root = db.post(alice, "root");
  db.clock->advance_ms(1);
  Id a = must(db.core.tweets().post(bob, {.text = "a", .reply_to = root})).id;
  db.clock->advance_ms(1);
  Id b = must(db.core.tweets().post(alice, {.text = "b", .reply_to = a})).id;
  db.clock->advance_ms(1);
  Id c = must(db.core.tweets().post(bob, {.text = "c", .reply_to = root})).id;
  Id other = db.post(alice, "unrelated");

  SUBCASE("a root has every descendant oldest first") {
    auto thread = must(db.core.tweets().thread(root));
    CHECK(thread.ancestors.empty());
    CHECK(thread.tweet.id == root);
    CHECK(thread.tweet.reply_count == 2);
    CHECK(ids_of(thread.replies) == std::vector<Id>{a, b, c});
    REQUIRE(thread.replies.size() == 3u);
    CHECK(thread.replies[1].reply_to == std::optional<Id>{a});
  }

  SUBCASE("a middle tweet has its ancestors oldest first and its replies") {
    auto thread = must(db.core.tweets().thread(b));
    CHECK(ids_of(thread.ancestors) == std::vector<Id>{root, a});
    CHECK(thread.tweet.id == b);
    CHECK(thread.replies.empty());
    auto middle = must(db.core.tweets().thread(a));
    CHECK(ids_of(middle.ancestors) == std::vector<Id>{root});
    CHECK(ids_of(middle.replies) == std::vector<Id>{b});
  }

  SUBCASE("deleted replies are left out") {
    must_ok(db.core.tweets().remove(bob, c));
    CHECK(ids_of(must(db.core.tweets().thread(root)).replies) == std::vector<Id>{a, b});
  }

  SUBCASE("reply_limit bounds the replies") {
    CHECK(must(db.core.tweets().thread(root, 0, 2)).replies.size() == 2u);
  }

  SUBCASE("viewer flags are set") {
    must(db.core.tweets().like(bob, root));
    auto thread = must(db.core.tweets().thread(a, bob));
    REQUIRE(thread.ancestors.size() == 1u);
    CHECK(thread.ancestors[0].liked);
  }

  SUBCASE("missing is not_found") {
    check_error(db.core.tweets().thread(other + 1000), Code::not_found);
    CHECK(must(db.core.tweets().thread(other)).replies.empty());
  }
}

TEST_CASE("chirp::user_timeline") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id a1 = db.post(alice, "a1");
  Id b1 = db.post(bob, "b1");
  Id a2 = db.post(alice, "a2");
  db.clock->advance_ms(1);
  auto rt = must(db.core.tweets().retweet(alice, b1));
  Id a3 = db.post(alice, "a3");

  SUBCASE("a user's own tweets and retweets, newest first") {
    auto page = must(db.core.timelines().user(alice, {.limit = 20}));
    CHECK(ids_of(page.items) == std::vector<Id>{a3, rt.id, a2, a1});
    REQUIRE(page.items.size() == 4u);
    REQUIRE(page.items[1].original != nullptr);
    CHECK(page.items[1].original->id == b1);
    CHECK(page.items[1].original->text == "b1");
    CHECK(user_ids(db, bob) == std::vector<Id>{b1});
  }

  SUBCASE("paging with max_id and since_id") {
    auto first = must(db.core.timelines().user(alice, {.limit = 2}));
    CHECK(ids_of(first.items) == std::vector<Id>{a3, rt.id});
    REQUIRE(first.next_max_id().has_value());
    auto second = must(db.core.timelines().user(alice, {.limit = 2, .max_id = first.next_max_id()}));
    CHECK(ids_of(second.items) == std::vector<Id>{a2, a1});
    auto newer = must(db.core.timelines().user(alice, {.limit = 20, .since_id = a2}));
    CHECK(ids_of(newer.items) == std::vector<Id>{a3, rt.id});
  }

  SUBCASE("viewer flags") {
    must(db.core.tweets().like(bob, a2));
    auto page = must(db.core.timelines().user(alice, {.limit = 20}, bob));
    REQUIRE(page.items.size() == 4u);
    CHECK(page.items[2].liked);
    CHECK_FALSE(page.items[0].liked);
  }

  SUBCASE("missing user and bad limit") {
    check_error(db.core.timelines().user(alice + bob, {.limit = 20}), Code::not_found);
    check_error(db.core.timelines().user(alice, {.limit = 0}), Code::invalid);
    check_error(db.core.timelines().user(alice, {.limit = 201}), Code::invalid);
  }
}
