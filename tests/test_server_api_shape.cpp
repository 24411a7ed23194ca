// What every endpoint shares, as a client sees it (issue 10): one name per field, a
// misspelt field named in a 422, 405 with Allow, single headers, and rate limits that
// leave health checks alone and tell one story in their headers.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using chirp::test::get;
using chirp::test::k_test_password;
using chirp::test::login;
using chirp::test::post_json;
using chirp::test::register_and_login;
using chirp::test::request;
using chirp::test::ServerProcess;
using chirp::test::TempDir;
using chirp::test::user_profile;
using nlohmann::json;

TEST_CASE("server: one name per field; an unknown field is a 422 that names it") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  SUBCASE("register takes name, as profiles show it") {
    auto r = post_json(client, "/users",
                       {{"handle", "erin"}, {"password", k_test_password}, {"name", "Erin"}});
    REQUIRE(r.status == 201);
    CHECK(r.json()["name"] == "Erin");
    CHECK(user_profile(client, "erin")["name"] == "Erin");
    // The earlier name still works; both at odds is refused.
    r = post_json(client, "/users",
                  {{"handle", "fred"}, {"password", k_test_password}, {"display_name", "Fred"}});
    REQUIRE(r.status == 201);
    CHECK(r.json()["name"] == "Fred");
    r = post_json(client, "/users", {{"handle", "gus"}, {"password", k_test_password},
                                     {"name", "Gus"}, {"display_name", "Augustus"}});
    CHECK(r.status == 422);
  }

  SUBCASE("a misspelt or unknown field is named") {
    auto r = post_json(client, "/users",
                       {{"handle", "erin"}, {"password", k_test_password}, {"nme", "Erin"}});
    CHECK(r.status == 422);
    CHECK(r.error_code() == "invalid");
    auto message = r.json()["error"]["message"].get<std::string>();
    CHECK(message.find("'nme'") != std::string::npos);
    CHECK(message.find("did you mean 'name'") != std::string::npos);
    CHECK(get(client, "/users/erin").status == 404);  // nothing was created

    auto alice = register_and_login(client, "alice");
    r = post_json(client, "/tweets", {{"text", "hi"}, {"reply_too", "1"}}, alice.token);
    CHECK(r.status == 422);
    CHECK(r.json()["error"]["message"].get<std::string>().find("'reply_too'") != std::string::npos);
    CHECK(user_profile(client, "alice")["tweets_count"] == 0);
    r = post_json(client, "/tweets", {{"text", "hi"}, {"colour", "red"}}, alice.token);
    CHECK(r.status == 422);
    CHECK(r.json()["error"]["message"].get<std::string>().find("'colour'") != std::string::npos);

    r = post_json(client, "/login",
                  {{"handle", "alice"}, {"password", k_test_password}, {"remember", true}});
    CHECK(r.status == 422);
  }

  SUBCASE("login takes handle, and the original design's username") {
    register_and_login(client, "alice");
    auto by_handle = post_json(client, "/login", {{"handle", "alice"}, {"password", k_test_password}});
    CHECK(by_handle.status == 200);
    CHECK(by_handle.json()["user"]["handle"] == "alice");
    auto by_username =
        post_json(client, "/login", {{"username", "alice"}, {"password", k_test_password}});
    CHECK(by_username.status == 200);
    CHECK(by_username.json().contains("token"));
    CHECK(by_username.json().contains("expires_at"));
  }
}

TEST_CASE("server: a known path with another method is 405 with Allow") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");

  struct Case {
    std::string method;
    std::string path;
    std::string allow;
  };
  for (const auto& c : std::vector<Case>{{"PUT", "/tweets/5", "GET, HEAD, DELETE"},
                                         {"DELETE", "/users/alice", "GET, HEAD"},
                                         {"GET", "/login", "POST"},
                                         {"PUT", "/users/alice/follow", "GET, HEAD, POST, DELETE"},
                                         {"DELETE", "/users", "POST, GET, HEAD"},
                                         {"POST", "/healthz", "GET, HEAD"}}) {
    for (const std::string& token : {std::string(), alice.token, std::string("x.y.z")}) {
      CAPTURE(c.method + " " + c.path);
      CAPTURE(token);
      auto r = request(client, c.method, c.path, std::nullopt, token);
      CHECK(r.status == 405);
      CHECK(r.header("Allow") == c.allow);
      CHECK(r.error_code() == "method_not_allowed");
    }
  }
  CHECK(get(client, "/no/such/path").status == 404);
  CHECK(request(client, "PUT", "/no/such/path").status == 404);
}

TEST_CASE("server: a 401 with a body unread has one Content-Type") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  for (const std::string& token : {std::string(), std::string("x.y.z")}) {
    CAPTURE(token);
    auto r = request(client, "POST", "/tweets", R"({"text":"hi"})", token);
    CHECK(r.status == 401);
    CHECK(r.header_count("Content-Type") == 1);
    CHECK(r.header("Content-Type") == "application/json");
  }
}

TEST_CASE("server: rate limits spare health and metrics, and their headers agree") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"ratelimit.requests_per_5min", "3"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  for (int i = 0; i < 3; ++i) {
    auto r = get(client, "/users/nobody");
    CHECK(r.status == 404);
    CHECK(r.header("RateLimit-Policy") == "3;w=300");
  }
  auto refused = get(client, "/users/nobody");
  REQUIRE(refused.status == 429);
  CHECK(refused.header("RateLimit-Remaining") == "0");
  CHECK(refused.header("RateLimit-Reset") == refused.header("Retry-After"));
  CHECK(std::stoi(refused.header("Retry-After")) >= 1);
  CHECK(std::stoi(refused.header("Retry-After")) <= 100);  // one of 3 per 300 s

  for (int i = 0; i < 10; ++i) {
    auto health = get(client, "/healthz");
    CHECK(health.status == 200);
    CHECK_FALSE(health.has_header("RateLimit-Remaining"));
    auto metrics = get(client, "/metrics");
    CHECK(metrics.status == 200);
  }
}

TEST_CASE("server: the default limits let one person's scripts run") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.keep_rate_limits = true});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  // A loop over curl: a thousand reads and a hundred posts in a row.
  int refused = 0;
  for (int i = 0; i < 1000; ++i) {
    if (get(client, "/users/alice").status == 429) ++refused;
  }
  for (int i = 0; i < 100; ++i) {
    auto r = post_json(client, "/tweets", {{"text", "post " + std::to_string(i)}}, alice.token);
    if (r.status == 429) ++refused;
  }
  CHECK(refused == 0);
  // And a logged-in retry of the README's token line never trips the login limit.
  for (int i = 0; i < 20; ++i) CHECK(login(client, "alice").size() > 0);
}
