// Authorization, route by route: every route that acts for a caller, tried with no
// token, a revoked token, a token of someone it does not belong to, and credentials
// slipped in where the server does not look for them (a query string, a cookie, an
// identity header, a body field). Each refusal has its documented status and changes
// nothing in the database; after the refusals the rightful caller succeeds, so a route
// that refused everyone would fail here too.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace chirp::test;
using nlohmann::json;

namespace {

struct Attempt {
  std::string what;
  std::string method;
  std::string path;
  std::optional<std::string> body;
  std::string token;
  std::vector<int> refused_with;  ///< the statuses allowed; the database must not change
  httplib::Headers extra = {};
};

}  // namespace

TEST_CASE("server: authorization of every route that acts for a caller") {
  TempDir dir;
  const auto db = dir / "chirp.db";
  ServerProcess server(db);
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  auto carol = register_and_login(client, "carol");
  auto dave = register_and_login(client, "dave");
  // dave logs out: the token he had is revoked, though well signed and unexpired.
  const std::string revoked = dave.token;
  REQUIRE(request(client, "POST", "/logout", "", dave.token).status == 204);

  const std::string alice_tweet = post_tweet(client, alice.token, "alice's");
  const std::string bob_tweet = post_tweet(client, bob.token, "bob's");
  auto retweet = request(client, "POST", "/tweets/" + bob_tweet + "/retweet", "", alice.token);
  REQUIRE(retweet.status == 201);
  const std::string alice_retweet = retweet.json()["id"];
  REQUIRE(request(client, "POST", "/tweets/" + bob_tweet + "/like", "", alice.token).status == 200);
  REQUIRE(request(client, "POST", "/users/bob/follow", "", alice.token).status == 200);
  REQUIRE(request(client, "POST", "/users/dave/block", "", alice.token).status == 200);
  REQUIRE(request(client, "POST", "/users/dave/mute", "", bob.token).status == 200);
  const std::string read_body = json{{"up_to", "1"}}.dump();

  auto settled_state = [&] {
    REQUIRE(eventually([&] { return get(client, "/healthz").json()["fanout_queue_depth"] == 0; }));
    return database_state(db);
  };
  const std::string text = json{{"text", "not allowed"}}.dump();
  const std::vector<int> unauthenticated = {401};

  // Every route with Access::login, each without credentials and with a revoked token.
  struct Route {
    std::string method, path;
    std::optional<std::string> body;
  };
  const std::vector<Route> login_routes = {
      {"POST", "/tweets", text},
      {"DELETE", "/tweets/" + alice_tweet, std::nullopt},
      {"POST", "/tweets/" + bob_tweet + "/like", ""},
      {"DELETE", "/tweets/" + bob_tweet + "/like", std::nullopt},
      {"POST", "/tweets/" + alice_tweet + "/retweet", ""},
      {"DELETE", "/tweets/" + bob_tweet + "/retweet", std::nullopt},
      {"GET", "/users/alice/timeline", std::nullopt},
      {"POST", "/users/carol/follow", ""},
      {"GET", "/users/carol/follow", std::nullopt},
      {"DELETE", "/users/bob/follow", std::nullopt},
      {"GET", "/users/dave/block", std::nullopt},
      {"POST", "/users/carol/block", ""},
      {"DELETE", "/users/dave/block", std::nullopt},
      {"GET", "/users/dave/mute", std::nullopt},
      {"POST", "/users/carol/mute", ""},
      {"DELETE", "/users/dave/mute", std::nullopt},
      {"GET", "/blocks", std::nullopt},
      {"GET", "/mutes", std::nullopt},
      {"GET", "/notifications", std::nullopt},
      {"POST", "/notifications/read", read_body},
      {"POST", "/logout", ""},
  };
  std::vector<Attempt> attempts;
  for (const auto& route : login_routes) {
    attempts.push_back({"no token", route.method, route.path, route.body, "", unauthenticated});
    attempts.push_back(
        {"revoked token", route.method, route.path, route.body, revoked, unauthenticated});
  }
  // Reads that need no login still refuse a revoked token rather than read anonymously.
  for (const std::string& path :
       std::vector<std::string>{"/users", "/users/alice", "/tweets/" + alice_tweet,
                                "/users/alice/tweets"}) {
    attempts.push_back({"revoked token on a public read", "GET", path, std::nullopt, revoked,
                        unauthenticated});
  }
  // Credentials where the server does not look for them are no credentials.
  attempts.push_back({"token in the query string", "POST", "/tweets?access_token=" + alice.token,
                      text, "", unauthenticated});
  attempts.push_back({"token in a cookie", "POST", "/tweets", text, "", unauthenticated,
                      {{"Cookie", "token=" + alice.token}}});
  attempts.push_back({"identity headers", "POST", "/tweets", text, "", unauthenticated,
                      {{"X-User", "alice"}, {"X-User-Id", alice.id}, {"X-Forwarded-User", "alice"},
                       {"X-Remote-User", "alice"}}});
  attempts.push_back({"token without a scheme", "POST", "/tweets", text, "", unauthenticated,
                      {{"Authorization", alice.token}}});
  // Someone else's things.
  attempts.push_back({"bob deletes alice's tweet", "DELETE", "/tweets/" + alice_tweet, std::nullopt,
                      bob.token, {403}});
  attempts.push_back({"bob deletes alice's retweet of his tweet", "DELETE",
                      "/tweets/" + alice_retweet, std::nullopt, bob.token, {403}});
  attempts.push_back({"carol deletes alice's retweet", "DELETE", "/tweets/" + alice_retweet,
                      std::nullopt, carol.token, {403}});
  attempts.push_back({"bob reads alice's home timeline", "GET", "/users/alice/timeline",
                      std::nullopt, bob.token, {403}});
  attempts.push_back({"bob reads alice's home timeline by id", "GET",
                      "/users/" + alice.id + "/timeline", std::nullopt, bob.token, {403}});
  attempts.push_back({"bob reads ALICE's home timeline", "GET", "/users/ALICE/timeline",
                      std::nullopt, bob.token, {403, 404}});
  attempts.push_back({"bob reads alice's home timeline by a padded id", "GET",
                      "/users/0" + alice.id + "/timeline", std::nullopt, bob.token, {403, 404}});
  // Undoing what another did undoes nothing: alice's like, retweet and follow stay.
  attempts.push_back({"carol unlikes the tweet alice liked", "DELETE", "/tweets/" + bob_tweet + "/like",
                      std::nullopt, carol.token, {200, 404}});
  attempts.push_back({"carol unretweets the tweet alice retweeted", "DELETE",
                      "/tweets/" + bob_tweet + "/retweet", std::nullopt, carol.token, {404}});
  attempts.push_back({"carol unretweets alice's retweet by its id", "DELETE",
                      "/tweets/" + alice_retweet + "/retweet", std::nullopt, carol.token, {404}});
  attempts.push_back({"carol unfollows bob, whom alice follows", "DELETE", "/users/bob/follow",
                      std::nullopt, carol.token, {200, 404}});
  attempts.push_back({"carol unblocks dave, whom alice blocks", "DELETE", "/users/dave/block",
                      std::nullopt, carol.token, {200}});
  attempts.push_back({"carol unmutes dave, whom bob mutes", "DELETE", "/users/dave/mute",
                      std::nullopt, carol.token, {200}});
  // Acting as someone else through the body.
  for (const char* field : {"author_id", "user_id", "user", "author"}) {
    attempts.push_back({std::string("posting as bob through \"") + field + "\"", "POST", "/tweets",
                        json{{"text", "as bob"}, {field, bob.id}}.dump(), alice.token,
                        {201, 400, 422}});
  }

  for (const auto& attempt : attempts) {
    CAPTURE(attempt.what);
    CAPTURE(attempt.method + " " + attempt.path);
    const std::string before = settled_state();
    auto reply = request(client, attempt.method, attempt.path, attempt.body, attempt.token,
                         "application/json", attempt.extra);
    CHECK_MESSAGE(contains(attempt.refused_with, reply.status),
                  "status " << reply.status << ": " << reply.body);
    if (reply.status == 201) {
      // A body field naming another author was ignored: the tweet is alice's.
      CHECK(reply.json()["author"]["id"] == alice.id);
      CHECK(user_profile(client, "bob")["tweets_count"] == 1);
      REQUIRE(del(client, "/tweets/" + std::string(reply.json()["id"]), alice.token).status == 204);
      continue;
    }
    if (reply.status >= 400) CHECK(reply.error_code() != "");
    CHECK(settled_state() == before);
  }
  INFO(attempts.size() << " refusals");
  CHECK(attempts.size() == 67);  // the count docs/reliability.md gives

  // The rightful callers, after all that: every route works for them.
  CHECK(get(client, "/users/alice/timeline", alice.token).status == 200);
  CHECK(request(client, "POST", "/users/carol/follow", "", bob.token).status == 200);
  CHECK(request(client, "DELETE", "/users/bob/follow", std::nullopt, alice.token).status == 200);
  CHECK(request(client, "DELETE", "/tweets/" + bob_tweet + "/like", std::nullopt, alice.token)
            .status == 200);
  CHECK(request(client, "POST", "/tweets/" + alice_tweet + "/like", "", bob.token).status == 200);
  CHECK(request(client, "POST", "/tweets/" + alice_tweet + "/retweet", "", bob.token).status == 201);
  CHECK(request(client, "DELETE", "/tweets/" + alice_tweet + "/retweet", std::nullopt, bob.token)
            .status == 204);
  CHECK(del(client, "/tweets/" + alice_retweet, alice.token).status == 204);
  CHECK(del(client, "/tweets/" + alice_tweet, alice.token).status == 204);
  CHECK(post_json(client, "/tweets", {{"text", "mine"}}, alice.token).status == 201);
  CHECK(request(client, "POST", "/users/carol/block", "", alice.token).status == 200);
  CHECK(request(client, "DELETE", "/users/dave/block", std::nullopt, alice.token).status == 200);
  CHECK(request(client, "POST", "/users/carol/mute", "", bob.token).status == 200);
  CHECK(request(client, "DELETE", "/users/dave/mute", std::nullopt, bob.token).status == 200);
  CHECK(get(client, "/blocks", alice.token).json()["data"][0]["handle"] == "carol");
  CHECK(get(client, "/mutes", bob.token).json()["data"][0]["handle"] == "carol");
  auto mine = get(client, "/notifications", bob.token);
  REQUIRE(mine.status == 200);
  REQUIRE_FALSE(mine.json()["data"].empty());  // alice followed and liked bob
  CHECK(post_json(client, "/notifications/read", {{"up_to", mine.json()["data"][0]["id"]}}, bob.token)
            .status == 200);
  CHECK(get(client, "/users/bob", bob.token).json()["unread_notifications"] == 0);
  CHECK(request(client, "POST", "/logout", "", alice.token).status == 204);
  CHECK(get(client, "/users/alice/timeline", alice.token).status == 401);
}
