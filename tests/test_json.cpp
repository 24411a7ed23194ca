// The one JSON serializer: ids as strings, RFC 3339 UTC times, stable field names.

#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/json.hpp>
#include <chirp/settings.hpp>
#include <chirp/time_format.hpp>

#include <doctest/doctest.h>

#include <regex>
#include <string>

using chirp::Id;
using chirp::test::k_test_epoch_ms;
using chirp::test::TestDb;
using chirp::test::must;

namespace {

bool is_rfc3339_utc(const nlohmann::json& value) {
  static const std::regex pattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  return value.is_string() && std::regex_match(value.get<std::string>(), pattern);
}

/// Every member named "id", "*_id", "reply_to" or "retweet_of" anywhere in VALUE is a
/// string of digits or null: no id is ever a JSON number.
void check_ids_are_strings(const nlohmann::json& value, const std::string& where = "$") {
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      check_ids_are_strings(value[i], where + "[" + std::to_string(i) + "]");
    }
    return;
  }
  if (!value.is_object()) return;
  for (const auto& [key, member] : value.items()) {
    bool id_like = key == "id" || key == "reply_to" || key == "retweet_of" ||
                   (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0);
    if (id_like) {
      CAPTURE(where + "." + key);
      CHECK((member.is_null() || member.is_string()));
      if (member.is_string()) {
        CHECK(std::regex_match(member.get<std::string>(), std::regex("[0-9]+")));
      }
    }
    check_ids_are_strings(member, where + "." + key);
  }
}

}  // namespace

TEST_CASE("chirp::to_json(User)") {
  TestDb db;
  auto user = must(db.core.users().create({.handle = "Alice", .name = "Alice A.", .bio = "hi"}));
  Id bob = db.user("bob");
  REQUIRE(db.core.graph().follow(bob, user.id).has_value());
  user = must(db.core.users().by_id(user.id));

  auto j = chirp::to_json(user);
  check_ids_are_strings(j);
  CHECK(j.at("id") == std::to_string(user.id));
  CHECK(j.at("handle") == "Alice");
  CHECK(j.at("name") == "Alice A.");
  CHECK(j.at("bio") == "hi");
  CHECK(j.at("created_at") == "2026-01-01T00:00:00.000Z");
  CHECK(j.at("followers_count") == 1);
  CHECK(j.at("following_count") == 0);
  CHECK(j.at("tweets_count") == 0);
  CHECK(j.at("likes_count") == 0);
  CHECK_FALSE(j.contains("password_hash"));
  CHECK_FALSE(j.contains("password"));
}

TEST_CASE("chirp::to_json(Tweet)") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  db.clock->advance_ms(1234);
  auto tweet = must(db.core.tweets().post(alice, {.text = "hello \"json\" \xF0\x9F\x90\xA6",
                                         .media_urls = {"https://example.com/a.png"}}));

  SUBCASE("a plain tweet") {
    auto j = chirp::to_json(must(db.core.tweets().get(tweet.id)));
    check_ids_are_strings(j);
    CHECK(j.at("id") == std::to_string(tweet.id));
    CHECK(j.at("author").at("id") == std::to_string(alice));
    CHECK(j.at("author").at("handle") == "alice");
    CHECK(j.at("text") == "hello \"json\" \xF0\x9F\x90\xA6");
    CHECK(is_rfc3339_utc(j.at("created_at")));
    CHECK(j.at("created_at") == "2026-01-01T00:00:01.234Z");
    CHECK(j.at("reply_to").is_null());
    CHECK(j.at("retweet_of").is_null());
    CHECK(j.at("media_urls") == nlohmann::json::array({"https://example.com/a.png"}));
    CHECK(j.at("like_count") == 0);
    CHECK(j.at("retweet_count") == 0);
    CHECK(j.at("reply_count") == 0);
    // The JSON text round-trips (valid UTF-8 out).
    CHECK(nlohmann::json::parse(j.dump()) == j);
  }

  SUBCASE("ids past 2^53 survive as strings") {
    REQUIRE(tweet.id > (Id{1} << 53));
    auto j = chirp::to_json(tweet);
    CHECK(std::stoll(j.at("id").get<std::string>()) == tweet.id);
  }

  SUBCASE("a reply names its parent") {
    auto reply = must(db.core.tweets().post(bob, {.text = "re", .reply_to = tweet.id}));
    auto j = chirp::to_json(reply);
    check_ids_are_strings(j);
    CHECK(j.at("reply_to") == std::to_string(tweet.id));
  }

  SUBCASE("a retweet embeds its original") {
    auto rt = must(db.core.tweets().retweet(bob, tweet.id));
    auto j = chirp::to_json(rt);
    check_ids_are_strings(j);
    CHECK(j.at("id") == std::to_string(rt.id));
    CHECK(j.at("author").at("handle") == "bob");
    CHECK(j.at("retweet_of") == std::to_string(tweet.id));
    const auto& original = j.at("retweeted_tweet");
    REQUIRE(original.is_object());
    CHECK(original.at("id") == std::to_string(tweet.id));
    CHECK(original.at("author").at("handle") == "alice");
    CHECK(original.at("text") == "hello \"json\" \xF0\x9F\x90\xA6");
    CHECK(is_rfc3339_utc(original.at("created_at")));
  }

  SUBCASE("viewer flags") {
    REQUIRE(db.core.tweets().like(bob, tweet.id).has_value());
    auto j = chirp::to_json(must(db.core.tweets().get(tweet.id, bob)));
    CHECK(j.at("liked") == true);
    CHECK(j.at("retweeted") == false);
    CHECK(j.at("like_count") == 1);
  }
}

