// Blocks, mutes and notifications over HTTP, on the real server.

#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace chirp::test;
using nlohmann::json;

TEST_CASE("server: blocks and mutes") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  REQUIRE(request(client, "POST", "/users/alice/follow", "", bob.token).status == 200);
  REQUIRE(request(client, "POST", "/users/bob/follow", "", alice.token).status == 200);
  const std::string tweet = post_tweet(client, alice.token, "alice's");

  auto blocked = request(client, "POST", "/users/bob/block", "", alice.token);
  REQUIRE(blocked.status == 200);
  CHECK(blocked.json()["blocking"] == true);
  CHECK(blocked.json()["user"]["handle"] == "bob");
  CHECK(blocked.json()["user"]["followers_count"] == 0);
  CHECK(user_profile(client, "alice")["followers_count"] == 0);
  CHECK(user_profile(client, "alice")["following_count"] == 0);

  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/users/alice/follow"},
                                                        {"POST", "/tweets/" + tweet + "/like"},
                                                        {"POST", "/tweets/" + tweet + "/retweet"}}) {
    CAPTURE(path);
    auto refused = request(client, method, path, "", bob.token);
    CHECK(refused.status == 403);
    CHECK(refused.error_code() == "forbidden");
    CHECK(refused.json()["error"]["message"].get<std::string>().starts_with("@alice has blocked you"));
  }
  auto reply = post_json(client, "/tweets", {{"text", "hi"}, {"reply_to", tweet}}, bob.token);
  CHECK(reply.status == 403);

  auto holds = get(client, "/users/bob/block", alice.token);
  REQUIRE(holds.status == 200);
  CHECK(holds.json()["blocking"] == true);
  CHECK(holds.json()["user"]["handle"] == "bob");
  CHECK(get(client, "/users/alice/block", bob.token).json()["blocking"] == false);  // one way
  CHECK(get(client, "/users/bob/mute", alice.token).json()["muting"] == false);
  CHECK(get(client, "/users/nobody/block", alice.token).status == 404);
  CHECK(get(client, "/users/bob/block").status == 401);

  auto list = get(client, "/blocks", alice.token);
  REQUIRE(list.status == 200);
  REQUIRE(list.json()["data"].size() == 1);
  CHECK(list.json()["data"][0]["handle"] == "bob");
  CHECK(get(client, "/blocks", bob.token).json()["data"].empty());
  CHECK(get(client, "/blocks?limit=0", alice.token).status == 400);

  auto unblocked = request(client, "DELETE", "/users/bob/block", std::nullopt, alice.token);
  CHECK(unblocked.status == 200);
  CHECK(unblocked.json()["blocking"] == false);
  CHECK(request(client, "DELETE", "/users/bob/block", std::nullopt, alice.token).status == 200);
  CHECK(get(client, "/blocks", alice.token).json()["data"].empty());

  // A mute: alice's tweets leave bob's home timeline, nothing changes for alice.
  REQUIRE(request(client, "POST", "/users/alice/follow", "", bob.token).status == 200);
  REQUIRE(eventually([&] {
    return get(client, "/users/bob/timeline", bob.token).json()["data"].size() == 1;
  }));
  auto muted = request(client, "POST", "/users/alice/mute", "", bob.token);
  REQUIRE(muted.status == 200);
  CHECK(muted.json()["muting"] == true);
  CHECK(get(client, "/users/alice/mute", bob.token).json()["muting"] == true);
  CHECK(get(client, "/users/bob/timeline", bob.token).json()["data"].empty());
  CHECK(get(client, "/mutes", bob.token).json()["data"][0]["handle"] == "alice");
  CHECK(request(client, "POST", "/users/bob/mute", "", bob.token).status == 422);  // oneself
  CHECK(request(client, "POST", "/users/nobody/mute", "", bob.token).status == 404);
  CHECK(request(client, "DELETE", "/users/alice/mute", std::nullopt, bob.token).status == 200);
  CHECK(get(client, "/users/bob/timeline", bob.token).json()["data"].size() == 1);
}

