// End-to-end: operability (health, metrics, request ids), the CLI writing beside a
// running server, concurrent load, and graceful shutdown.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace chirp::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// The id printed by `chirp --format json post`, whatever the exact shape.
std::string cli_tweet_id(const ProcessResult& result) {
  auto j = json::parse(result.out, nullptr, false);
  if (j.is_array() && !j.empty()) j = j[0];
  if (j.is_object() && j.contains("id")) {
    return j["id"].is_string() ? j["id"].get<std::string>() : std::to_string(j["id"].get<std::int64_t>());
  }
  return "";
}

}  // namespace

TEST_CASE("server: health, metrics and request ids") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  auto r = get(client, "/healthz");
  REQUIRE(r.status == 200);
  CHECK(r.json()["status"] == "ok");
  auto id1 = r.header("X-Request-Id");
  auto id2 = get(client, "/users/nobody").header("X-Request-Id");
  CHECK_FALSE(id1.empty());
  CHECK_FALSE(id2.empty());
  CHECK(id1 != id2);
  // Errors carry one too.
  CHECK_FALSE(get(client, "/nope").header("X-Request-Id").empty());

  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  CHECK(request(client, "POST", "/users/alice/follow", std::nullopt, bob.token).status == 200);
  post_tweet(client, alice.token, "counted");

  std::string metrics;
  CHECK(eventually([&] {
    r = get(client, "/metrics");
    metrics = r.body;
    return metric_value(metrics,
                        R"(chirp_http_requests_total{method="GET",route="GET /healthz",status="200"})") ==
               1.0 &&
           metric_value(metrics, R"(chirp_http_requests_total{method="POST",route="POST /tweets",status="201"})") ==
               1.0 &&
           metric_value(metrics, "chirp_fanout_rows_total").value_or(0) >= 1.0;
  }));
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type").starts_with("text/plain"));
  CHECK(metric_value(metrics, R"(chirp_http_requests_total{method="GET",route="GET /users/{id}",status="404"})") ==
        1.0);
  CHECK(metrics.find("# TYPE chirp_http_request_duration_seconds histogram") != std::string::npos);
  CHECK(metric_sum(metrics, "chirp_http_request_duration_seconds_count",
                   {R"(route="GET /healthz")"}) >= 1.0);
  CHECK(metric_value(metrics, "chirp_fanout_queue_depth").has_value());
  CHECK(metric_value(metrics, "chirp_fanout_queue_lag_seconds").has_value());
  CHECK(metric_value(metrics, "chirp_fanout_rows_total") >= 1.0);
  // The server's checkpointer thread has seen the WAL its posts wrote.
  CHECK(eventually([&] {
    return metric_value(get(client, "/metrics").body, "chirp_wal_peak_pages").value_or(0) >= 1.0;
  }));
  CHECK(metric_value(metrics, "chirp_wal_checkpoints_busy_total").has_value());
  CHECK(metric_value(metrics, "chirp_wal_restarts_total").has_value());
  // No 429 happened: the counter is absent or zero.
  CHECK(metric_sum(metrics, "chirp_rate_limited_total") == 0.0);

  // SIGINT stops it as cleanly as SIGTERM.
  server.signal(SIGINT);
  CHECK(server.wait(5s) == 0);
}

TEST_CASE("server: a CLI post beside the server reaches an HTTP timeline") {
  TempDir dir;
  auto db = (dir / "chirp.db").string();
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");

  auto added = run_chirp({"--db", db, "user", "add", "bob"});
  REQUIRE_MESSAGE(added.exit_code == 0, added.err);
  CHECK(user_profile(client, "bob")["handle"] == "bob");
  CHECK(request(client, "POST", "/users/bob/follow", std::nullopt, alice.token).status == 200);

  auto posted = run_chirp({"--db", db, "--as", "bob", "--format", "json", "post", "from the cli"});
  REQUIRE_MESSAGE(posted.exit_code == 0, posted.err);
  const std::string id = cli_tweet_id(posted);
  REQUIRE_MESSAGE(!id.empty(), posted.out);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["text"] == "from the cli");
  CHECK(eventually([&] { return contains(all_ids(client, "/users/alice/timeline", alice.token), id); }));

  // And the other way: an HTTP post is visible to the CLI at once.
  const std::string from_http = post_tweet(client, alice.token, "from http");
  auto shown = run_chirp({"--db", db, "--format", "json", "tweets", "alice"});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  CHECK(shown.out.find(from_http) != std::string::npos);
}

