// End-to-end: body and header limits, malformed requests, and rate limits.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace chirp::test;
using nlohmann::json;

namespace {

std::string post_head(const std::string& token, const std::string& extra_headers) {
  return "POST /tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\n" + extra_headers + "\r\n";
}

}  // namespace

TEST_CASE("server: body, JSON and header limits") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  const std::size_t k_limit = 64 * 1024;

  // Exactly 64 KiB is accepted (a short text padded with JSON whitespace) ...
  std::string body = R"({"text":"padded"})";
  body.insert(body.size() - 1, std::string(k_limit - body.size(), ' '));
  REQUIRE(body.size() == k_limit);
  auto r = request(client, "POST", "/tweets", body, alice.token);
  CHECK(r.status == 201);
  const int count = user_profile(client, "alice")["tweets_count"];
  CHECK(count == 1);

  // ... one byte more is 413, and so is a long text field.
  body.insert(body.size() - 1, " ");
  r = request(client, "POST", "/tweets", body, alice.token);
  CHECK(r.status == 413);
  CHECK(r.error_code() != "");
  CHECK(r.header("Content-Type").starts_with("application/json"));
  r = post_json(client, "/tweets", {{"text", std::string(k_limit + 10, 'a')}}, alice.token);
  CHECK(r.status == 413);
  r = request(client, "POST", "/users", json{{"handle", "big"}, {"password", std::string(k_limit, 'p')}}.dump());
  CHECK(r.status == 413);
  // A client sending a large body right after its headers still gets to read the 413
  // (RFC 9112 section 9.6: no abrupt close while the client sends).
  {
    auto big = request(client, "POST", "/tweets", json{{"text", std::string(4 << 20, 'a')}}.dump(),
                       alice.token);
    CAPTURE(httplib::to_string(big.error));
    CHECK(big.status == 413);
  }

  // Content-Length is checked before the body is read. A client that asks first
  // (Expect: 100-continue, as curl does for large uploads) is refused at once instead
  // of being told to send a body that will be thrown away.
  const auto prompt = std::chrono::milliseconds(2000);
  r = raw_exchange(server.port(),
                   post_head(alice.token, "Expect: 100-continue\r\nContent-Length: 100000000\r\n"),
                   prompt);
  CHECK(r.status == 413);
  CHECK(r.error_code() != "");
  r = raw_exchange(server.port(),
                   post_head(alice.token, "Expect: 100-continue\r\nContent-Length: 65537\r\n"),
                   prompt);
  CHECK(r.status == 413);
  // A request that fits is let through.
  r = raw_exchange(server.port(),
                   post_head(alice.token, "Expect: 100-continue\r\nContent-Length: 20\r\n"), prompt);
  CHECK(r.status == 100);
  // A Content-Length that is not a length: no body can be framed, so 400 at once.
  r = raw_exchange(server.port(),
                   post_head(alice.token, "Content-Length: 99999999999999999999999\r\n"), prompt);
  CHECK((r.status == 400 || r.status == 413));
  r = raw_exchange(server.port(), post_head(alice.token, "Content-Length: -5\r\n"), prompt);
  CHECK(r.status == 400);
  r = raw_exchange(server.port(), post_head(alice.token, "Content-Length: 12abc\r\n"), prompt);
  CHECK(r.status == 400);

  // Chunked bodies: 411, decided from the headers alone ...
  r = raw_exchange(server.port(),
                   post_head(alice.token, "Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n"),
                   prompt);
  CHECK(r.status == 411);
  CHECK(r.error_code() != "");
  // ... and with the whole chunked body sent at once ...
  std::string chunked_body = R"({"text":"chunked"})";
  char size_hex[16];
  std::snprintf(size_hex, sizeof size_hex, "%zx", chunked_body.size());
  r = raw_exchange(server.port(), post_head(alice.token, "Transfer-Encoding: chunked\r\n") +
                                      size_hex + "\r\n" + chunked_body + "\r\n0\r\n\r\n");
  CHECK(r.status == 411);
  // ... and from httplib's own client (a content provider without a length), here
  // with a large body, so the client is still sending when the server answers: it
  // must still get to read the 411 (RFC 9112 section 9.6: no abrupt close while the
  // client sends).
  {
    auto chunky = server.client();
    httplib::Headers headers{{"Authorization", "Bearer " + alice.token}};
    const std::string piece(256 * 1024, ' ');
    int pieces = 0;
    auto result = chunky.Post(
        "/tweets", headers,
        [&](std::size_t, httplib::DataSink& sink) {
          if (pieces++ < 16) {
            sink.write(piece.data(), piece.size());
          } else {
            sink.write(chunked_body.data(), chunked_body.size());
            sink.done();
          }
          return true;
        },
        "application/json");
    CAPTURE(httplib::to_string(result.error()));
    CHECK(result);
    if (result) CHECK(result->status == 411);
  }

  // Deep JSON is refused before it is parsed.
  std::string deep = R"({"text":"deep","media_urls":)" + std::string(100, '[') +
                     std::string(100, ']') + "}";
  r = request(client, "POST", "/tweets", deep, alice.token);
  CHECK(r.status == 400);
  std::string very_deep = std::string(20000, '[') + std::string(20000, ']');
  r = request(client, "POST", "/tweets", very_deep, alice.token);
  CHECK(r.status == 400);
  r = request(client, "POST", "/login", std::string(5000, '{'));
  CHECK(r.status == 400);

  // Malformed requests at the HTTP level get an error status, never a crash.
  r = raw_exchange(server.port(), "THIS IS NOT HTTP\r\n\r\n");
  CHECK((r.status == -1 || (r.status >= 400 && r.status < 500)));
  r = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n");
  CHECK((r.status == 400 || r.status == -1 || r.status == 200));
  r = raw_exchange(server.port(),
                   "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(20000, 'x') +
                       "\r\n\r\n");
  CHECK(r.status < 500);
  r = raw_exchange(server.port(), "GET /users/%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK((r.status == 400 || r.status == 404));
  r = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(r.status == 200);

  // Unknown routes and methods.
  r = get(client, "/nope");
  CHECK(r.status == 404);
  CHECK(r.error_code() == "not_found");
  r = request(client, "PUT", "/tweets", R"({"text":"put"})", alice.token);
  CHECK(r.status >= 400);
  CHECK(r.status < 500);
  r = request(client, "PATCH", "/users/alice", R"({"name":"x"})", alice.token);
  CHECK(r.status >= 400);
  CHECK(r.status < 500);

  // A sweep of bad bodies and tokens over every write endpoint: never a 5xx, and a
  // 4xx wherever the body is what the endpoint reads. (Endpoints that read no body,
  // like DELETE /users/alice/follow, may ignore it.)
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"POST", "/users"},          {"POST", "/login"},
      {"POST", "/logout"},         {"POST", "/tweets"},
      {"DELETE", "/tweets/1"},     {"POST", "/tweets/1/like"},
      {"DELETE", "/tweets/1/like"}, {"POST", "/tweets/1/retweet"},
      {"DELETE", "/tweets/1/retweet"}, {"POST", "/users/alice/follow"},
      {"DELETE", "/users/alice/follow"}};
  const std::vector<std::string> bodies = {"", "null", "{", "[]", "{}", R"({"a":)",
                                           "\xff\xff", R"({"text":[],"handle":{},"username":1})"};
  for (const auto& [method, path] : writes) {
    const bool reads_body = path == "/users" || path == "/login" || path == "/tweets";
    for (const auto& b : bodies) {
      for (const std::string& token : {std::string(), alice.token, std::string("x.y.z")}) {
        if (path == "/logout" && token == alice.token) continue;  // a valid logout: 204
        CAPTURE(method + " " + path);
        CAPTURE(b);
        CAPTURE(token);
        r = request(client, method, path, b, token);
        CHECK(r.status > 0);
        CHECK(r.status < 500);
        if (reads_body || token != alice.token) CHECK(r.status >= 400);
      }
    }
  }
  CHECK(user_profile(client, "alice")["tweets_count"] == count);
  CHECK(get(client, "/healthz").status == 200);
}

