// Live streams through the real server: GET /stream/home and /stream/notifications
// deliver what fan-out makes visible, resume with Last-Event-ID without missing
// anything (also a tweet older than one already delivered), send heartbeats, refuse
// without a login and past stream.max_open, and end when the server stops.
#include "server_support.hpp"
#include "stream_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <fmt/core.h>

#include <csignal>
#include <fstream>

using namespace chirp::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// The tweet ids of EVENTS (tweet events only), in order.
std::vector<std::string> tweet_ids(const std::vector<SseEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events) {
    if (e.event == "tweet") ids.push_back(json::parse(e.data)["id"]);
  }
  return ids;
}

/// Reads events until one carries tweet ID (at most 10 s); every event read is kept.
bool until_tweet(SseStream& stream, const std::string& id, std::vector<SseEvent>& seen) {
  while (auto event = stream.next_event(10s)) {
    seen.push_back(*event);
    if (event->event == "tweet" && json::parse(event->data)["id"] == id) return true;
  }
  return false;
}

/// A server on which reader follows alice.
struct ReaderFollowsAlice {
  ReaderFollowsAlice() {
    REQUIRE(request(client, "POST", "/users/alice/follow", "", reader.token).status == 200);
  }
  TempDir dir;
  std::filesystem::path db = dir / "chirp.db";
  ServerProcess server{db};
  httplib::Client client = server.client();
  Session alice = register_and_login(client, "alice");
  Session reader = register_and_login(client, "reader");
};

}  // namespace

TEST_CASE("stream: a follower's stream gets a followee's new tweet, and their own, as GET timeline shows them") {
  ReaderFollowsAlice f;
  auto& [dir, db, server, client, alice, reader] = f;
  CHIRP_SERVER_LOG_ON_FAILURE(server);

  SseStream stream(server.port(), "/stream/home", reader.token);
  REQUIRE(stream.status() == 200);
  CHECK(stream.header("content-type").starts_with("text/event-stream"));
  REQUIRE(stream.comment_seen("connected"));
  auto from_alice = post_tweet(client, alice.token, "live from alice");
  auto own = post_tweet(client, reader.token, "and my own");
  std::vector<SseEvent> seen;
  REQUIRE(until_tweet(stream, own, seen));
  CHECK(contains(tweet_ids(seen), from_alice));
  // Each event has a number, and its data is the tweet exactly as the timeline has it.
  auto timeline = get(client, "/users/reader/timeline", reader.token).json()["data"];
  for (const auto& event : seen) {
    CHECK(event.event == "tweet");
    CHECK(!event.id.empty());
    CHECK(event.id.find_first_not_of("0123456789") == std::string::npos);
    auto tweet = json::parse(event.data);
    bool found = false;
    for (const auto& entry : timeline) found = found || entry == tweet;
    CHECK_MESSAGE(found, event.data);
  }
  // A stranger's tweet is not in the reader's home timeline, nor on the stream.
  auto stranger = register_and_login(client, "stranger");
  post_tweet(client, stranger.token, "nobody follows me");
  auto marker = post_tweet(client, reader.token, "after the stranger");
  seen.clear();
  REQUIRE(until_tweet(stream, marker, seen));
  CHECK(tweet_ids(seen) == std::vector<std::string>{marker});
}

