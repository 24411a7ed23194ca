// Mentions, hashtags, tag pages, trends and search through the CLI binary and the
// real server: the same fields and the same refusals.
#include "cli_support.hpp"
#include "search_support.hpp"
#include "server_support.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <fmt/core.h>

using namespace chirp::test;
using namespace chirp::test::cli;
using nlohmann::json;

namespace {

/// Every byte of TEXT percent-encoded, for a query string.
std::string encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) out += fmt::format("%{:02X}", c);
  return out;
}

}  // namespace

CHIRP_CLI_TEST_CASE("cli: mentions, hashtags, tag, trends and search") {
  Sandbox box(mode);
  box.users({"alice", "bob"});
  auto first = box.post("alice", "hello @bob and @nosuch #Coffee #日本");
  auto second = box.post("bob", "more #coffee, data science");
  auto third = box.post("bob", "databases are fun");

  SUBCASE("tweets carry mentions and hashtags in json, csv and tsv") {
    auto tweet = box.json_of({"tweets", "alice"})[0];
    CHECK(tweet["mentions"] == json::array({{{"handle", "bob"}, {"id", tweet["mentions"][0]["id"]}}}));
    CHECK(tweet["mentions"][0]["id"].is_string());
    CHECK(tweet["hashtags"] == json::array({"Coffee", "日本"}));
    auto csv = lines(box.ok({"tweets", "alice", "--format", "csv"}));
    REQUIRE(csv.size() == 2);
    CHECK(csv[1].ends_with(",bob,Coffee 日本"));
    auto tsv = lines(box.ok({"tweets", "alice", "--format", "tsv"}));
    CHECK(tsv[1].ends_with("\tbob\tCoffee 日本"));
  }

  SUBCASE("tag lists the tag's tweets newest first, any case, with or without #") {
    auto ids = lines(box.ok({"tag", "#COFFEE", "--format", "csv"}));
    REQUIRE(ids.size() == 3);
    CHECK(ids[1].starts_with(second + ","));
    CHECK(ids[2].starts_with(first + ","));
    auto paged = box.json_of({"tag", "coffee", "--limit", "1", "--max-id", second});
    REQUIRE(paged.size() == 1);
    CHECK(paged[0]["id"] == first);
    check_fails(box, {"tag", "123"}, 1);
  }

  SUBCASE("trends count each tag once per tweet") {
    auto trends = box.json_of({"trends"});
    CHECK(trends == json::parse(R"([{"count":2,"tag":"Coffee"},{"count":1,"tag":"日本"}])"));
    CHECK(box.ok({"trends", "--limit", "1", "--format", "csv"}) == "tag,count\nCoffee,2\n");
    check_fails(box, {"trends", "--limit", "0"}, 2);
  }

  SUBCASE("search: ranked, prefix, from:, #tag, deleted tweets gone, cursor on stderr") {
    auto found = box.json_of({"search", "data*"});
    REQUIRE(found.size() == 2);
    CHECK(box.json_of({"search", "from:bob", "#coffee"})[0]["id"] == second);
    auto r = box.run({"search", "data*", "--limit", "1", "--format", "jsonl"});
    CHECK(r.exit_code == 0);
    REQUIRE(r.err.starts_with("next page: --cursor "));
    std::string cursor = r.err.substr(20, r.err.size() - 21);
    auto rest = box.json_of({"search", "data*", "--limit", "1", "--cursor", cursor});
    REQUIRE(rest.size() == 1);
    CHECK(rest[0]["id"] != json::parse(r.out)["id"]);
    box.ok({"--as", "bob", "delete", third});
    CHECK(box.json_of({"search", "databases"}).empty());
    auto users = box.json_of({"search", "--users", "@AL"});
    REQUIRE(users.size() == 1);
    CHECK(users[0]["handle"] == "alice");
  }

  SUBCASE("any hostile query is exit 1 with our message") {
    for (const auto& query : hostile_search_queries()) {
      if (query.find('\0') != std::string::npos) continue;  // cannot be an argument
      CAPTURE(query);
      check_fails(box, {"search", "--", query}, 1);
      auto r = box.run({"search", "--", query});
      CHECK(r.err.find("fts5") == std::string::npos);
      CHECK(r.err.find("SQL") == std::string::npos);
    }
  }
}