TEST_CASE("server: notifications") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  const std::string tweet = post_tweet(client, alice.token, "alice's");
  REQUIRE(request(client, "POST", "/users/alice/follow", "", bob.token).status == 200);
  REQUIRE(request(client, "POST", "/tweets/" + tweet + "/like", "", bob.token).status == 200);
  REQUIRE(request(client, "DELETE", "/tweets/" + tweet + "/like", std::nullopt, bob.token).status == 200);
  REQUIRE(request(client, "POST", "/tweets/" + tweet + "/like", "", bob.token).status == 200);
  const std::string mention = post_tweet(client, bob.token, "hello @alice");

  // Created by the server's worker, as fan-out is.
  REQUIRE(eventually([&] {
    return get(client, "/notifications", alice.token).json()["data"].size() == 3;
  }));
  auto page = get(client, "/notifications", alice.token).json()["data"];
  CHECK(page[0]["kind"] == "mention");
  CHECK(page[0]["tweet"]["id"] == mention);
  CHECK(page[0]["actor"]["handle"] == "bob");
  CHECK(page[0]["read"] == false);
  CHECK(page[1]["kind"] == "like");
  CHECK(page[1]["tweet"]["id"] == tweet);
  CHECK(page[2]["kind"] == "follow");
  CHECK(page[2]["tweet"].is_null());
  for (const auto& key : {"id", "kind", "actor", "tweet", "created_at", "read"}) {
    CHECK(page[0].contains(key));
  }
  CHECK(page[0].size() == 6);
  CHECK(get(client, "/notifications", bob.token).json()["data"].empty());

  // Paged like every list.
  auto first = get(client, "/notifications?limit=2", alice.token);
  CHECK(first.json()["data"].size() == 2);
  CHECK(first.json()["next_cursor"] == page[1]["id"]);
  CHECK(first.header("Link").find("max_id=") != std::string::npos);
  CHECK(all_ids(client, "/notifications?limit=1", alice.token).size() == 3);
  CHECK(get(client, "/notifications?unread=maybe", alice.token).status == 400);

  // The unread count, on one's own user only.
  CHECK(get(client, "/users/alice", alice.token).json()["unread_notifications"] == 3);
  CHECK_FALSE(get(client, "/users/alice", bob.token).json().contains("unread_notifications"));
  CHECK_FALSE(get(client, "/users/alice").json().contains("unread_notifications"));

  // Marking read up to an id; the body is checked like every route's.
  std::string up_to = page[1]["id"];
  auto marked = post_json(client, "/notifications/read", {{"up_to", up_to}}, alice.token);
  REQUIRE(marked.status == 200);
  CHECK(marked.json()["marked"] == 2);
  CHECK(marked.json()["unread_notifications"] == 1);
  auto unread = get(client, "/notifications?unread=true", alice.token).json()["data"];
  REQUIRE(unread.size() == 1);
  CHECK(unread[0]["kind"] == "mention");
  CHECK(get(client, "/users/alice", alice.token).json()["unread_notifications"] == 1);
  CHECK(post_json(client, "/notifications/read", {{"up_to", up_to}, {"all", true}}, alice.token)
            .status == 422);
  CHECK(post_json(client, "/notifications/read", {{"up_to", true}}, alice.token).status == 400);
  CHECK(post_json(client, "/notifications/read", {{"up_to", "-3"}}, alice.token).status == 400);
  CHECK(post_json(client, "/notifications/read", json::object(), alice.token).status == 400);
  CHECK(request(client, "POST", "/notifications/read", "[1]", alice.token).status == 400);
  CHECK(get(client, "/users/alice", alice.token).json()["unread_notifications"] == 1);

  // Deleting the tweet removes the notifications that point at it.
  REQUIRE(del(client, "/tweets/" + mention, bob.token).status == 204);
  CHECK(get(client, "/notifications", alice.token).json()["data"].size() == 2);
  CHECK(get(client, "/users/alice", alice.token).json()["unread_notifications"] == 0);
}
