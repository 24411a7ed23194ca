// End-to-end: profiles, following, the public lists, home timelines and paging.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace chirp::test;
using nlohmann::json;

namespace {

std::vector<std::string> page_ids(const Reply& r) {
  std::vector<std::string> ids;
  auto body = r.json();
  for (const auto& item : body["data"]) ids.push_back(item["id"]);
  return ids;
}

}  // namespace

TEST_CASE("server: profiles, follows and home timelines") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  auto carol = post_json(client, "/users", {{"handle", "carol"}, {"password", k_test_password}});
  REQUIRE(carol.status == 201);
  const std::string carol_id = carol.json()["id"];

  // Profiles by id or handle (any case).
  for (const auto& ref : {alice.id, std::string("alice"), std::string("ALICE")}) {
    CAPTURE(ref);
    auto r = get(client, "/users/" + ref);
    CHECK(r.status == 200);
    CHECK(r.json()["id"] == alice.id);
    CHECK(r.json()["handle"] == "alice");
  }
  for (const char* path : {"/users/nobody", "/users/999999", "/users/nobody/tweets",
                           "/users/nobody/followers", "/users/nobody/following"}) {
    CAPTURE(path);
    auto r = get(client, path);
    CHECK(r.status == 404);
    CHECK(r.error_code() == "not_found");
  }

  const std::string a1 = post_tweet(client, alice.token, "alice before the follow");

  // Follow.
  auto r = request(client, "POST", "/users/alice/follow", std::nullopt, bob.token);
  REQUIRE(r.status == 200);
  CHECK(r.json()["following"] == true);
  CHECK(r.json()["user"]["id"] == alice.id);
  CHECK(r.json()["user"]["followers_count"] == 1);
  r = request(client, "POST", "/users/alice/follow", std::nullopt, bob.token);  // idempotent
  CHECK(r.status == 200);
  CHECK(r.json()["user"]["followers_count"] == 1);
  r = request(client, "POST", "/users/" + carol_id + "/follow", std::nullopt, bob.token);
  CHECK(r.status == 200);
  CHECK(user_profile(client, "bob")["following_count"] == 2);

  CHECK(request(client, "POST", "/users/bob/follow", std::nullopt, bob.token).status == 422);
  CHECK(request(client, "POST", "/users/nobody/follow", std::nullopt, bob.token).status == 404);
  CHECK(request(client, "POST", "/users/alice/follow").status == 401);
  CHECK(request(client, "DELETE", "/users/alice/follow").status == 401);
  CHECK(user_profile(client, "bob")["following_count"] == 2);
  CHECK(user_profile(client, "bob")["followers_count"] == 0);

  // Public lists, no token.
  r = get(client, "/users/alice/followers");
  REQUIRE(r.status == 200);
  CHECK(page_ids(r) == std::vector<std::string>{bob.id});
  CHECK(r.json()["next_cursor"].is_null());
  CHECK_FALSE(r.has_header("Link"));
  auto following = page_ids(get(client, "/users/bob/following"));
  CHECK(following.size() == 2);
  CHECK(contains(following, alice.id));
  CHECK(contains(following, carol_id));
  CHECK(page_ids(get(client, "/users/bob/followers")).empty());

  // Following back-filled alice's earlier tweet; new ones arrive by fan-out; one's
  // own tweet is there at once.
  CHECK(contains(all_ids(client, "/users/bob/timeline", bob.token), a1));
  const std::string a2 = post_tweet(client, alice.token, "alice after the follow");
  CHECK(eventually([&] { return contains(all_ids(client, "/users/bob/timeline", bob.token), a2); }));
  const std::string b1 = post_tweet(client, bob.token, "bob's own");
  CHECK(contains(page_ids(get(client, "/users/bob/timeline", bob.token)), b1));
  CHECK(contains(page_ids(get(client, "/users/alice/tweets")), a2));
  CHECK_FALSE(contains(page_ids(get(client, "/users/alice/tweets")), b1));

  // Deleting a tweet takes it out of the followers' timelines.
  const std::string a3 = post_tweet(client, alice.token, "alice, soon deleted");
  CHECK(eventually([&] { return contains(all_ids(client, "/users/bob/timeline", bob.token), a3); }));
  CHECK(del(client, "/tweets/" + a3, alice.token).status == 204);
  CHECK(eventually([&] { return !contains(all_ids(client, "/users/bob/timeline", bob.token), a3); }));

  // A home timeline is its owner's alone.
  r = get(client, "/users/bob/timeline");
  CHECK(r.status == 401);
  CHECK(r.error_code() == "unauthenticated");
  r = get(client, "/users/bob/timeline", alice.token);
  CHECK(r.status == 403);
  CHECK(r.error_code() == "forbidden");
  CHECK(get(client, "/users/" + bob.id + "/timeline", bob.token).status == 200);
  CHECK(get(client, "/users/BOB/timeline", bob.token).status == 200);
  CHECK(get(client, "/users/@bob/timeline", bob.token).status == 200);
  CHECK(get(client, "/users/nobody/timeline", bob.token).status == 404);

  // Unfollow removes alice's tweets from bob's timeline.
  r = request(client, "DELETE", "/users/alice/follow", std::nullopt, bob.token);
  CHECK(r.status == 200);
  CHECK(r.json()["following"] == false);
  CHECK(r.json()["user"]["followers_count"] == 0);
  r = request(client, "DELETE", "/users/alice/follow", std::nullopt, bob.token);
  CHECK(r.status == 200);
  auto timeline = all_ids(client, "/users/bob/timeline", bob.token);
  CHECK_FALSE(contains(timeline, a1));
  CHECK_FALSE(contains(timeline, a2));
  CHECK(contains(timeline, b1));
  CHECK(page_ids(get(client, "/users/alice/followers")).empty());

  // Bad query parameters are 400 on every list.
  for (const std::string list : {"/users/alice/tweets", "/users/alice/followers",
                                 "/users/alice/following", "/users/alice/timeline"}) {
    for (const char* query : {"?limit=0", "?limit=201", "?limit=-1", "?limit=abc", "?limit=",
                              "?limit=1.5", "?limit=99999999999999999999", "?max_id=abc",
                              "?max_id=0", "?max_id=-3", "?since_id=x", "?since_id=1e5"}) {
      CAPTURE(list + query);
      r = get(client, list + query, alice.token);
      CHECK(r.status == 400);
      CHECK(r.error_code() != "");
    }
    CAPTURE(list);
    CHECK(get(client, list + "?limit=200", alice.token).status == 200);
    CHECK(get(client, list + "?limit=1", alice.token).status == 200);
  }
}

