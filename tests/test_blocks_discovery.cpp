// Blocks and mutes in the discovery reads: tag pages, tweet search and user search hide
// what a block (either way) or a mute hides, at once, and pages stay full past it. Through
// the core API and over HTTP.

#include "cli_support.hpp"
#include "server_support.hpp"
#include "support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using chirp::Id;
using chirp::PageRequest;
using chirp::SearchRequest;
using chirp::test::TestDb;
using chirp::test::must;
using chirp::test::must_ok;

namespace {

std::vector<Id> tag_ids(TestDb& db, const std::string& tag, Id viewer, int limit = 20) {
  std::vector<Id> out;
  std::optional<PageRequest> page = PageRequest{.limit = limit};
  while (page) {
    auto got = must(db.core.discovery().tag(tag, *page, viewer));
    CHECK(got.items.size() <= static_cast<std::size_t>(limit));
    for (const auto& t : got.items) out.push_back(t.id);
    page = got.next;
  }
  return out;
}

std::vector<Id> search_ids(TestDb& db, const std::string& query, Id viewer, int limit = 20) {
  std::vector<Id> out;
  SearchRequest request{query, {.limit = limit}, std::nullopt};
  while (true) {
    auto got = must(db.core.search().tweets(request, viewer));
    CHECK(got.items.size() <= static_cast<std::size_t>(limit));
    for (const auto& t : got.items) out.push_back(t.id);
    if (!got.next_cursor) break;
    request.cursor = got.next_cursor;
  }
  return out;
}

std::vector<std::string> found_users(TestDb& db, const std::string& query, Id viewer) {
  std::vector<std::string> out;
  for (const auto& u : must(db.core.search().users({query, {}, {}}, viewer)).items) {
    out.push_back(u.handle);
  }
  return out;
}

}  // namespace

TEST_CASE("chirp::Discovery and chirp::Search hide what blocks and mutes hide") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id carol = db.user("carol");
  Id from_alice = db.post(alice, "alice on #coffee and espresso");
  Id from_bob = db.post(bob, "bob on #coffee and espresso");
  Id from_carol = db.post(carol, "carol on #coffee and espresso");
  db.core.fanout().drain();
  const std::vector<Id> all = {from_carol, from_bob, from_alice};
  REQUIRE(tag_ids(db, "coffee", alice) == all);
  REQUIRE(search_ids(db, "espresso", alice).size() == 3);

  SUBCASE("a block hides both ways, at once, and only between the two") {
    must_ok(db.core.blocks().block(alice, bob));
    for (Id viewer : {alice, bob}) {
      CAPTURE(viewer);
      Id other = viewer == alice ? from_bob : from_alice;
      auto tagged = tag_ids(db, "coffee", viewer);
      CHECK(tagged.size() == 2);
      CHECK(std::find(tagged.begin(), tagged.end(), other) == tagged.end());
      auto found = search_ids(db, "espresso", viewer);
      CHECK(found.size() == 2);
      CHECK(std::find(found.begin(), found.end(), other) == found.end());
      CHECK(search_ids(db, "#coffee", viewer).size() == 2);
    }
    CHECK(search_ids(db, "from:bob", alice).empty());
    CHECK(search_ids(db, "from:alice", bob).empty());
    CHECK(tag_ids(db, "coffee", carol) == all);
    CHECK(tag_ids(db, "coffee", 0) == all);  // anonymous
    CHECK(search_ids(db, "espresso", carol).size() == 3);

    must_ok(db.core.blocks().unblock(alice, bob));
    CHECK(tag_ids(db, "coffee", bob) == all);
  }

  SUBCASE("a mute hides from the muter only") {
    must_ok(db.core.blocks().mute(alice, bob));
    CHECK(tag_ids(db, "coffee", alice) == std::vector<Id>{from_carol, from_alice});
    CHECK(search_ids(db, "espresso", alice).size() == 2);
    CHECK(search_ids(db, "from:bob", alice).empty());
    CHECK(tag_ids(db, "coffee", bob) == all);
    CHECK(search_ids(db, "espresso", bob).size() == 3);
  }

  SUBCASE("pages stay full past the hidden tweets, to the end") {
    std::vector<Id> shown = {from_carol, from_alice};
    for (int i = 0; i < 5; ++i) {
      for (int j = 0; j < 3; ++j) db.post(bob, "bob again #coffee espresso " + std::to_string(i * 3 + j));
      shown.insert(shown.begin(), db.post(carol, "carol again #coffee espresso " + std::to_string(i)));
    }
    must_ok(db.core.blocks().mute(alice, bob));
    CHECK(tag_ids(db, "coffee", alice, 2) == shown);
    auto found = search_ids(db, "espresso", alice, 2);
    std::sort(found.begin(), found.end());
    std::sort(shown.begin(), shown.end());
    CHECK(found == shown);
  }

  SUBCASE("user search: a block hides either side from the other; a mute does not") {
    db.user("bobby");
    CHECK(found_users(db, "bob", alice) == std::vector<std::string>{"bob", "bobby"});
    must_ok(db.core.blocks().block(bob, alice));
    CHECK(found_users(db, "bob", alice) == std::vector<std::string>{"bobby"});
    CHECK(found_users(db, "ali", bob).empty());
    CHECK(found_users(db, "bob", carol) == std::vector<std::string>{"bob", "bobby"});
    CHECK(found_users(db, "bob", 0) == std::vector<std::string>{"bob", "bobby"});
    must_ok(db.core.blocks().unblock(bob, alice));
    must_ok(db.core.blocks().mute(alice, bob));
    CHECK(found_users(db, "bob", alice) == std::vector<std::string>{"bob", "bobby"});
  }
}

