// Hostile input the server used to take wrongly: a NUL after the JSON body, conflicting
// Content-Length fields, made-up methods that became metric series, requests httplib
// refused that counted as huge latencies, and paths that forged access-log lines.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace chirp::test;
using nlohmann::json;

namespace {

std::string post_tweet_raw(const std::string& token, const std::string& body,
                           const std::string& extra_headers = "") {
  return "POST /tweets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra_headers + "Connection: close\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("server: a body is one JSON document, NUL bytes and all") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");

  for (const std::string& body :
       {std::string("{\"text\":\"x\"}\0junk", 17), std::string("{\"text\":\"x\"}\0", 13),
        std::string("{\"text\":\"a\0b\"}", 14), std::string("\0{\"text\":\"x\"}", 13)}) {
    CAPTURE(body.size());
    auto r = raw_exchange(server.port(), post_tweet_raw(alice.token, body));
    CHECK(r.status == 400);
    CHECK(r.json()["error"]["code"] == "bad_json");
  }
  CHECK(user_profile(client, "alice")["tweets_count"] == 0);
  // A NUL spelled as JSON spells it (\u0000) is text the tweet rules then refuse.
  auto escaped = raw_exchange(server.port(), post_tweet_raw(alice.token, R"({"text":"a\u0000b"})"));
  CHECK(escaped.status == 422);
  // Control: the same request without the NUL posts.
  CHECK(raw_exchange(server.port(), post_tweet_raw(alice.token, R"({"text":"x"})")).status == 201);
}

TEST_CASE("server: Content-Length fields that disagree are refused") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  const std::string body = R"({"text":"smuggled"})";
  auto head = [&](const std::string& lengths) {
    return "POST /tweets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.token +
           "\r\nContent-Type: application/json\r\n" + lengths + "\r\n";
  };
  const std::string n = std::to_string(body.size());
  const std::string more = std::to_string(body.size() + 5);
  for (const std::string& lengths :
       {"Content-Length: " + n + "\r\nContent-Length: " + more + "\r\n",
        "Content-Length: " + more + "\r\nContent-Length: " + n + "\r\n",
        "Content-Length: " + n + ", " + more + "\r\n", "Content-Length: " + n + ",\r\n",
        "Content-Length: +" + n + "\r\n", "Content-Length: " + n + "x\r\n"}) {
    CAPTURE(lengths);
    RawConnection connection(server.port(), std::chrono::milliseconds(2000));
    connection.send(head(lengths) + body + "     ");
    auto r = connection.read_response();
    CHECK(r.status == 400);
    CHECK(r.header("Connection") == "close");
    // Nothing more is read from that connection: it is closed.
    CHECK(connection.read_response().status == -1);
  }
  CHECK(user_profile(client, "alice")["tweets_count"] == 0);
  // The same value twice is one length (RFC 9112 section 6.3 allows it).
  RawConnection same(server.port());
  same.send(head("Content-Length: " + n + "\r\nContent-Length: " + n + "\r\nConnection: close\r\n") +
            body);
  CHECK(same.read_response().status == 201);
}

TEST_CASE("server: metric labels come from a fixed set") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  REQUIRE(get(client, "/healthz").status == 200);
  const auto before = get(client, "/metrics").body;

  for (int i = 0; i < 200; ++i) {
    raw_exchange(server.port(),
                 "X" + std::to_string(i) + "METHOD /users/alice HTTP/1.1\r\nHost: x\r\n"
                 "Connection: close\r\n\r\n",
                 std::chrono::milliseconds(2000));
  }
  // A kilobyte of method, a request line httplib cannot parse, a path of garbage.
  raw_exchange(server.port(), std::string(1024, 'M') + " / HTTP/1.1\r\nHost: x\r\n\r\n",
               std::chrono::milliseconds(2000));
  raw_exchange(server.port(), "NONSENSE\r\n\r\n", std::chrono::milliseconds(2000));
  for (int i = 0; i < 50; ++i) get(client, "/no/such/path/" + std::to_string(i));

  std::string metrics;
  CHECK(eventually([&] {
    metrics = get(client, "/metrics").body;
    return metric_sum(metrics, "chirp_http_requests_total", {R"(method="other")"}) >= 200.0;
  }));
  // No series names a made-up method or path.
  CHECK(metrics.find("METHOD") == std::string::npos);
  CHECK(metrics.find("MMMM") == std::string::npos);
  CHECK(metrics.find("/no/such/path") == std::string::npos);
  // The exposition hardly grew: a few fixed series, not one per request.
  CHECK(metrics.size() < before.size() + 8 * 1024);
  // Requests refused before they were timed add no latency (a stalled or garbage
  // connection used to be counted from the clock's epoch).
  CHECK(metric_sum(metrics, "chirp_http_request_duration_seconds_sum") < 30.0);
}

