// Tag pages, trends and search through the core API.

#include "search_support.hpp"
#include "support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using chirp::Code;
using chirp::Id;
using chirp::PageRequest;
using chirp::SearchRequest;
using chirp::TagCount;
using chirp::test::check_error;
using chirp::test::ids_of;
using chirp::test::must;
using chirp::test::must_ok;
using chirp::test::TestDb;

namespace {

std::vector<Id> tag_ids(TestDb& db, const std::string& tag, PageRequest page = {}) {
  return ids_of(must(db.core.discovery().tag(tag, page)).items);
}

std::vector<Id> search_ids(TestDb& db, const std::string& query, int limit = 20) {
  return ids_of(must(db.core.search().tweets({query, {.limit = limit}, std::nullopt})).items);
}

std::vector<std::pair<std::string, std::int64_t>> trends(TestDb& db, int limit = 10) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& t : must(db.core.discovery().trends(limit))) out.emplace_back(t.tag, t.count);
  return out;
}

using Trends = std::vector<std::pair<std::string, std::int64_t>>;

}  // namespace

TEST_CASE("chirp::Discovery::tag") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  std::vector<Id> tagged;  // newest first
  for (int i = 0; i < 7; ++i) {
    db.clock->advance_ms(10);
    tagged.insert(tagged.begin(), db.post(i % 2 ? alice : bob, "round " + std::to_string(i) +
                                                                    (i % 3 ? " #Chirp" : " #CHIRP")));
  }
  db.post(alice, "no tag here, chirp");

  SUBCASE("any case, with or without #, newest first, first spelling shown") {
    CHECK(tag_ids(db, "chirp") == tagged);
    CHECK(tag_ids(db, "#CHIRP") == tagged);
    for (const auto& t : must(db.core.discovery().tag("chirp", {})).items) {
      CHECK(t.hashtags == std::vector<std::string>{"CHIRP"});
    }
  }

  SUBCASE("paged to the end with max_id, within since_id") {
    PageRequest page{.limit = 3};
    std::vector<Id> seen;
    int pages = 0;
    while (true) {
      auto got = must(db.core.discovery().tag("chirp", page));
      for (auto& t : got.items) seen.push_back(t.id);
      ++pages;
      if (!got.next) break;
      page = *got.next;
    }
    CHECK(seen == tagged);
    CHECK(pages == 3);
    // Both bounds: strictly between.
    auto between = tag_ids(db, "chirp", {.limit = 20, .max_id = tagged[1], .since_id = tagged[5]});
    CHECK(between == std::vector<Id>{tagged[2], tagged[3], tagged[4]});
    auto last = must(db.core.discovery().tag("chirp", {.limit = 3, .max_id = tagged[3]}));
    CHECK(ids_of(last.items) == std::vector<Id>{tagged[4], tagged[5], tagged[6]});
    CHECK_FALSE(last.next);
  }

  SUBCASE("deleted tweets leave the page; retweets are not listed") {
    must_ok(db.core.tweets().remove(bob, tagged.back()));
    must(db.core.tweets().retweet(bob, tagged[0]));
    std::vector<Id> expected(tagged.begin(), tagged.end() - 1);
    CHECK(tag_ids(db, "chirp") == expected);
  }

  SUBCASE("an unused tag is an empty page; a non-tag is refused") {
    CHECK(tag_ids(db, "nobody").empty());
    check_error(db.core.discovery().tag("123", {}), Code::invalid);
    check_error(db.core.discovery().tag("two words", {}), Code::invalid);
    check_error(db.core.discovery().tag("#", {}), Code::invalid);
  }
}

TEST_CASE("chirp::Discovery::trends") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  db.post(alice, "#Rust #cpp");
  Id second = db.post(bob, "#cpp again #CPP");  // once per tweet
  db.post(bob, "#rust #sqlite");
  db.post(alice, "#cpp");

  CHECK(trends(db) == Trends{{"cpp", 3}, {"Rust", 2}, {"sqlite", 1}});
  CHECK(trends(db, 1) == Trends{{"cpp", 3}});

  SUBCASE("a deletion counts down, in its own hour") {
    db.clock->advance_ms(2 * 3'600'000);
    must_ok(db.core.tweets().remove(bob, second));
    CHECK(trends(db) == Trends{{"cpp", 2}, {"Rust", 2}, {"sqlite", 1}});  // ties by name
  }

  SUBCASE("the window is the last 24 hours") {
    db.clock->advance_ms(23 * 3'600'000);
    db.post(alice, "#late");
    CHECK(trends(db).size() == 4);
    db.clock->advance_ms(3'600'000);
    CHECK(trends(db) == Trends{{"late", 1}});
  }

  SUBCASE("a retweet is not a use") {
    must(db.core.tweets().retweet(alice, second));
    CHECK(trends(db)[0] == std::pair<std::string, std::int64_t>{"cpp", 3});
  }

  SUBCASE("limits") {
    check_error(db.core.discovery().trends(0), Code::invalid);
    check_error(db.core.discovery().trends(chirp::k_max_trends + 1), Code::invalid);
  }
}

