// End-to-end: posting, reading, replying to, deleting, liking and retweeting tweets.
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using namespace chirp::test;
using nlohmann::json;

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("server: post, read, reply to and delete tweets") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");

  auto r = post_json(client, "/tweets", {{"text", "hello world"}}, alice.token);
  REQUIRE(r.status == 201);
  auto tweet = r.json();
  REQUIRE(tweet["id"].is_string());
  const std::string id = tweet["id"];
  CHECK(r.header("Location") == "/tweets/" + id);
  CHECK(tweet["text"] == "hello world");
  CHECK(tweet["author"]["id"] == alice.id);
  CHECK(tweet["author"]["handle"] == "alice");
  CHECK(tweet["reply_to"].is_null());
  CHECK(tweet["media_urls"] == json::array());
  CHECK(tweet["like_count"] == 0);

  // Public read, no token.
  r = get(client, "/tweets/" + id);
  REQUIRE(r.status == 200);
  auto thread = r.json();
  CHECK(thread["ancestors"] == json::array());
  CHECK(thread["tweet"]["id"] == id);
  CHECK(thread["replies"] == json::array());

  // Replies: reply_to as a string id and as a JSON number.
  r = post_json(client, "/tweets", {{"text", "hi alice"}, {"reply_to", id}}, bob.token);
  REQUIRE(r.status == 201);
  const std::string reply = r.json()["id"];
  CHECK(r.json()["reply_to"] == id);
  r = post_json(client, "/tweets", {{"text", "hi bob"}, {"reply_to", std::stoll(reply)}},
                alice.token);
  REQUIRE(r.status == 201);
  const std::string reply2 = r.json()["id"];
  CHECK(r.json()["reply_to"] == reply);
  thread = get(client, "/tweets/" + id).json();
  CHECK(thread["tweet"]["reply_count"] == 1);
  REQUIRE(thread["replies"].size() == 2);
  CHECK(thread["replies"][0]["id"] == reply);
  CHECK(thread["replies"][1]["id"] == reply2);
  thread = get(client, "/tweets/" + reply2).json();
  REQUIRE(thread["ancestors"].size() == 2);
  CHECK(thread["ancestors"][0]["id"] == id);
  CHECK(thread["ancestors"][1]["id"] == reply);

  // Media and the length limit in code points, not bytes.
  r = post_json(client, "/tweets",
                {{"text", "a picture"}, {"media_urls", {"https://example.com/a.png"}}}, alice.token);
  CHECK(r.status == 201);
  CHECK(r.json()["media_urls"] == json::array({"https://example.com/a.png"}));
  for (const std::string& unit : {std::string("a"), std::string("é"), std::string("😀")}) {
    CAPTURE(unit);
    r = post_json(client, "/tweets", {{"text", repeat(unit, 280)}}, alice.token);
    CHECK(r.status == 201);
    CHECK(r.json()["text"] == repeat(unit, 280));
  }

  const int count = user_profile(client, "alice")["tweets_count"];
  struct Bad {
    const char* what;
    std::string body;
    int status;
    std::string content_type = "application/json";
  };
  const std::vector<Bad> bad_posts = {
      {"281 characters", json{{"text", repeat("a", 281)}}.dump(), 422},
      {"281 two-byte characters", json{{"text", repeat("é", 281)}}.dump(), 422},
      {"empty text", R"({"text":""})", 422},
      {"no text", R"({})", 400},
      {"null text", R"({"text":null})", 400},
      {"text is a number", R"({"text":5})", 400},
      {"text is an object", R"({"text":{"a":1}})", 400},
      {"not JSON", "hello", 400},
      {"truncated JSON", R"({"text":"hi")", 400},
      {"JSON array", R"(["hi"])", 400},
      {"JSON string", R"("hi")", 400},
      {"empty body", "", 400},
      {"invalid UTF-8 in the text", "{\"text\":\"\xff\xfe\"}", 400},
      {"truncated UTF-8 sequence", "{\"text\":\"ab\xc3\"}", 400},
      {"overlong UTF-8 encoding", "{\"text\":\"\xc0\xaf\"}", 400},
      {"UTF-16 surrogate as UTF-8", "{\"text\":\"\xed\xa0\x80\"}", 400},
      {"lone surrogate escape", R"({"text":"\ud800"})", 400},
      {"reply_to not a number", R"({"text":"hi","reply_to":"abc"})", 400},
      {"reply_to negative", R"({"text":"hi","reply_to":-1})", 400},
      {"reply_to zero", R"({"text":"hi","reply_to":0})", 400},
      {"reply_to fraction", R"({"text":"hi","reply_to":1.5})", 400},
      {"reply_to boolean", R"({"text":"hi","reply_to":true})", 400},
      {"reply_to past int64", R"({"text":"hi","reply_to":18446744073709551615})", 400},
      {"reply_to huge", R"({"text":"hi","reply_to":1e400})", 400},
      {"reply_to missing tweet", R"({"text":"hi","reply_to":"999999"})", 404},
      {"media_urls not a list", R"({"text":"hi","media_urls":"https://x.y/z.png"})", 400},
      {"media_urls of numbers", R"({"text":"hi","media_urls":[1]})", 400},
      {"five media urls",
       json{{"text", "hi"}, {"media_urls", std::vector<std::string>(5, "https://x.y/z.png")}}.dump(),
       422},
      {"text/plain body", R"({"text":"hi"})", 415, "text/plain"},
      {"form body", "text=hi", 415, "application/x-www-form-urlencoded"},
  };
  for (const auto& bad : bad_posts) {
    CAPTURE(bad.what);
    r = request(client, "POST", "/tweets", bad.body, alice.token, bad.content_type);
    CHECK(r.status == bad.status);
    CHECK(r.error_code() != "");
  }
  CHECK(post_json(client, "/tweets", {{"text", "no token"}}).status == 401);
  CHECK(user_profile(client, "alice")["tweets_count"] == count);
  CHECK(user_profile(client, "bob")["tweets_count"] == 1);

  // An absent Content-Type is accepted (a raw request: httplib's client would add
  // text/plain), and so is a charset parameter.
  const std::string untyped = R"({"text":"untyped"})";
  r = raw_exchange(server.port(), "POST /tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                      alice.token + "\r\nContent-Length: " +
                                      std::to_string(untyped.size()) + "\r\n\r\n" + untyped);
  CHECK(r.status == 201);
  r = request(client, "POST", "/tweets", R"({"text":"typed"})", alice.token,
              "application/json; charset=utf-8");
  CHECK(r.status == 201);
  CHECK(user_profile(client, "alice")["tweets_count"] == count + 2);

  // Deleting: only the author; missing ids are 404; deleted tweets are gone.
  const std::string doomed = post_tweet(client, alice.token, "to be deleted");
  r = del(client, "/tweets/" + doomed, bob.token);
  CHECK(r.status == 403);
  CHECK(r.error_code() == "forbidden");
  CHECK(get(client, "/tweets/" + doomed).status == 200);
  CHECK(del(client, "/tweets/" + doomed).status == 401);
  CHECK(get(client, "/tweets/" + doomed).status == 200);
  CHECK(del(client, "/tweets/999999", alice.token).status == 404);
  CHECK(del(client, "/tweets/abc", alice.token).status == 404);
  r = del(client, "/tweets/" + doomed, alice.token);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  r = get(client, "/tweets/" + doomed);
  CHECK(r.status == 404);
  CHECK(r.error_code() == "not_found");
  CHECK(del(client, "/tweets/" + doomed, alice.token).status == 404);
  CHECK(user_profile(client, "alice")["tweets_count"] == count + 2);
  // A deleted tweet can no longer be liked, retweeted or replied to.
  CHECK(request(client, "POST", "/tweets/" + doomed + "/like", std::nullopt, bob.token).status == 404);
  CHECK(request(client, "POST", "/tweets/" + doomed + "/retweet", std::nullopt, bob.token).status ==
        404);
  CHECK(post_json(client, "/tweets", {{"text", "late reply"}, {"reply_to", doomed}}, bob.token)
            .status == 404);
  CHECK(user_profile(client, "bob")["tweets_count"] == 1);

  for (const char* path : {"/tweets/999999", "/tweets/abc", "/tweets/0", "/tweets/-5",
                           "/tweets/99999999999999999999999", "/tweets/1e3"}) {
    CAPTURE(path);
    r = get(client, path);
    CHECK(r.status == 404);
    CHECK(r.error_code() == "not_found");
  }
}

