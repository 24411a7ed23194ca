// Notifications through the core API: who is notified of what, once, by the queue
// worker; what blocks, mutes and deletions take away; reading and marking read.

#include "support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using chirp::Code;
using chirp::Id;
using chirp::Notification;
using chirp::NotificationKind;
using chirp::test::TestDb;
using chirp::test::check_error;
using chirp::test::must;
using chirp::test::must_ok;

namespace {

std::vector<Notification> all_of(TestDb& db, Id user, bool unread = false) {
  return must(db.core.notifications().list(user, {.limit = 200}, unread)).items;
}

/// "kind @actor tweet" for each notification, newest first.
std::vector<std::string> described(const std::vector<Notification>& notifications) {
  std::vector<std::string> out;
  for (const auto& n : notifications) {
    out.push_back(std::string(chirp::kind_name(n.kind)) + " @" + n.actor.handle +
                  (n.tweet ? " " + std::to_string(n.tweet->id) : ""));
  }
  return out;
}

std::string count_rows(TestDb& db, const std::string& where) {
  return chirp::test::sqlite3(db.dir / "chirp.db", "SELECT count(*) FROM notifications WHERE " + where);
}

}  // namespace

TEST_CASE("chirp::Notifications created by the queue worker") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  Id tweet = db.post(alice, "alice's tweet");
  db.core.fanout().drain();
  auto b = std::to_string(tweet);

  SUBCASE("reply, like, retweet and follow, each once, after the worker ran") {
    Id reply = must(db.core.tweets().post(bob, {.text = "a reply", .reply_to = tweet})).id;
    must(db.core.tweets().like(bob, tweet));
    Id retweet = must(db.core.tweets().retweet(carol, tweet)).id;
    must_ok(db.core.graph().follow(carol, alice));
    CHECK(all_of(db, alice).empty());  // queued, not yet worked
    auto stats = db.core.fanout().drain();
    CHECK(stats.notifications == 4);
    CHECK(described(all_of(db, alice)) ==
          std::vector<std::string>{"follow @carol", "retweet @carol " + b, "like @bob " + b,
                                   "reply @bob " + std::to_string(reply)});
    auto list = all_of(db, alice);
    CHECK(list[0].id > list[1].id);
    CHECK_FALSE(list[0].read);
    CHECK_FALSE(list[0].tweet);
    CHECK(list[1].tweet->like_count == 1);  // hydrated like every tweet
    CHECK(list[3].tweet->reply_to == tweet);
    CHECK(list[2].created_at_ms == db.clock->now_ms());
    (void)retweet;
    CHECK(all_of(db, bob).empty());
    CHECK(all_of(db, carol).empty());
  }

  SUBCASE("like, unlike, like again notifies once; so does following again") {
    must(db.core.tweets().like(bob, tweet));
    db.core.fanout().drain();
    must(db.core.tweets().unlike(bob, tweet));
    db.core.fanout().drain();
    CHECK(all_of(db, alice).size() == 1);  // unliking keeps it
    must(db.core.tweets().like(bob, tweet));
    must_ok(db.core.graph().follow(bob, alice));
    must_ok(db.core.graph().unfollow(bob, alice));
    must_ok(db.core.graph().follow(bob, alice));
    db.core.fanout().drain();
    CHECK(described(all_of(db, alice)) ==
          std::vector<std::string>{"follow @bob", "like @bob " + b});
  }

  SUBCASE("mentions: each user mentioned, once a tweet, never the author") {
    Id dave = db.user("dave");
    Id hi = db.post(bob, "hi @alice and @carol, @alice again, and @bob and @nobody");
    Id reply = must(db.core.tweets().post(carol, {.text = "@alice @dave", .reply_to = tweet})).id;
    db.core.fanout().drain();
    auto h = std::to_string(hi);
    CHECK(described(all_of(db, alice)) ==
          std::vector<std::string>{"reply @carol " + std::to_string(reply), "mention @bob " + h});
    CHECK(described(all_of(db, carol)) == std::vector<std::string>{"mention @bob " + h});
    CHECK(described(all_of(db, dave)) ==
          std::vector<std::string>{"mention @carol " + std::to_string(reply)});
    CHECK(all_of(db, bob).empty());
  }

  SUBCASE("a mention of a blocker, or by someone muted, notifies nothing") {
    must_ok(db.core.blocks().block(alice, bob));
    must_ok(db.core.blocks().mute(carol, bob));
    db.post(bob, "hey @alice and @carol");  // posting a mention is not refused
    db.core.fanout().drain();
    CHECK(all_of(db, alice).empty());
    CHECK(all_of(db, carol).empty());
    CHECK(count_rows(db, "1") == "0");
  }

  SUBCASE("never for one's own actions") {
    must(db.core.tweets().like(alice, tweet));
    must(db.core.tweets().retweet(alice, tweet));
    must(db.core.tweets().post(alice, {.text = "self reply", .reply_to = tweet}));
    db.core.fanout().drain();
    CHECK(all_of(db, alice).empty());
  }

  SUBCASE("a queue item run again (as after a crash) adds no duplicate") {
    Id reply = must(db.core.tweets().post(bob, {.text = "a reply", .reply_to = tweet})).id;
    must(db.core.tweets().like(bob, tweet));
    must_ok(db.core.graph().follow(bob, alice));
    db.core.fanout().drain();
    REQUIRE(all_of(db, alice).size() == 3);
    // The worker died after its batch committed but, say, before removing its items:
    // the same events are in the queue again.
    auto now = std::to_string(db.clock->now_ms());
    chirp::test::sqlite3(
        db.dir / "chirp.db",
        "INSERT INTO fanout_queue(kind, tweet, author, created_at) VALUES "
        "('tweet', " + std::to_string(reply) + ", " + std::to_string(bob) + ", " + now + "), "
        "('like', " + b + ", " + std::to_string(bob) + ", " + now + ");"
        "INSERT INTO fanout_queue(kind, subject, author, created_at) VALUES "
        "('follow', " + std::to_string(alice) + ", " + std::to_string(bob) + ", " + now + ")");
    auto stats = db.core.fanout().drain();
    CHECK(stats.items == 3);
    CHECK(stats.notifications == 0);
    CHECK(all_of(db, alice).size() == 3);
    CHECK(count_rows(db, "1") == "3");
  }

  SUBCASE("an action undone before the worker came to it notifies nothing") {
    must(db.core.tweets().like(bob, tweet));
    must(db.core.tweets().unlike(bob, tweet));
    must_ok(db.core.graph().follow(bob, alice));
    must_ok(db.core.graph().unfollow(bob, alice));
    Id reply = must(db.core.tweets().post(bob, {.text = "gone soon", .reply_to = tweet})).id;
    must_ok(db.core.tweets().remove(bob, reply));
    db.core.fanout().drain();
    CHECK(all_of(db, alice).empty());
  }

  SUBCASE("deleting a tweet removes the notifications that point at it") {
    Id reply = must(db.core.tweets().post(bob, {.text = "a reply", .reply_to = tweet})).id;
    must(db.core.tweets().like(carol, reply));
    must(db.core.tweets().like(bob, tweet));
    must_ok(db.core.graph().follow(bob, alice));
    db.core.fanout().drain();
    REQUIRE(all_of(db, bob).size() == 1);  // carol liked bob's reply
    must_ok(db.core.tweets().remove(bob, reply));
    CHECK(all_of(db, bob).empty());
    CHECK(described(all_of(db, alice)) == std::vector<std::string>{"follow @bob", "like @bob " + b});
    must_ok(db.core.tweets().remove(alice, tweet));
    CHECK(described(all_of(db, alice)) == std::vector<std::string>{"follow @bob"});
    CHECK(count_rows(db, "tweet IS NOT NULL") == "0");
  }

  SUBCASE("never from someone muted or across a block, made or undone later") {
    must_ok(db.core.blocks().mute(alice, bob));
    must(db.core.tweets().like(bob, tweet));
    must(db.core.tweets().post(bob, {.text = "muted reply", .reply_to = tweet}));
    must(db.core.tweets().like(carol, tweet));
    db.core.fanout().drain();
    CHECK(described(all_of(db, alice)) == std::vector<std::string>{"like @carol " + b});
    // A block hides what came before it, both ways, and its count.
    Id carols = db.post(carol, "carol's");
    must(db.core.tweets().like(alice, carols));
    db.core.fanout().drain();
    REQUIRE(all_of(db, carol).size() == 1);
    must_ok(db.core.blocks().block(carol, alice));
    CHECK(all_of(db, alice).empty());
    CHECK(all_of(db, carol).empty());
    CHECK(db.core.notifications().unread_count(alice) == 0);
    must_ok(db.core.blocks().unblock(carol, alice));
    CHECK(all_of(db, alice).size() == 1);  // kept, only hidden
    CHECK(db.core.notifications().unread_count(alice) == 1);
  }

  SUBCASE("the worker tells the front end what it created, after the commit") {
    std::vector<chirp::CreatedNotification> told;
    std::int64_t visible_then = -1;
    auto path = db.dir / "chirp.db";
    auto worker = chirp::Core::open(
        {.path = path, .notified = [&](const std::vector<chirp::CreatedNotification>& created) {
           told.insert(told.end(), created.begin(), created.end());
           auto other = chirp::Core::open({.path = path});
           visible_then = static_cast<std::int64_t>(
               must(other.notifications().after(alice, 0, 200)).size());
         }});
    must(db.core.tweets().like(bob, tweet));
    must_ok(db.core.graph().follow(carol, alice));
    worker.fanout().drain();
    REQUIRE(told.size() == 2);
    CHECK(told[0].recipient == alice);
    CHECK(told[1].id > told[0].id);
    CHECK(visible_then == 2);
    auto after = must(db.core.notifications().after(alice, told[0].id, 10));
    REQUIRE(after.size() == 1);
    CHECK(after[0].id == told[1].id);
    CHECK(after[0].kind == NotificationKind::follow);
  }
}