TEST_CASE("stream: Last-Event-ID resumes with nothing missed, also an older tweet made visible later") {
  ReaderFollowsAlice f;
  auto& [dir, db, server, client, alice, reader] = f;
  CHIRP_SERVER_LOG_ON_FAILURE(server);

  std::string last_id;
  std::string newest_delivered;
  {
    SseStream stream(server.port(), "/stream/home", reader.token);
    REQUIRE(stream.status() == 200);
    REQUIRE(stream.comment_seen("connected"));
    newest_delivered = post_tweet(client, reader.token, "delivered before the drop");
    auto event = stream.next_event();
    REQUIRE(event);
    CHECK(json::parse(event->data)["id"] == newest_delivered);
    last_id = event->id;
  }  // the client goes away

  // While it is away: alice posts, and an import makes a tweet of alice's visible whose
  // id is OLDER than the newest tweet already delivered. A stream that resumed from the
  // newest tweet id (since_id) would skip it.
  auto while_away = post_tweet(client, alice.token, "posted while you were away");
  std::int64_t older = std::stoll(newest_delivered) - 1;
  auto alice_id = user_profile(client, "alice")["id"].get<std::string>();
  auto created = json::parse(get(client, "/tweets/" + newest_delivered).body)["tweet"]["created_at"];
  std::ofstream(dir / "old.jsonl")
      << R"({"type":"chirp_export","version":1})" << '\n'
      << json{{"type", "tweet"}, {"id", std::to_string(older)}, {"author", alice_id},
              {"created_at", 1796300000000}, {"text", "an old tweet, imported"}}
             .dump()
      << '\n';
  (void)created;
  auto imported = run_chirp({"--db", db.string(), "import", (dir / "old.jsonl").string()});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  REQUIRE(std::to_string(older) < newest_delivered);

  for (const std::string how : {"header", "query"}) {
    CAPTURE(how);
    std::unique_ptr<SseStream> resumed =
        how == "header"
            ? std::make_unique<SseStream>(server.port(), "/stream/home", reader.token,
                                          std::vector<std::string>{"Last-Event-ID: " + last_id})
            : std::make_unique<SseStream>(server.port(), "/stream/home?last_event_id=" + last_id,
                                          reader.token);
    REQUIRE(resumed->status() == 200);
    std::vector<SseEvent> seen;
    REQUIRE(until_tweet(*resumed, std::to_string(older), seen));
    // Both, in the order they became visible, and nothing delivered before the drop.
    CHECK(tweet_ids(seen) == std::vector<std::string>{while_away, std::to_string(older)});
    for (const auto& event : seen) CHECK(std::stoll(event.id) > std::stoll(last_id));
  }

  // The header wins over the query: a browser reconnects with the URL it first opened.
  SseStream both(server.port(), "/stream/home?last_event_id=0", reader.token,
                 {"Last-Event-ID: " + last_id});
  auto first = both.next_event();
  REQUIRE(first);
  CHECK(json::parse(first->data)["id"] == while_away);

  // A number the server never issued is a gap: the client is told to reload.
  SseStream unknown(server.port(), "/stream/home", reader.token, {"Last-Event-ID: 999999999"});
  REQUIRE(unknown.status() == 200);
  auto reset = unknown.next_event();
  REQUIRE(reset);
  CHECK(reset->event == "reset");
  // Malformed ids are refused before any stream starts.
  for (const std::string bad : {"abc", "-1", "1.5", "99999999999999999999"}) {
    SseStream refused(server.port(), "/stream/home", reader.token, {"Last-Event-ID: " + bad});
    CHECK(refused.status() == 400);
    CHECK(json::parse(refused.error_body())["error"]["code"] == "bad_request");
  }
}

TEST_CASE("stream: heartbeats and the retry hint") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"stream.heartbeat_seconds", "1"},
                                                       {"stream.retry_ms", "2500"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto reader = register_and_login(client, "reader");
  SseStream stream(server.port(), "/stream/home", reader.token);
  REQUIRE(stream.status() == 200);
  CHECK(stream.comment_seen("heartbeat"));
  CHECK(stream.comment_seen("heartbeat"));
  CHECK(contains(stream.lines(), std::string("retry: 2500")));
}

TEST_CASE("stream: 401 without a token or with a bad one") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  for (const std::string path : {"/stream/home", "/stream/notifications"}) {
    CAPTURE(path);
    for (const std::string token : {"", "not-a-token"}) {
      SseStream stream(server.port(), path, token);
      CHECK(stream.status() == 401);
      CHECK(json::parse(stream.error_body())["error"]["code"] == "unauthenticated");
    }
  }
}