TEST_CASE("server: list paging with cursors and Link headers") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  std::vector<std::string> posted;
  for (int i = 0; i < 7; ++i) posted.push_back(post_tweet(client, alice.token, "tweet " + std::to_string(i)));
  std::vector<std::string> newest_first(posted.rbegin(), posted.rend());

  for (const std::string path : {"/users/alice/tweets", "/users/alice/timeline"}) {
    CAPTURE(path);
    auto r = get(client, path + "?limit=3", alice.token);
    REQUIRE(r.status == 200);
    CHECK(page_ids(r) == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 3));
    REQUIRE(r.json()["next_cursor"].is_string());
    const std::string cursor = r.json()["next_cursor"];
    CHECK(r.header("Link") == "<" + path + "?limit=3&max_id=" + cursor + ">; rel=\"next\"");
    // The cursor and the Link header lead to the same next page.
    auto by_cursor = get(client, path + "?limit=3&max_id=" + cursor, alice.token);
    CHECK(page_ids(by_cursor) ==
          std::vector<std::string>(newest_first.begin() + 3, newest_first.begin() + 6));
    // Walking every Link gives each tweet once, newest first.
    CHECK(all_ids(client, path + "?limit=3", alice.token) == newest_first);
    CHECK(all_ids(client, path + "?limit=2", alice.token) == newest_first);
    CHECK(all_ids(client, path + "?limit=200", alice.token) == newest_first);
    // since_id: only newer ones.
    r = get(client, path + "?since_id=" + posted[3], alice.token);
    CHECK(page_ids(r) == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 3));
    // Paging to the end keeps since_id: the Link carries both bounds, and the walk
    // never reaches the tweets at or below since_id.
    r = get(client, path + "?limit=2&since_id=" + posted[1], alice.token);
    CHECK(r.header("Link") == "<" + path + "?limit=2&max_id=" + r.json()["next_cursor"].get<std::string>() +
                                  "&since_id=" + posted[1] + ">; rel=\"next\"");
    CHECK(all_ids(client, path + "?limit=2&since_id=" + posted[1], alice.token) ==
          std::vector<std::string>(newest_first.begin(), newest_first.begin() + 5));
    // Past the end.
    r = get(client, path + "?max_id=" + posted[0], alice.token);
    CHECK(r.status == 200);
    CHECK(page_ids(r).empty());
    CHECK(r.json()["next_cursor"].is_null());
  }
}

TEST_CASE("server: the list of users and whether the caller follows a user") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  REQUIRE(post_json(client, "/users", {{"handle", "carol"}, {"password", k_test_password}}).status == 201);

  // GET /users: everyone, newest first, paged like every list; no token needed.
  auto r = get(client, "/users");
  REQUIRE(r.status == 200);
  const auto list = r.json();
  std::vector<std::string> handles;
  for (const auto& user : list["data"]) handles.push_back(user["handle"]);
  CHECK(handles == std::vector<std::string>{"carol", "bob", "alice"});
  CHECK(list["data"][2]["id"] == alice.id);
  CHECK(all_ids(client, "/users?limit=1") == all_ids(client, "/users"));
  CHECK(all_ids(client, "/users?limit=1").size() == 3);
  r = get(client, "/users?limit=2");
  CHECK(r.header("Link") == "</users?limit=2&max_id=" + r.json()["next_cursor"].get<std::string>() +
                                ">; rel=\"next\"");
  CHECK(get(client, "/users?limit=0").status == 400);

  // GET /users/{id}/follow: the caller's follow of {id}, in the shape POST and DELETE answer.
  r = get(client, "/users/alice/follow", bob.token);
  REQUIRE(r.status == 200);
  CHECK(r.json()["following"] == false);
  CHECK(r.json()["user"]["handle"] == "alice");
  REQUIRE(request(client, "POST", "/users/alice/follow", std::nullopt, bob.token).status == 200);
  CHECK(get(client, "/users/ALICE/follow", bob.token).json()["following"] == true);
  CHECK(get(client, "/users/" + alice.id + "/follow", bob.token).json()["following"] == true);
  CHECK(get(client, "/users/bob/follow", alice.token).json()["following"] == false);  // one way
  CHECK(get(client, "/users/nobody/follow", bob.token).status == 404);
  CHECK(get(client, "/users/alice/follow").status == 401);
}