TEST_CASE("chirp::Search::tweets") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  Id long_one = db.post(alice, "coffee and more words that make this tweet long and diluted");
  Id short_one = db.post(bob, "coffee time");
  Id phrase = db.post(bob, "the data science of coffee");
  Id reversed = db.post(alice, "science data is not the phrase");
  Id prefix = db.post(alice, "databases everywhere #SQL");
  Id accented = db.post(bob, "un café au lait #sql");

  SUBCASE("every word must match; shorter (better bm25) first") {
    CHECK(search_ids(db, "coffee") == std::vector<Id>{short_one, phrase, long_one});
    CHECK(search_ids(db, "COFFEE time") == std::vector<Id>{short_one});
    CHECK(search_ids(db, "nothing-like-it").empty());
  }

  SUBCASE("ties are broken newest first") {
    Id again = db.post(alice, "coffee time");
    CHECK(search_ids(db, "coffee time") == std::vector<Id>{again, short_one});
  }

  SUBCASE("phrases, prefixes, accents, exclusions") {
    CHECK(search_ids(db, "\"data science\"") == std::vector<Id>{phrase});
    auto data = search_ids(db, "data*");
    CHECK(data.size() == 3);
    CHECK(chirp::test::contains(data, prefix));
    CHECK(search_ids(db, "cafe") == std::vector<Id>{accented});
    CHECK(search_ids(db, "data* -science") == std::vector<Id>{prefix});
    CHECK(search_ids(db, "data* -\"data science\"").size() == 2);
  }

  SUBCASE("from: and #tag filter on stored columns") {
    CHECK(search_ids(db, "coffee from:bob") == std::vector<Id>{short_one, phrase});
    CHECK(search_ids(db, "from:ALICE") == std::vector<Id>{prefix, reversed, long_one});
    CHECK(search_ids(db, "#sql") == std::vector<Id>{accented, prefix});
    CHECK(search_ids(db, "#SQL from:bob") == std::vector<Id>{accented});
    CHECK(search_ids(db, "#sql -lait") == std::vector<Id>{prefix});
    CHECK(search_ids(db, "from:nosuch coffee").empty());
    CHECK(search_ids(db, "#nosuchtag").empty());
    // The tag is the stored hashtag, not a word of the text.
    CHECK(search_ids(db, "#coffee").empty());
  }

  SUBCASE("deleted tweets never appear") {
    must_ok(db.core.tweets().remove(bob, short_one));
    CHECK(search_ids(db, "coffee") == std::vector<Id>{phrase, long_one});
    must_ok(db.core.tweets().remove(bob, accented));
    CHECK(search_ids(db, "#sql") == std::vector<Id>{prefix});
  }

  SUBCASE("pages by cursor to the end, new tweets do not shift them") {
    SearchRequest request{"coffee", {.limit = 2}, std::nullopt};
    auto first = must(db.core.search().tweets(request));
    CHECK(ids_of(first.items) == std::vector<Id>{short_one, phrase});
    REQUIRE(first.next_cursor);
    db.post(alice, "coffee");  // newer than the first page: not in the later ones
    request.cursor = first.next_cursor;
    auto second = must(db.core.search().tweets(request));
    CHECK(ids_of(second.items) == std::vector<Id>{long_one});
    CHECK_FALSE(second.next_cursor);
    request.cursor = "not-a-cursor";
    check_error(db.core.search().tweets(request), Code::invalid);
  }

  SUBCASE("max_id and since_id bound the results") {
    SearchRequest request{"coffee", {.limit = 20, .max_id = phrase, .since_id = long_one}, {}};
    CHECK(ids_of(must(db.core.search().tweets(request)).items) == std::vector<Id>{short_one});
  }
}

