// Opening and migrating databases; refusing databases newer than this binary.

#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

using chirp::test::TempDir;
using chirp::test::sqlite3;

namespace {

chirp::Core open(const std::filesystem::path& path) {
  return chirp::Core::open({.path = path});
}

}  // namespace

TEST_CASE("chirp::Core::open") {
  TempDir dir;
  auto path = dir / "chirp.db";

  SUBCASE("a fresh database is at the current schema version") {
    REQUIRE(chirp::Core::schema_version() >= 1);
    { auto core = open(path); }
    CHECK(std::filesystem::exists(path));
    CHECK(sqlite3(path, "PRAGMA user_version") == std::to_string(chirp::Core::schema_version()));
    CHECK(sqlite3(path, "PRAGMA journal_mode") == "wal");
    auto tables = sqlite3(path, "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                                "name IN ('users','tweets','follows','likes','timeline',"
                                "'fanout_queue','settings')");
    CHECK(tables == "7");
    // No column is named `user` (a reserved word in PostgreSQL).
    CHECK(sqlite3(path, "SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) c "
                        "WHERE m.type = 'table' AND c.name = 'user'") == "0");
  }

  SUBCASE("a database from an older chirp is brought forward with its data") {
    // Version 3, as the chirp of that schema would have left it, with a user and a
    // tweet; the later migrations redefine the triggers that keep read caches true.
    for (const char* file : {"001_init.sql", "002_celebrities.sql", "003_cache_changes.sql"}) {
      std::string sql_path = std::string(CHIRP_SOURCE_DIR) + "/sql/" + file;
      REQUIRE(std::system(("sqlite3 '" + path.string() + "' < '" + sql_path + "'").c_str()) == 0);
    }
    sqlite3(path, "PRAGMA user_version = 3; "
                  "INSERT INTO users(id, handle, created_at, last_seen_at) VALUES (7, 'old', 1, 1); "
                  "INSERT INTO tweets(id, author, text, created_at) VALUES (70, 7, 'from before', 1);");
    const std::string authored_rows =
        "SELECT count(*) FROM cache_changes WHERE tweet = 70 AND author = 7";
    CHECK(sqlite3(path, authored_rows) == "1");  // posted (003 logs that already)
    {
      auto core = open(path);
      auto tweet = core.tweets().get(70);
      REQUIRE(tweet.has_value());
      CHECK(tweet->text == "from before");
      CHECK(tweet->author.handle == "old");
      REQUIRE(core.tweets().remove(7, 70).has_value());
    }
    CHECK(sqlite3(path, "PRAGMA user_version") == std::to_string(chirp::Core::schema_version()));
    // The deletion names its author in the change log (sql/004), so caches of the
    // author's newest tweets drop it.
    CHECK(sqlite3(path, authored_rows) == "2");
  }

  SUBCASE("a version-4 database keeps its likes and inboxes under the renamed columns") {
    for (const char* file :
         {"001_init.sql", "002_celebrities.sql", "003_cache_changes.sql", "004_cache_deletions.sql"}) {
      std::string sql_path = std::string(CHIRP_SOURCE_DIR) + "/sql/" + file;
      REQUIRE(std::system(("sqlite3 '" + path.string() + "' < '" + sql_path + "'").c_str()) == 0);
    }
    sqlite3(path, "PRAGMA user_version = 4; "
                  "INSERT INTO users(id, handle, created_at, last_seen_at) VALUES (7, 'author', 1, 1), "
                  "  (8, 'reader', 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000); "
                  "INSERT INTO tweets(id, author, text, created_at, like_count) "
                  "  VALUES (70, 7, 'liked and pushed', 1, 1); "
                  "INSERT INTO likes(user, tweet, created_at) VALUES (8, 70, 1); "
                  "INSERT INTO timeline(user, tweet) VALUES (8, 70);");
    {
      auto core = open(path);
      auto tweet = core.tweets().get(70, 8);
      REQUIRE(tweet.has_value());
      CHECK(tweet->liked);
      auto home = core.timelines().home(8, {}, 8);
      REQUIRE(home.has_value());
      REQUIRE(home->items.size() == 1);
      CHECK(home->items[0].id == 70);
      CHECK(core.tweets().unlike(8, 70)->like_count == 0);
    }
    CHECK(sqlite3(path, "SELECT count(*) FROM likes") == "0");
    CHECK(sqlite3(path, "SELECT reader || ',' || tweet FROM timeline") == "8,70");
  }

  SUBCASE("missing parent folders are created") {
    auto nested = dir / "a/b/c/chirp.db";
    { auto core = open(nested); }
    CHECK(std::filesystem::exists(nested));
  }

  SUBCASE("reopening keeps data and the version") {
    chirp::Id alice = 0;
    {
      auto core = open(path);
      auto user = core.users().create({.handle = "alice"});
      REQUIRE(user.has_value());
      alice = user->id;
      REQUIRE(core.tweets().post(alice, {.text = "persisted"}).has_value());
    }
    {
      auto core = open(path);
      auto found = core.users().find("alice");
      REQUIRE(found.has_value());
      CHECK(found->id == alice);
      CHECK(found->tweets_count == 1);
      auto tweets = core.timelines().user(alice, {.limit = 20});
      REQUIRE(tweets.has_value());
      REQUIRE(tweets->items.size() == 1u);
      CHECK(tweets->items[0].text == "persisted");
    }
    auto again = open(path);  // a third open is just as fine
    CHECK(sqlite3(path, "PRAGMA user_version") == std::to_string(chirp::Core::schema_version()));
  }

  SUBCASE("a database newer than this binary is refused with SchemaError") {
    { auto core = open(path); }
    int newer = chirp::Core::schema_version() + 1;
    sqlite3(path, "PRAGMA user_version = " + std::to_string(newer));
    bool thrown = false;
    try {
      auto core = open(path);
    } catch (const chirp::SchemaError& e) {
      thrown = true;
      std::string message = e.what();
      CHECK_MESSAGE(message.find(std::to_string(newer)) != std::string::npos,
                    "message should name the database version: " << message);
    }
    CHECK(thrown);
    // ...and left untouched.
    CHECK(sqlite3(path, "PRAGMA user_version") == std::to_string(newer));
  }

  SUBCASE("a file that is not a database is refused with an exception") {
    {
      std::ofstream junk(path, std::ios::binary);
      junk << std::string(8192, 'x');
    }
    CHECK_THROWS_AS(open(path), std::runtime_error);
  }

  SUBCASE("an in-memory database works") {
    auto core = chirp::Core::open({.path = ":memory:"});
    auto user = core.users().create({.handle = "alice"});
    REQUIRE(user.has_value());
    CHECK(core.users().find("alice").has_value());
  }

  SUBCASE("Core can be moved") {
    auto core = open(path);
    REQUIRE(core.users().create({.handle = "alice"}).has_value());
    chirp::Core moved = std::move(core);
    CHECK(moved.users().find("alice").has_value());
  }
}