TEST_CASE("chirp::to_json(Thread)") {
  TestDb db;
  Id alice = db.user("alice");
  Id root = db.post(alice, "root");
  auto reply = must(db.core.tweets().post(alice, {.text = "re", .reply_to = root}));
  auto j = chirp::to_json(must(db.core.tweets().thread(reply.id)));
  check_ids_are_strings(j);
  REQUIRE(j.at("ancestors").is_array());
  REQUIRE(j.at("ancestors").size() == 1u);
  CHECK(j.at("ancestors")[0].at("id") == std::to_string(root));
  CHECK(j.at("tweet").at("id") == std::to_string(reply.id));
  CHECK(j.at("replies").is_array());
  CHECK(j.at("replies").empty());
}

TEST_CASE("chirp::to_json(Setting)") {
  TestDb db;
  auto setting = must(db.core.settings().set(chirp::setting::inbox_cap, "100"));
  auto j = chirp::to_json(setting);
  CHECK(j.at("key") == chirp::setting::inbox_cap);
  CHECK(j.at("value") == 100);
  CHECK(j.at("is_default") == false);
}

TEST_CASE("chirp::append_json") {
  // The hot paths write tweets without building a JSON tree; what they write must be
  // exactly what a JSON library reads back, whatever the text holds.
  chirp::Tweet original;
  original.id = 1'234'567'890'123'456'789;
  original.author = {42, "Quote_Me", "Name with \"quotes\" and \\ backslash"};
  original.text = "controls \x01\x1f\b\f\n\r\t end; DEL \x7f; emoji \xF0\x9F\x90\xA6; accents \xC3\xA9";
  original.created_at_ms = 1796031449123;
  original.media_urls = {"https://example.com/a.png", "https://example.com/\"b\".png"};
  original.like_count = 3;
  original.liked = true;
  chirp::Tweet retweet;
  retweet.id = original.id + 1;
  retweet.author = {43, "rt", ""};
  retweet.created_at_ms = original.created_at_ms + 1;
  retweet.retweet_of = original.id;
  retweet.reply_to = 7;
  retweet.retweeted = true;
  retweet.original = std::make_shared<const chirp::Tweet>(original);

  for (const auto* tweet : {&original, &retweet}) {
    std::string text;
    chirp::append_json(text, *tweet);
    auto parsed = nlohmann::json::parse(text);
    // The same bytes nlohmann would print: keys sorted, compact, UTF-8 kept.
    CHECK(parsed.dump() == text);
    check_ids_are_strings(parsed);
    CHECK(parsed.at("id") == std::to_string(tweet->id));
    CHECK(parsed.at("author").at("name") == tweet->author.name);
    // A retweet's text is its original's (issue 10: `jq -r .text` reads every entry).
    CHECK(parsed.at("text") == (tweet->original ? tweet->original->text : tweet->text));
    CHECK(parsed.at("created_at") == chirp::format_rfc3339(tweet->created_at_ms));
    CHECK(parsed.at("liked") == tweet->liked);
    CHECK(parsed.at("retweeted") == tweet->retweeted);
  }
  auto parsed = chirp::to_json(retweet);
  CHECK(parsed.at("reply_to") == "7");
  CHECK(parsed.at("retweeted_tweet").at("text") == original.text);
  CHECK(parsed.at("retweeted_tweet").at("media_urls")[1] == "https://example.com/\"b\".png");
  CHECK(parsed.at("retweeted_tweet").at("like_count") == 3);

  SUBCASE("invalid UTF-8 is written as U+FFFD, never as broken JSON") {
    chirp::Tweet broken = original;
    broken.text = "bad \xff byte";
    std::string text;
    chirp::append_json(text, broken);
    CHECK(nlohmann::json::parse(text).at("text") == "bad \xEF\xBF\xBD byte");
  }

  SUBCASE("a page of tweets is a JSON array") {
    auto array = nlohmann::json::parse(chirp::json_array_of({original, retweet}));
    REQUIRE(array.is_array());
    CHECK(array.size() == 2u);
    CHECK(chirp::json_array_of({}) == "[]");
  }
}