TEST_CASE("server: request rate limit per address") {
  TempDir dir;
  auto db = (dir / "chirp.db").string();
  auto set = run_chirp({"--db", db, "config", "set", "ratelimit.requests_per_5min", "5"});
  REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  ServerProcess server(dir / "chirp.db", {.keep_rate_limits = true});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    auto r = get(client, "/users/nobody");
    CHECK(r.status == 404);
    CHECK(r.header("RateLimit-Limit") == "5");
    CHECK(r.header("RateLimit-Remaining") == std::to_string(4 - i));
    CHECK(r.has_header("RateLimit-Reset"));
  }
  auto r = get(client, "/users/nobody");
  CHECK(r.status == 429);
  CHECK(r.error_code() == "rate_limited");
  REQUIRE(r.has_header("Retry-After"));
  CHECK(std::stoi(r.header("Retry-After")) >= 1);
  CHECK(std::stoi(r.header("Retry-After")) <= 300);
  CHECK(r.header("RateLimit-Limit") == "5");
  CHECK(r.header("RateLimit-Remaining") == "0");
  CHECK(std::stoi(r.header("RateLimit-Reset")) >= 1);
  // Every route shares the address bucket, including writes that would have worked.
  r = post_json(client, "/users", {{"handle", "late"}, {"password", k_test_password}});
  CHECK(r.status == 429);
  CHECK(get(client, "/users/late").status == 429);
  // The refused registration did not happen.
  auto shown = run_chirp({"--db", db, "user", "show", "late"});
  CHECK(shown.exit_code == 1);
  // Health checks and metrics are never limited (issue 10).
  CHECK(get(client, "/healthz").status == 200);
  CHECK(get(client, "/metrics").status == 200);
}

