// Mentions and hashtags: the parser's boundaries, and their rows stored with each tweet.

#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/entities.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using chirp::Id;
using chirp::Mention;
using chirp::test::must;
using chirp::test::must_ok;
using chirp::test::TestDb;

namespace {

std::vector<std::string> tags(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& tag : chirp::parse_entities(text).hashtags) out.push_back(tag.spelling);
  return out;
}

std::vector<std::string> handles(std::string_view text) {
  return chirp::parse_entities(text).mentions;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("chirp::parse_entities hashtags") {
  struct Case {
    const char* text;
    Strings tags;
  };
  const Case cases[] = {
      {"#tag", {"tag"}},
      {"a #tag.", {"tag"}},
      {"#café au lait", {"café"}},
      {"#cafe\xcc\x81 decomposed", {"cafe\xcc\x81"}},  // e + U+0301: a mark is a word character
      {"#日本 と #東京", {"日本", "東京"}},
      {"(#x) [#y], #z!", {"x", "y", "z"}},
      {"#snake_case #mixed123 #_x", {"snake_case", "mixed123", "_x"}},
      {"#123 #_ #4_5 #", {}},  // digits and underscores alone are no tag
      {"##x", {}},
      {"a#b", {}},
      {"&#39; example.com/#top", {}},
      {"#one#two", {"one"}},
      {"#Tag #TAG #tag", {"Tag"}},  // one per name, the first spelling
      {"#Straße #STRASSE", {"Straße"}},
      {"#ΣΊΣΥΦΟΣ #σίσυφος", {"ΣΊΣΥΦΟΣ"}},
      {"#a—b", {"a"}},  // an em dash ends a tag
      {"#١٢٣أ", {"١٢٣أ"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(tags(c.text) == c.tags);
  }
  CHECK(tags("#" + std::string(100, 'a')) == Strings{std::string(100, 'a')});
  CHECK(tags("#" + std::string(101, 'a')).empty());
}

TEST_CASE("chirp::parse_entities mentions") {
  struct Case {
    const char* text;
    Strings handles;
  };
  const Case cases[] = {
      {"@alice", {"alice"}},
      {"hi @alice, @bob.", {"alice", "bob"}},
      {"(@alice) \"@bob\" @carol's", {"alice", "bob", "carol"}},
      {"a@b.com", {}},
      {"mail me: x@alice", {}},
      {"@alice@example.com", {}},
      {"@@alice #@alice", {}},
      {"@abcdefghijklmno", {"abcdefghijklmno"}},  // 15
      {"@abcdefghijklmnop", {}},                  // 16: not a handle
      {"@alicé", {}},                             // a longer word than a handle
      {"@ alice @", {}},
      {"@Alice @ALICE @alice", {"Alice"}},
      {"日本@alice", {}},
      {"日本 @alice", {"alice"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(handles(c.text) == c.handles);
  }
}

TEST_CASE("chirp::fold_tag and hashtag_name") {
  CHECK(chirp::fold_tag("CaFÉ") == "café");
  CHECK(chirp::fold_tag("Straße") == "strasse");
  CHECK(chirp::hashtag_name("#Café") == "café");
  CHECK(chirp::hashtag_name("Café") == "café");
  CHECK(chirp::hashtag_name("##x").empty());
  CHECK(chirp::hashtag_name("123").empty());
  CHECK(chirp::hashtag_name("two words").empty());
  CHECK(chirp::hashtag_name("").empty());
  CHECK(chirp::hashtag_name("bad\xff").empty());
}

TEST_CASE("chirp::tweet entities are stored at write") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");

  SUBCASE("mentions of existing users only, with their ids, in order") {
    auto t = must(db.core.tweets().post(alice, {.text = "@Bob and @nosuch and @alice, a@b.com"}));
    CHECK(t.mentions == std::vector<Mention>{{bob, "bob"}, {alice, "alice"}});
    auto read = must(db.core.tweets().get(t.id));
    CHECK(read.mentions == t.mentions);
  }

  SUBCASE("tags show their first spelling everywhere") {
    auto first = must(db.core.tweets().post(alice, {.text = "#ChirpDev is here"}));
    auto second = must(db.core.tweets().post(bob, {.text = "#chirpdev #CHIRPDEV #café"}));
    CHECK(first.hashtags == Strings{"ChirpDev"});
    CHECK(second.hashtags == Strings{"ChirpDev", "café"});
  }

  SUBCASE("a retweet carries its original's, a reply has its own") {
    auto original = must(db.core.tweets().post(alice, {.text = "@bob #news"}));
    auto retweet = must(db.core.tweets().retweet(bob, original.id));
    CHECK(retweet.mentions == original.mentions);
    CHECK(retweet.hashtags == Strings{"news"});
    auto home = must(db.core.timelines().user(bob, {}));
    REQUIRE(home.items.size() == 1);
    CHECK(home.items[0].hashtags == Strings{"news"});
    auto reply = must(db.core.tweets().post(bob, {.text = "@alice #reply", .reply_to = original.id}));
    CHECK(reply.hashtags == Strings{"reply"});
    CHECK(reply.mentions == std::vector<Mention>{{alice, "alice"}});
  }
}

TEST_CASE("chirp::migration 006 parses the tweets already there") {
  chirp::test::TempDir dir;
  auto path = dir / "old.db";
  for (const char* file : {"001_init.sql", "002_celebrities.sql", "003_cache_changes.sql",
                           "004_cache_deletions.sql", "005_no_user_columns.sql"}) {
    std::string sql_path = std::string(CHIRP_SOURCE_DIR) + "/sql/" + file;
    REQUIRE(std::system(("sqlite3 '" + path.string() + "' < '" + sql_path + "'").c_str()) == 0);
  }
  using chirp::test::sqlite3;
  sqlite3(path, "PRAGMA user_version = 5; "
                "INSERT INTO users(id, handle, created_at, last_seen_at) VALUES (7, 'old', 1, 1); "
                "INSERT INTO tweets(id, author, text, created_at) VALUES "
                "  (70, 7, 'hello @old #Before', 1), (71, 7, 'gone #Before', 2);"
                "UPDATE tweets SET deleted_at = 3 WHERE id = 71;");
  {
    auto core = chirp::Core::open({.path = path});
    auto tweet = must(core.tweets().get(70));
    CHECK(tweet.mentions == std::vector<Mention>{{7, "old"}});
    CHECK(tweet.hashtags == Strings{"Before"});
  }
  CHECK(sqlite3(path, "SELECT group_concat(tweet) FROM tweet_hashtags") == "70");
  CHECK(sqlite3(path, "SELECT rowid FROM tweet_search WHERE tweet_search MATCH 'hello'") == "70");
}