TEST_CASE("stream: past stream.max_open, 503 with Retry-After, and a closed stream frees its place") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db", {.settings = {{"stream.max_open", "2"}}});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto reader = register_and_login(client, "reader");
  auto one = std::make_unique<SseStream>(server.port(), "/stream/home", reader.token);
  SseStream two(server.port(), "/stream/notifications", reader.token);
  REQUIRE(one->status() == 200);
  REQUIRE(two.status() == 200);
  {
    SseStream three(server.port(), "/stream/home", reader.token);
    CHECK(three.status() == 503);
    CHECK(three.header("retry-after") == "3");
    CHECK(json::parse(three.error_body())["error"]["code"] == "unavailable");
  }
  // Requests are still served: streams do not take the request threads.
  CHECK(get(client, "/healthz").status == 200);
  one.reset();
  CHECK(eventually([&] {
    SseStream again(server.port(), "/stream/home", reader.token);
    return again.status() == 200;
  }, 10s));
  // The bound is live, like every setting.
  REQUIRE(run_chirp({"--db", (dir / "chirp.db").string(), "config", "set", "stream.max_open", "0"}).exit_code == 0);
  CHECK(eventually([&] {
    SseStream refused(server.port(), "/stream/home", reader.token);
    return refused.status() == 503;
  }, 10s));
  // A stream's time open is counted, but not as request latency. A stream is counted
  // when it ends, which the server sees within its peer check after the client left.
  std::string metrics;
  CHECK(eventually([&] {
    metrics = get(client, "/metrics").body;
    return metric_sum(metrics, "chirp_http_requests_total", {"route=\"GET /stream/home\"", "status=\"200\""}) >= 2;
  }, 10s));
  CHECK(metric_sum(metrics, "chirp_http_request_duration_seconds_count", {"route=\"GET /stream/home\""}) ==
        metric_sum(metrics, "chirp_http_requests_total", {"route=\"GET /stream/home\"", "status=\"503\""}));
}

TEST_CASE("stream: notifications arrive as the worker creates them") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  SseStream stream(server.port(), "/stream/notifications", alice.token);
  REQUIRE(stream.status() == 200);
  REQUIRE(stream.comment_seen("connected"));
  REQUIRE(request(client, "POST", "/users/alice/follow", "", bob.token).status == 200);
  auto tweet = post_tweet(client, alice.token, "like me");
  REQUIRE(request(client, "POST", "/tweets/" + tweet + "/like", "", bob.token).status == 200);
  auto follow = stream.next_event();
  REQUIRE(follow);
  CHECK(follow->event == "notification");
  CHECK(json::parse(follow->data)["kind"] == "follow");
  auto like = stream.next_event();
  REQUIRE(like);
  CHECK(json::parse(like->data)["kind"] == "like");
  CHECK(std::stoll(like->id) > std::stoll(follow->id));
  // The same as GET /notifications lists them.
  auto listed = get(client, "/notifications", alice.token).json()["data"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0] == json::parse(like->data));
  // Resuming after the follow gives the like again, and only it.
  SseStream resumed(server.port(), "/stream/notifications", alice.token,
                    {"Last-Event-ID: " + follow->id});
  auto again = resumed.next_event();
  REQUIRE(again);
  CHECK(again->id == like->id);
}

TEST_CASE("stream: a stop signal ends open streams and the server within its bound") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto reader = register_and_login(client, "reader");
  std::vector<std::unique_ptr<SseStream>> streams;
  for (int i = 0; i < 20; ++i) {
    streams.push_back(std::make_unique<SseStream>(server.port(), i % 2 ? "/stream/home" : "/stream/notifications",
                                                  reader.token));
    REQUIRE(streams.back()->status() == 200);
  }
  REQUIRE(streams.back()->comment_seen("connected"));
  server.signal(SIGTERM);
  CHECK(server.wait(10s) == 0);  // the stated bound: 10 s
  for (auto& stream : streams) {
    bool complete = false;
    CHECK(stream->ended(5s, &complete));
    CHECK(complete);  // the response ended properly, not cut off
  }
}