TEST_CASE("server: client text cannot forge access-log lines") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.log_level = "info"});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  const std::string forged = "1.2.3.4 GET /admin 200 0.01ms id=forged user=root";
  get(client, "/users/x%0A" + std::string("1.2.3.4%20GET%20/admin%20200%200.01ms%20id=forged%20user=root"));
  get(client, "/users/tab%09and%0Dreturn%1B[31mred%7F");
  raw_exchange(server.port(), "GET%0A /users/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
               std::chrono::milliseconds(2000));
  REQUIRE(eventually([&] { return server.log().find("x\\n1.2.3.4") != std::string::npos; }));
  std::istringstream lines(server.log());
  std::string line;
  while (std::getline(lines, line)) {
    CAPTURE(line);
    CHECK(line.find(forged) != 0);  // no line starts as the forged one
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find('\x7f') == std::string::npos);
  }
  auto log = server.log();
  CHECK(log.find("/users/tab\\tand\\rreturn\\x1b[31mred\\x7f") != std::string::npos);
}

TEST_CASE("server: X-Forwarded-For is believed only from a trusted proxy") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db",
                       {.settings = {{"ratelimit.requests_per_5min", "3"}},
                        .extra_args = {"--trust-proxy", "127.0.0.2"},
                        .log_level = "info"});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  // GET /users/nobody: 404 until limited (/healthz never is).
  auto get_from = [&](const char* source, const std::string& forwarded) {
    RawConnection connection(server.port(), std::chrono::seconds(5), source);
    connection.send("GET /users/nobody HTTP/1.1\r\nHost: x\r\n" + forwarded + "Connection: close\r\n\r\n");
    return connection.read_response().status;
  };
  // A direct client cannot pick its address: a new X-Forwarded-For each time is still
  // one client, limited after three requests.
  for (int i = 0; i < 3; ++i) {
    CHECK(get_from("127.0.0.1", "X-Forwarded-For: 10.9.0." + std::to_string(i) + "\r\n") == 404);
  }
  CHECK(get_from("127.0.0.1", "X-Forwarded-For: 10.9.0.99\r\n") == 429);
  // Through the proxy, each forwarded address is its own client.
  for (int i = 0; i < 3; ++i) CHECK(get_from("127.0.0.2", "X-Forwarded-For: 10.0.0.1\r\n") == 404);
  CHECK(get_from("127.0.0.2", "X-Forwarded-For: 10.0.0.1\r\n") == 429);
  CHECK(get_from("127.0.0.2", "X-Forwarded-For: 10.0.0.2\r\n") == 404);
  // The last entry is the one the proxy appended; garbage or two fields fall back to
  // the proxy's own address.
  CHECK(get_from("127.0.0.2", "X-Forwarded-For: 10.0.0.1, 10.0.0.3\r\n") == 404);
  for (int i = 0; i < 3; ++i) CHECK(get_from("127.0.0.2", "X-Forwarded-For: not-an-address\r\n") == 404);
  CHECK(get_from("127.0.0.2", "X-Forwarded-For: 10.0.0.4\r\nX-Forwarded-For: 10.0.0.5\r\n") == 429);
  CHECK(eventually([&] { return server.log().find("10.0.0.2 GET /users/nobody 404") != std::string::npos; }));
}