TEST_CASE("server: tags, trends and search") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  std::vector<std::string> tagged;
  for (int i = 0; i < 5; ++i) {
    tagged.insert(tagged.begin(),
                  post_tweet(client, i % 2 ? alice.token : bob.token,
                             fmt::format("coffee cup {} #Coffee @bob", i)));
  }

  SUBCASE("a tweet's mentions and hashtags, byte for byte the CLI's serializer") {
    auto r = get(client, "/tweets/" + tagged[0]);
    REQUIRE(r.status == 200);
    auto tweet = r.json()["tweet"];
    CHECK(tweet["hashtags"] == json::array({"Coffee"}));
    CHECK(tweet["mentions"] == json::array({{{"handle", "bob"}, {"id", bob.id}}}));
  }

  SUBCASE("a tag page pages to the end through Link, anonymous or not") {
    CHECK(all_ids(client, "/tags/coffee?limit=2") == tagged);
    CHECK(all_ids(client, "/tags/COFFEE?limit=2", alice.token) == tagged);
    // (httplib's client decodes header values, so a Link to /tags/%23... is followed here
    // by hand: the page itself takes the #.)
    CHECK(get(client, "/tags/%23COFFEE").json()["data"].size() == 5);
    auto bounded = get(client, fmt::format("/tags/coffee?max_id={}&since_id={}", tagged[0], tagged[4]));
    REQUIRE(bounded.status == 200);
    CHECK(bounded.json()["data"].size() == 3);
    CHECK(get(client, "/tags/nosuch").json()["data"].empty());
    auto bad = get(client, "/tags/123");
    CHECK(bad.status == 400);
    CHECK(bad.error_code() == "bad_request");
  }

  SUBCASE("trends, counted down on delete") {
    auto trends = get(client, "/trends");
    REQUIRE(trends.status == 200);
    CHECK(trends.json() == json::parse(R"({"data":[{"count":5,"tag":"Coffee"}]})"));
    REQUIRE(del(client, "/tweets/" + tagged[0], bob.token).status == 204);
    CHECK(get(client, "/trends?limit=1").json()["data"][0]["count"] == 4);
    CHECK(get(client, "/trends?limit=0").status == 400);
    CHECK(get(client, "/trends?limit=101").status == 400);
  }

  SUBCASE("search pages through its opaque cursor and the Link header") {
    auto all = all_ids(client, "/search?q=coffee%20cup&limit=2");
    CHECK(all.size() == 5);
    std::sort(all.begin(), all.end());
    auto sorted = tagged;
    std::sort(sorted.begin(), sorted.end());
    CHECK(all == sorted);
    auto page = get(client, "/search?q=coffee&limit=2");
    REQUIRE(page.status == 200);
    CHECK(page.json()["next_cursor"].is_string());
    CHECK(page.header("Link").find("cursor=") != std::string::npos);
    CHECK(get(client, "/search?q=coffee&cursor=zz").status == 400);
    auto users = get(client, "/search?q=bo&type=users");
    REQUIRE(users.status == 200);
    CHECK(users.json()["data"][0]["handle"] == "bob");
    CHECK(get(client, "/search?q=x&type=nope").status == 400);
    CHECK(get(client, "/search").status == 400);
    REQUIRE(del(client, "/tweets/" + tagged[1], alice.token).status == 204);  // cup 3
    CHECK(get(client, "/search?q=%22cup%203%22").json()["data"].empty());
  }

  SUBCASE("any hostile query is a 400 with our message, never a 500") {
    for (const auto& query : hostile_search_queries()) {
      CAPTURE(query);
      auto r = get(client, "/search?q=" + encoded(query));
      CHECK(r.status == 400);
      CHECK(r.error_code() == "bad_request");
      CHECK(r.json()["error"]["message"].get<std::string>().find("fts5") == std::string::npos);
    }
    CHECK(get(client, "/healthz").status == 200);
  }
}