TEST_CASE("server: login rate limit per address") {
  TempDir dir;
  auto db = (dir / "chirp.db").string();
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"ratelimit.logins_per_5min", "3"}, {"ratelimit.requests_per_5min", "0"}}) {
    auto set = run_chirp({"--db", db, "config", "set", key, value});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  }
  ServerProcess server(dir / "chirp.db", {.keep_rate_limits = true});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  REQUIRE(post_json(client, "/users", {{"handle", "alice"}, {"password", k_test_password}}).status ==
          201);

  for (int i = 0; i < 3; ++i) {
    auto r = post_json(client, "/login", {{"username", "alice"}, {"password", "wrong password"}});
    CHECK(r.status == 401);
    CHECK(r.header("RateLimit-Limit") == "3");
  }
  // The fourth attempt is refused even with the right password.
  auto r = post_json(client, "/login", {{"username", "alice"}, {"password", k_test_password}});
  CHECK(r.status == 429);
  CHECK(r.error_code() == "rate_limited");
  CHECK(std::stoi(r.header("Retry-After")) >= 1);
  CHECK_FALSE(r.json().contains("token"));
  // Other requests are not login attempts.
  CHECK(get(client, "/users/alice").status == 200);

  auto metrics = get(client, "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metric_value(metrics.body, R"(chirp_rate_limited_total{bucket="login"})") == 1.0);
}

TEST_CASE("server: rate-limit settings apply to a running server") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"ratelimit.posts_per_5min", "1"},
                                                       {"ratelimit.requests_per_5min", "1000"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  CHECK(post_json(client, "/tweets", {{"text", "the one allowed"}}, alice.token).status == 201);
  CHECK(post_json(client, "/tweets", {{"text", "refused"}}, alice.token).status == 429);

  // Raised from another process while the server runs: applies within about a second.
  auto set = run_chirp({"--db", server.db().string(), "config", "set", "ratelimit.posts_per_5min", "100"});
  REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  auto changed = std::chrono::steady_clock::now();
  CHECK(eventually([&] {
    return post_json(client, "/tweets", {{"text", "allowed again"}}, alice.token).status == 201;
  }, std::chrono::seconds(5)));
  CHECK(std::chrono::steady_clock::now() - changed < std::chrono::milliseconds(2500));
  auto r = post_json(client, "/tweets", {{"text", "and under the new limit"}}, alice.token);
  CHECK(r.status == 201);
  CHECK(r.header("RateLimit-Limit") == "100");

  // Lowered far below what was spent: refused within about a second, and for at most one
  // token's time of the new limit (5 min / 2 = 150 s), not for the whole difference.
  for (int i = 0; i < 20; ++i) get(client, "/users/alice");
  set = run_chirp({"--db", server.db().string(), "config", "set", "ratelimit.requests_per_5min", "2"});
  REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  Reply refused;
  CHECK(eventually([&] {
    refused = get(client, "/users/alice");
    return refused.status == 429;
  }, std::chrono::seconds(5)));
  REQUIRE(refused.status == 429);
  CHECK(refused.header("RateLimit-Limit") == "2");
  CHECK(std::stoi(refused.header("Retry-After")) <= 150);
  CHECK(std::stoi(refused.header("RateLimit-Reset")) <= 300);
}