TEST_CASE("server: tag pages and search hide what blocks and mutes hide") {
  using namespace chirp::test;
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  auto carol = register_and_login(client, "carol");
  const std::string from_bob = post_tweet(client, bob.token, "bob on #tea and oolong");
  const std::string from_carol = post_tweet(client, carol.token, "carol on #tea and oolong");
  auto ids = [&](const std::string& path, const std::string& token) {
    auto reply = get(client, path, token);
    REQUIRE(reply.status == 200);
    auto body = reply.json();  // (kept: a loop over a temporary's member would dangle)
    std::vector<std::string> out;
    for (const auto& item : body["data"]) out.push_back(item["id"].get<std::string>());
    return out;
  };
  auto handles = [&](const std::string& path, const std::string& token) {
    auto reply = get(client, path, token);
    REQUIRE(reply.status == 200);
    auto body = reply.json();
    std::vector<std::string> out;
    for (const auto& item : body["data"]) out.push_back(item["handle"]);
    return out;
  };
  const std::vector<std::string> both = {from_carol, from_bob};
  REQUIRE(ids("/tags/tea", alice.token) == both);

  REQUIRE(request(client, "POST", "/users/alice/block", "", bob.token).status == 200);
  CHECK(ids("/tags/tea", alice.token) == std::vector<std::string>{from_carol});
  CHECK(ids("/search?q=oolong", alice.token) == std::vector<std::string>{from_carol});
  CHECK(ids("/search?q=from:bob", alice.token).empty());
  CHECK(handles("/search?type=users&q=bo", alice.token).empty());
  CHECK(handles("/search?type=users&q=ali", bob.token).empty());
  CHECK(ids("/tags/tea", carol.token) == both);
  CHECK(ids("/tags/tea", "") == both);  // anonymous
  CHECK(handles("/search?type=users&q=bo", "") == std::vector<std::string>{"bob"});

  REQUIRE(request(client, "DELETE", "/users/alice/block", std::nullopt, bob.token).status == 200);
  REQUIRE(request(client, "POST", "/users/carol/mute", "", alice.token).status == 200);
  CHECK(ids("/tags/tea", alice.token) == std::vector<std::string>{from_bob});
  CHECK(ids("/search?q=oolong", alice.token) == std::vector<std::string>{from_bob});
  CHECK(handles("/search?type=users&q=car", alice.token) == std::vector<std::string>{"carol"});
  CHECK(ids("/tags/tea", carol.token) == both);
}

CHIRP_CLI_TEST_CASE("cli: tag, search and search --users hide what blocks and mutes hide") {
  using namespace chirp::test::cli;
  Sandbox box(mode);
  box.users({"alice", "bob", "carol"});
  const std::string from_bob = box.post("bob", "bob on #tea and oolong");
  const std::string from_carol = box.post("carol", "carol on #tea and oolong");
  auto ids = [&](const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& item : box.json_of(args)) out.push_back(item["id"]);
    return out;
  };
  auto handles = [&](const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& item : box.json_of(args)) out.push_back(item["handle"]);
    return out;
  };
  const std::vector<std::string> both = {from_carol, from_bob};
  REQUIRE(ids({"--as", "alice", "tag", "tea"}) == both);

  box.ok({"--as", "bob", "block", "alice"});
  CHECK(ids({"--as", "alice", "tag", "tea"}) == std::vector<std::string>{from_carol});
  CHECK(ids({"--as", "alice", "search", "oolong"}) == std::vector<std::string>{from_carol});
  CHECK(handles({"--as", "alice", "search", "--users", "bo"}).empty());
  CHECK(handles({"--as", "bob", "search", "--users", "ali"}).empty());
  CHECK(ids({"--as", "carol", "tag", "tea"}) == both);

  box.ok({"--as", "bob", "unblock", "alice"});
  box.ok({"--as", "alice", "mute", "carol"});
  CHECK(ids({"--as", "alice", "tag", "tea"}) == std::vector<std::string>{from_bob});
  CHECK(ids({"--as", "alice", "search", "oolong"}) == std::vector<std::string>{from_bob});
  CHECK(handles({"--as", "alice", "search", "--users", "car"}) == std::vector<std::string>{"carol"});
}