TEST_CASE("server: a full disk is a 507, reads go on, and writes come back without a restart") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  std::vector<std::string> acknowledged{post_tweet(client, alice.token, "before the disk filled")};
  // A file size limit on the running server stands in for a full disk: a write past it
  // fails (EFBIG), as one past the end of the disk's space (ENOSPC) would.
  auto limit = [&](const std::string& size) {
    std::string command = "prlimit --pid " + std::to_string(server.pid()) + " --fsize=" + size;
    REQUIRE(std::system(command.c_str()) == 0);
  };
  limit("65536:");  // soft limit only: raising it back needs no privilege
  Reply refused;
  for (int i = 0; i < 300 && refused.status != 507; ++i) {
    auto r = post_json(client, "/tweets", {{"text", "filling " + std::to_string(i) + std::string(200, 'x')}},
                       alice.token);
    if (r.status == 201) {
      acknowledged.push_back(r.json()["id"]);
    } else {
      refused = r;
    }
  }
  REQUIRE(refused.status == 507);
  CHECK(refused.error_code() == "storage_full");
  CHECK(refused.json()["error"]["message"].get<std::string>().find("full") != std::string::npos);
  // Reads keep working.
  CHECK(get(client, "/users/alice").status == 200);
  CHECK(get(client, "/users/alice/tweets?limit=200").status == 200);
  CHECK(get(client, "/healthz").status == 200);
  // Room again: writes work, no restart.
  limit("unlimited:");
  auto after = post_json(client, "/tweets", {{"text", "after the disk was freed"}}, alice.token);
  CHECK(after.status == 201);
  if (after.status == 201) acknowledged.push_back(after.json()["id"]);
  CHECK(server.stop() == 0);
  // No corruption, and every acknowledged tweet is there.
  CHECK(sqlite3(server.db(), "PRAGMA integrity_check") == "ok");
  for (const auto& id : acknowledged) {
    CAPTURE(id);
    CHECK(sqlite3(server.db(), "SELECT count(*) FROM tweets WHERE id = " + id) == "1");
  }
}

TEST_CASE("server: pipelined requests are answered in order or the connection closes cleanly") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");

  SUBCASE("50 requests written at once") {
    RawConnection connection(server.port(), std::chrono::seconds(3));
    std::string burst;
    for (int i = 0; i < 50; ++i) burst += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(connection.send(burst));
    std::vector<Reply> answers;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) {
      auto r = connection.read_response();
      if (r.status < 0) break;
      answers.push_back(r);
    }
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(answers.empty());
    for (const auto& r : answers) CHECK(r.status == 200);
    if (answers.size() < 50) {
      // Not silently: the last answer said the connection ends, and it did, at once
      // (not after the keep-alive timeout).
      CHECK(answers.back().header("Connection") == "close");
      CHECK(took < std::chrono::milliseconds(900));
    }
  }

  SUBCASE("two posts written at once: every answered post exists, no other does") {
    auto post = [&](const std::string& text) {
      std::string body = json{{"text", text}}.dump();
      return "POST /tweets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.token +
             "\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    RawConnection connection(server.port(), std::chrono::seconds(3));
    REQUIRE(connection.send(post("first") + post("second")));
    int created = 0;
    Reply last;
    for (int i = 0; i < 2; ++i) {
      auto r = connection.read_response();
      if (r.status < 0) break;
      CHECK(r.status == 201);
      ++created;
      last = r;
    }
    REQUIRE(created >= 1);
    if (created < 2) CHECK(last.header("Connection") == "close");
    CHECK(user_profile(client, "alice")["tweets_count"] == created);
  }

  SUBCASE("requests one after another on a kept-alive connection are not taken for pipelined") {
    RawConnection connection(server.port());
    for (int i = 0; i < 100; ++i) {
      CAPTURE(i);
      std::string request = i % 2 == 0
          ? "GET /users/alice/tweets?limit=" + std::to_string(1 + i % 7) + " HTTP/1.1\r\nHost: x\r\n"
            "User-Agent: chirp-test/1.0\r\nAccept: */*\r\n\r\n"
          : "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n\r\n";
      REQUIRE(connection.send(request));
      auto r = connection.read_response();
      REQUIRE(r.status == 200);
      CHECK(r.header("Connection") != "close");
    }
    auto metrics = get(client, "/metrics").body;
    CHECK(metric_value(metrics, "chirp_http_pipelined_closes_total") == 0.0);
  }
}