TEST_CASE("server: post rate limit per user") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"ratelimit.posts_per_5min", "3"},
                                                       {"ratelimit.requests_per_5min", "1000"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  const std::string bobs = post_tweet(client, bob.token, "bob's first");

  // Three buckets apply to a post (address, user, posts): a response still carries
  // each RateLimit header once, or a client cannot tell which one to believe.
  auto check_single_headers = [](const Reply& r) {
    for (const std::string name : {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}) {
      CAPTURE(name);
      CHECK(r.header_count(name) == 1);
    }
  };
  for (int i = 0; i < 3; ++i) {
    auto r = post_json(client, "/tweets", {{"text", "alice " + std::to_string(i)}}, alice.token);
    CHECK(r.status == 201);
    check_single_headers(r);
  }
  auto r = post_json(client, "/tweets", {{"text", "one too many"}}, alice.token);
  CHECK(r.status == 429);
  CHECK(r.error_code() == "rate_limited");
  CHECK(std::stoi(r.header("Retry-After")) >= 1);
  check_single_headers(r);
  // The refusing bucket is the one reported.
  if (r.header_count("RateLimit-Limit") == 1) {
    CHECK(r.header("RateLimit-Limit") == "3");
    CHECK(r.header("RateLimit-Remaining") == "0");
  }
  // A retweet is a post too.
  r = request(client, "POST", "/tweets/" + bobs + "/retweet", std::nullopt, alice.token);
  CHECK(r.status == 429);
  // Other writes and reads are not posts.
  CHECK(request(client, "POST", "/tweets/" + bobs + "/like", std::nullopt, alice.token).status == 200);
  CHECK(get(client, "/users/alice/timeline", alice.token).status == 200);
  // The limit is per user.
  CHECK(post_json(client, "/tweets", {{"text", "bob's second"}}, bob.token).status == 201);
  CHECK(user_profile(client, "alice")["tweets_count"] == 3);
  CHECK(get(client, "/tweets/" + bobs).json()["tweet"]["retweet_count"] == 0);

  // The two 429s are counted (the logger runs after the response: poll briefly).
  std::string metrics;
  CHECK(eventually([&] {
    metrics = get(client, "/metrics").body;
    return metric_sum(metrics, "chirp_http_requests_total", {R"(status="429")"}) == 2.0;
  }, std::chrono::seconds(2)));
  CHECK(metric_value(metrics, R"(chirp_rate_limited_total{bucket="post"})") == 2.0);
  CHECK(metric_value(metrics,
                     R"(chirp_http_requests_total{method="POST",route="POST /tweets",status="201"})") ==
        5.0);
  // ... under the route they were sent to, like every other status of that route.
  CHECK(metric_value(metrics,
                     R"(chirp_http_requests_total{method="POST",route="POST /tweets",status="429"})") ==
        1.0);
}

TEST_CASE("server: the body of a refused request is never run as a request") {
  // Whatever the middleware refuses (bad token, too large, ...), the bytes the client
  // declared as that request's body are body: the server may answer before or after
  // they arrive, and skip them or close the connection, but never parse them as the
  // next request.
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  const std::string text = R"({"text":"smuggled"})";
  const std::string inner = "POST /tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                            alice.token +
                            "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + text;
  auto outer_head = [](const std::string& authorization, std::size_t length) {
    return "POST /tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) +
           "\r\n\r\n";
  };
  // Sends HEAD, then (after a pause, when PAUSE) BODY; returns the statuses of every
  // response read until the connection closes or stays quiet for a second.
  auto exchange = [&](const std::string& head, const std::string& body, bool pause) {
    RawConnection connection(server.port(), std::chrono::milliseconds(1000));
    connection.send(head);
    if (pause) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    connection.send(body);  // may fail when the server closed: that is fine
    std::vector<int> statuses;
    for (int i = 0; i < 3; ++i) {
      auto r = connection.read_response();
      if (r.status < 0) break;
      statuses.push_back(r.status);
    }
    return statuses;
  };

  // Refused for a bad token; the body follows the headers a little later.
  CHECK(exchange(outer_head("Bearer not-a-token", inner.size()), inner, true) ==
        std::vector<int>{401});
  // Refused as too large; the body (with the request at its start) follows.
  const std::size_t length = 70000;
  CHECK(exchange(outer_head("Bearer " + alice.token, length),
                 inner + std::string(length - inner.size(), ' '), true) ==
        std::vector<int>{413});
  // Refused for a bad token, all sent at once, the inner request right after the
  // first 4 KiB (httplib's read buffer).
  std::size_t pad = 0;
  while (outer_head("Bearer not-a-token", pad + inner.size()).size() + pad != 4096) {
    pad = 4096 - outer_head("Bearer not-a-token", pad + inner.size()).size();
  }
  CHECK(exchange(outer_head("Bearer not-a-token", pad + inner.size()), std::string(pad, ' ') + inner,
                 false) == std::vector<int>{401});
  CHECK(user_profile(client, "alice")["tweets_count"] == 0);
}