TEST_CASE("chirp::Notifications reading and marking read") {
  TestDb db;
  Id alice = db.user("alice");
  std::vector<Id> fans;
  for (int i = 0; i < 5; ++i) {
    fans.push_back(db.user("fan" + std::to_string(i)));
    must_ok(db.core.graph().follow(fans.back(), alice));
  }
  db.core.fanout().drain();
  auto all = all_of(db, alice);
  REQUIRE(all.size() == 5);

  SUBCASE("paged like every list") {
    auto first = must(db.core.notifications().list(alice, {.limit = 2}));
    REQUIRE(first.items.size() == 2);
    REQUIRE(first.next);
    CHECK(first.items[0].id == all[0].id);
    auto second = must(db.core.notifications().list(alice, *first.next));
    CHECK(second.items[0].id == all[2].id);
    auto newer = must(db.core.notifications().list(alice, {.since_id = all[1].id}));
    CHECK(newer.items.size() == 1);
    check_error(db.core.notifications().list(alice, {.limit = 0}), Code::invalid);
    check_error(db.core.notifications().list(12345, {}), Code::not_found);
  }

  SUBCASE("mark_read marks everything up to an id, and the unread count follows") {
    CHECK(db.core.notifications().unread_count(alice) == 5);
    CHECK(must(db.core.notifications().mark_read(alice, all[2].id)) == 3);
    CHECK(must(db.core.notifications().mark_read(alice, all[2].id)) == 0);
    CHECK(db.core.notifications().unread_count(alice) == 2);
    auto unread = all_of(db, alice, true);
    REQUIRE(unread.size() == 2);
    CHECK(unread[0].id == all[0].id);
    CHECK_FALSE(unread[0].read);
    CHECK(all_of(db, alice)[4].read);
    check_error(db.core.notifications().mark_read(alice, 0), Code::invalid);
    // Another user's marks touch only their own.
    CHECK(must(db.core.notifications().mark_read(fans[0], all[0].id)) == 0);
    CHECK(db.core.notifications().unread_count(alice) == 2);
  }

  SUBCASE("the unread count is on one's own profile only") {
    auto me = must(db.core.users().by_id(alice));
    db.core.notifications().add_unread_count(me, fans[0]);
    CHECK_FALSE(me.unread_notifications);
    db.core.notifications().add_unread_count(me, 0);
    CHECK_FALSE(me.unread_notifications);
    db.core.notifications().add_unread_count(me, alice);
    CHECK(me.unread_notifications == 5);
  }
}