TEST_CASE("server: concurrent HTTP and CLI posts") {
  TempDir dir;
  auto db = (dir / "chirp.db").string();
  ServerProcess server(dir / "chirp.db", {.extra_args = {"--threads", "8"}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto reader = register_and_login(client, "reader");
  std::vector<Session> writers;
  for (const char* handle : {"w1", "w2", "w3"}) writers.push_back(register_and_login(client, handle));
  REQUIRE(run_chirp({"--db", db, "user", "add", "clibob"}).exit_code == 0);
  for (const auto& handle : {"w1", "w2", "w3", "clibob"}) {
    REQUIRE(request(client, "POST", std::string("/users/") + handle + "/follow", std::nullopt,
                    reader.token)
                .status == 200);
  }

  constexpr int k_posts_per_writer = 20;
  constexpr int k_cli_posts = 6;
  std::mutex mutex;
  std::vector<std::string> ids;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (const auto& writer : writers) {
    threads.emplace_back([&, writer] {
      auto c = server.client();
      for (int i = 0; i < k_posts_per_writer; ++i) {
        auto r = post_json(c, "/tweets", {{"text", writer.handle + " " + std::to_string(i)}},
                           writer.token);
        auto read = get(c, "/users/" + writer.handle + "/tweets?limit=5");
        std::lock_guard lock(mutex);
        if (r.status == 201) {
          ids.push_back(r.json()["id"]);
        } else {
          failures.push_back("POST " + std::to_string(r.status) + " " +
                             httplib::to_string(r.error) + " " + r.body);
        }
        if (read.status != 200) failures.push_back("GET " + std::to_string(read.status));
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < k_cli_posts; ++i) {
      auto p = run_chirp({"--db", db, "--as", "clibob", "--format", "json", "post",
                          "cli " + std::to_string(i)});
      std::lock_guard lock(mutex);
      if (p.exit_code == 0) {
        ids.push_back(cli_tweet_id(p));
      } else {
        failures.push_back("CLI " + std::to_string(p.exit_code) + " " + p.err);
      }
    }
  });
  for (auto& t : threads) t.join();

  CHECK(failures.empty());
  for (const auto& f : failures) MESSAGE(f);
  const std::size_t expected = writers.size() * k_posts_per_writer + k_cli_posts;
  CHECK(ids.size() == expected);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == expected);

  // Every one reaches the follower's timeline (fan-out is asynchronous: wait a bit).
  std::vector<std::string> timeline;
  CHECK(eventually([&] {
    timeline = all_ids(client, "/users/reader/timeline?limit=200", reader.token);
    return std::all_of(ids.begin(), ids.end(), [&](const auto& id) { return contains(timeline, id); });
  }));
  CHECK(timeline.size() == expected);
  CHECK(std::is_sorted(timeline.begin(), timeline.end(), [](const auto& a, const auto& b) {
    return std::stoll(a) > std::stoll(b);
  }));
  for (const auto& writer : writers) {
    CHECK(user_profile(client, writer.handle)["tweets_count"] == k_posts_per_writer);
  }
  CHECK(user_profile(client, "clibob")["tweets_count"] == k_cli_posts);
  auto metrics = get(client, "/metrics").body;
  CHECK(metric_sum(metrics, "chirp_http_requests_total", {R"(status="5)"}) == 0.0);
}

TEST_CASE("server: SIGTERM finishes in-flight requests and exits 0") {
  TempDir dir;
  auto db = (dir / "chirp.db").string();
  ServerProcess server(dir / "chirp.db", {.extra_args = {"--threads", "8"}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  const std::string seed = post_tweet(client, alice.token, "before the load");

  // A request the server is in the middle of reading when the signal comes: shutdown
  // closes half-received requests at once (only handlers already running finish), so
  // it gets no answer and is not stored.
  const std::string body = json{{"text", "sent across the shutdown"}}.dump();
  const std::size_t half = body.size() / 2;
  RawConnection slow(server.port());
  REQUIRE(slow.send("POST /tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    alice.token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                    body.substr(0, half)));

  // Load from three clients until the server is gone (bounded in time and posts).
  struct Outcome {
    std::chrono::steady_clock::time_point start, end;
    int status;
    httplib::Error error;
    bool json_ok;
    std::string tweet_id;
  };
  std::mutex mutex;
  std::vector<Outcome> outcomes;
  std::atomic<bool> done{false};
  std::vector<std::thread> loaders;
  for (int t = 0; t < 3; ++t) {
    loaders.emplace_back([&, t] {
      auto c = server.client();
      auto deadline = std::chrono::steady_clock::now() + 8s;
      for (int i = 0; !done && std::chrono::steady_clock::now() < deadline; ++i) {
        auto start = std::chrono::steady_clock::now();
        bool posting = i % 2 == 0 && i < 60;
        auto r = posting ? post_json(c, "/tweets",
                                     {{"text", "load " + std::to_string(t) + "/" + std::to_string(i)}},
                                     alice.token)
                         : get(c, "/users/alice/tweets?limit=5");
        Outcome o{start, std::chrono::steady_clock::now(), r.status, r.error, false, ""};
        auto j = r.json();
        o.json_ok = j.is_object();
        if (r.status == 201 && j.is_object()) o.tweet_id = j.value("id", "");
        {
          std::lock_guard lock(mutex);
          outcomes.push_back(o);
        }
        if (!r.ok()) {
          std::this_thread::sleep_for(20ms);  // the server is going; do not spin
        }
      }
    });
  }
  std::this_thread::sleep_for(400ms);
  const auto signalled = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  slow.send(body.substr(half));  // may fail: the server closed it
  CHECK(slow.read_response().status == -1);

  auto code = server.wait(10s);
  const auto exited = std::chrono::steady_clock::now();
  done = true;
  for (auto& t : loaders) t.join();
  CHECK(code == 0);
  CHECK(exited - signalled < 5s);

  // Each request either got a valid response or failed to connect after the signal.
  int answered_before = 0;
  std::vector<std::string> acknowledged{seed};
  for (const auto& o : outcomes) {
    if (o.status > 0) {
      CHECK((o.status == 200 || o.status == 201));
      CHECK(o.json_ok);
      if (o.start < signalled) ++answered_before;
      if (!o.tweet_id.empty()) acknowledged.push_back(o.tweet_id);
    } else {
      // A request started well before the signal must have been answered.
      CAPTURE(httplib::to_string(o.error));
      CHECK(o.start > signalled - 50ms);
    }
  }
  CHECK(answered_before > 10);

  // The database is intact, and every acknowledged tweet is in it.
  auto timeline = run_chirp({"--db", db, "--as", "alice", "--format", "json", "timeline", "--limit", "200"});
  REQUIRE_MESSAGE(timeline.exit_code == 0, timeline.err);
  auto tweets = run_chirp({"--db", db, "--format", "json", "tweets", "alice", "--limit", "200"});
  REQUIRE_MESSAGE(tweets.exit_code == 0, tweets.err);
  auto listed = json::parse(tweets.out, nullptr, false);
  REQUIRE(listed.is_array());
  std::set<std::string> stored;
  for (const auto& t : listed) stored.insert(t["id"].get<std::string>());
  CHECK(acknowledged.size() < 200);
  for (const auto& id : acknowledged) {
    CAPTURE(id);
    CHECK(stored.contains(id));
  }
  // A new server on the same database starts and serves the same data.
  ServerProcess again(dir / "chirp.db");
  auto c2 = again.client();
  CHECK(get(c2, "/tweets/" + acknowledged.back()).status == 200);
  CHECK(user_profile(c2, "alice")["tweets_count"] == static_cast<int>(acknowledged.size()));
}

TEST_CASE("server: SIGTERM does not wait for idle keep-alive connections") {
  // Idle connections have no request in flight: a graceful stop closes them at once
  // instead of waiting out the keep-alive timeout (5 s).
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  RawConnection used(server.port());
  REQUIRE(used.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  CHECK(used.read_response().status == 200);
  RawConnection silent(server.port());
  std::this_thread::sleep_for(100ms);
  const auto signalled = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  auto code = server.wait(10s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - signalled);
  CAPTURE(took.count());
  CHECK(code == 0);
  CHECK(took < 2500ms);
}

TEST_CASE("server: SIGTERM with no connections exits at once") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  CHECK(get(client, "/healthz").status == 200);
  const auto signalled = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  auto code = server.wait(10s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - signalled);
  CAPTURE(took.count());
  CHECK(code == 0);
  CHECK(took < 1500ms);
}