TEST_CASE("server: a POST with no body needs no Content-Length") {
  // RFC 9112 section 6.3: a request with neither Content-Length nor Transfer-Encoding
  // has an empty body. `curl -X POST URL` sends such requests to like, retweet,
  // follow and log out.
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  REQUIRE(post_json(client, "/users", {{"handle", "bob"}, {"password", k_test_password}}).status ==
          201);
  const std::string id = post_tweet(client, alice.token, "like me");
  auto bare_post = [&](const std::string& path) {
    return raw_exchange(server.port(), "POST " + path +
                                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                           alice.token + "\r\nConnection: close\r\n\r\n");
  };
  auto r = bare_post("/tweets/" + id + "/like");
  CHECK(r.status == 200);
  r = bare_post("/tweets/" + id + "/retweet");
  CHECK(r.status == 201);
  r = bare_post("/users/bob/follow");
  CHECK(r.status == 200);
  auto tweet = get(client, "/tweets/" + id).json()["tweet"];
  CHECK(tweet["like_count"] == 1);
  CHECK(tweet["retweet_count"] == 1);
  CHECK(user_profile(client, "bob")["followers_count"] == 1);
  r = bare_post("/logout");
  CHECK(r.status == 204);
  CHECK(get(client, "/users/alice/timeline", alice.token).status == 401);
}

namespace {

/// POST /login from the local address SOURCE (any 127.x.y.z); the reply.
Reply login_from(int port, const char* source, const std::string& handle,
                 const std::string& password) {
  RawConnection connection(port, std::chrono::seconds(10), source);
  std::string body = json{{"username", handle}, {"password", password}}.dump();
  connection.send("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: " + std::to_string(body.size()) +
                  "\r\nConnection: close\r\n\r\n" + body);
  return connection.read_response();
}

}  // namespace

TEST_CASE("server: successful logins are not counted against the login limit") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"ratelimit.logins_per_5min", "2"},
                                                       {"ratelimit.account_logins_per_5min", "2"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  REQUIRE(post_json(client, "/users", {{"handle", "alice"}, {"password", k_test_password}}).status == 201);
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(post_json(client, "/login", {{"username", "alice"}, {"password", k_test_password}}).status == 200);
  }
  // Failures are: after two, the address is refused even with the right password.
  for (int i = 0; i < 2; ++i) {
    CHECK(post_json(client, "/login", {{"username", "alice"}, {"password", "wrong password"}}).status == 401);
  }
  auto r = post_json(client, "/login", {{"username", "alice"}, {"password", k_test_password}});
  CHECK(r.status == 429);
  CHECK(std::stoi(r.header("Retry-After")) <= 150);
}

TEST_CASE("server: failed logins are limited per account, without locking out its owner") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"ratelimit.logins_per_5min", "1000"},
                                                       {"ratelimit.account_logins_per_5min", "5"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  REQUIRE(post_json(client, "/users", {{"handle", "alice"}, {"password", k_test_password}}).status == 201);
  // The owner logs in from home first.
  REQUIRE(login_from(server.port(), "127.0.0.9", "alice", k_test_password).status == 200);

  // 50 guesses from five addresses: after five failures in all, the rest are refused
  // without a password check.
  int refused = 0;
  int wrong = 0;
  for (int i = 0; i < 50; ++i) {
    std::string source = "127.0.0." + std::to_string(1 + i % 5);
    auto r = login_from(server.port(), source.c_str(), "ALICE", "guess " + std::to_string(i));
    if (r.status == 429) ++refused;
    if (r.status == 401) ++wrong;
  }
  CHECK(wrong == 5);
  CHECK(refused == 45);
  // The owner, from an address that logged in to the account before, still gets in...
  CHECK(login_from(server.port(), "127.0.0.9", "alice", k_test_password).status == 200);
  // ...while the right password from an unknown address waits one token's time
  // (5 minutes / 5 = 60 s at most).
  auto r = login_from(server.port(), "127.0.0.20", "alice", k_test_password);
  CHECK(r.status == 429);
  CHECK(std::stoi(r.header("Retry-After")) <= 60);
  // Other accounts are not affected.
  REQUIRE(post_json(client, "/users", {{"handle", "bob"}, {"password", k_test_password}}).status == 201);
  CHECK(login_from(server.port(), "127.0.0.1", "bob", k_test_password).status == 200);
  auto metrics = get(client, "/metrics").body;
  CHECK(metric_value(metrics, R"(chirp_rate_limited_total{bucket="login_account"})") >= 45.0);
}