TEST_CASE("server: likes and retweets") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  const std::string id = post_tweet(client, alice.token, "like me");
  const std::string like = "/tweets/" + id + "/like";
  const std::string retweet = "/tweets/" + id + "/retweet";

  auto r = request(client, "POST", like, std::nullopt, bob.token);
  REQUIRE(r.status == 200);
  CHECK(r.json()["id"] == id);
  CHECK(r.json()["like_count"] == 1);
  CHECK(r.json()["liked"] == true);
  r = request(client, "POST", like, std::nullopt, bob.token);  // idempotent
  CHECK(r.status == 200);
  CHECK(r.json()["like_count"] == 1);
  CHECK(get(client, "/tweets/" + id, bob.token).json()["tweet"]["liked"] == true);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["liked"] == false);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["like_count"] == 1);

  CHECK(request(client, "POST", like).status == 401);
  CHECK(request(client, "POST", "/tweets/999999/like", std::nullopt, bob.token).status == 404);
  CHECK(request(client, "POST", "/tweets/abc/like", std::nullopt, bob.token).status == 404);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["like_count"] == 1);

  r = request(client, "DELETE", like, std::nullopt, bob.token);
  CHECK(r.status == 200);
  CHECK(r.json()["like_count"] == 0);
  CHECK(r.json()["liked"] == false);
  r = request(client, "DELETE", like, std::nullopt, bob.token);
  CHECK(r.status == 200);
  CHECK(r.json()["like_count"] == 0);

  // Retweets.
  r = request(client, "POST", retweet, std::nullopt, bob.token);
  REQUIRE(r.status == 201);
  const std::string rt = r.json()["id"];
  CHECK(rt != id);
  CHECK(r.json()["retweet_of"] == id);
  CHECK(r.json()["author"]["handle"] == "bob");
  CHECK(r.json()["retweeted_tweet"]["id"] == id);
  r = request(client, "POST", retweet, std::nullopt, bob.token);  // idempotent
  CHECK(r.status == 201);
  CHECK(r.json()["id"] == rt);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["retweet_count"] == 1);
  auto bobs = all_ids(client, "/users/bob/tweets");
  CHECK(std::find(bobs.begin(), bobs.end(), rt) != bobs.end());

  CHECK(request(client, "POST", retweet).status == 401);
  CHECK(request(client, "POST", "/tweets/999999/retweet", std::nullopt, bob.token).status == 404);
  CHECK(request(client, "DELETE", retweet).status == 401);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["retweet_count"] == 1);

  r = request(client, "DELETE", retweet, std::nullopt, bob.token);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK(request(client, "DELETE", retweet, std::nullopt, bob.token).status == 404);
  CHECK(get(client, "/tweets/" + id).json()["tweet"]["retweet_count"] == 0);
  bobs = all_ids(client, "/users/bob/tweets");
  CHECK(std::find(bobs.begin(), bobs.end(), rt) == bobs.end());
}