TEST_CASE("chirp::Search hostile queries are refused, never passed to FTS5") {
  TestDb db;
  Id alice = db.user("alice");
  db.post(alice, "near text and more #tag");
  for (const auto& query : chirp::test::hostile_search_queries()) {
    CAPTURE(query);
    auto result = db.core.search().tweets({query, {}, {}});
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == Code::invalid);
    CHECK(result.error().message.find("fts5") == std::string::npos);
    CHECK(result.error().message.find("syntax") == std::string::npos);
  }
  // What looks like FTS5 syntax is text inside quotes, or a plain word.
  CHECK(search_ids(db, "\"NEAR(\"").size() == 1);
  CHECK(search_ids(db, "AND OR NOT").empty());
  CHECK(search_ids(db, "near").size() == 1);
}

TEST_CASE("chirp::Search::users") {
  TestDb db;
  Id alice = db.user("alice");
  Id alicia = db.user("alicia");
  Id ali = db.user("ali");
  db.user("bob");
  must_ok(db.core.graph().follow(ali, alicia));
  auto handles = [&](const std::string& q) {
    std::vector<std::string> out;
    for (const auto& u : must(db.core.search().users({q, {}, {}})).items) out.push_back(u.handle);
    return out;
  };
  CHECK(handles("ali") == std::vector<std::string>{"ali", "alicia", "alice"});
  CHECK(handles("@ALIC") == std::vector<std::string>{"alicia", "alice"});
  CHECK(handles("zed").empty());
  CHECK(handles("%").empty());
  check_error(db.core.search().users({"", {}, {}}), Code::invalid);
  check_error(db.core.search().users({"a\x01", {}, {}}), Code::invalid);
  auto page = must(db.core.search().users({"ali", {.limit = 2}, {}}));
  REQUIRE(page.next_cursor);
  auto rest = must(db.core.search().users({"ali", {.limit = 2}, page.next_cursor}));
  REQUIRE(rest.items.size() == 1);
  CHECK(rest.items[0].id == alice);
  CHECK_FALSE(rest.next_cursor);
}

TEST_CASE("chirp::bulk-loaded and imported tweets are tagged and searchable") {
  TestDb db;
  chirp::BulkData data;
  data.users = {{.handle = "bulky"}, {.handle = "other"}};
  std::int64_t now = db.clock->now_ms();
  data.tweets = {{0, "loaded in bulk #Bulk @other", now - 1000}, {1, "second #bulk", now - 500}};
  auto ids = must(db.core.bulk().import(data));
  CHECK(search_ids(db, "loaded").size() == 1);
  CHECK(search_ids(db, "bulk").size() == 2);  // a tag's word is a word of the text too
  auto tagged = must(db.core.discovery().tag("bulk", {})).items;
  REQUIRE(tagged.size() == 2);
  CHECK(tagged[1].mentions == std::vector<chirp::Mention>{{ids[1], "other"}});
  CHECK(tagged[0].hashtags == std::vector<std::string>{"Bulk"});

  // Exported and imported into a fresh database: the same entities, searchable.
  std::stringstream archive;
  db.core.archive().export_jsonl(archive);
  TestDb fresh;
  must(fresh.core.archive().import_jsonl(archive));
  CHECK(search_ids(fresh, "loaded").size() == 1);
  auto imported = must(fresh.core.discovery().tag("#BULK", {})).items;
  REQUIRE(imported.size() == 2);
  CHECK(imported[1].mentions == std::vector<chirp::Mention>{{ids[1], "other"}});
  CHECK(fresh.core.discovery().trends()->at(0).count == 2);
}

TEST_CASE("chirp::Maintenance checks and repairs trend counts") {
  TestDb db;
  Id alice = db.user("alice");
  db.post(alice, "#one #two");
  Id gone = db.post(alice, "#two");
  must_ok(db.core.tweets().remove(alice, gone));
  CHECK(db.core.maintenance().check().clean());
  chirp::test::sqlite3(db.dir / "chirp.db", "UPDATE hashtag_hours SET uses = uses + 5");
  auto report = db.core.maintenance().check();
  CHECK(report.problem_count == 2);
  REQUIRE_FALSE(report.problems.empty());
  CHECK(report.problems[0].table == "hashtags");
  CHECK(report.problems[0].expected == 1);
  auto repaired = must(db.core.maintenance().repair());
  CHECK(repaired.after.clean());
  CHECK(trends(db) == Trends{{"one", 1}, {"two", 1}});
}
