// Backups, the consistency check and its repair: through the core API and the `chirp`
// binary, on databases broken on purpose behind chirp's back (sqlite3).
#include "server_support.hpp"
#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/core.hpp>
#include <chirp/settings.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace chirp;
using namespace chirp::test;
using nlohmann::json;

namespace {

Core open_core(const fs::path& db) { return Core::open({.path = db}); }

ProcessResult chirp_on(const fs::path& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"--db", db.string()});
  return run_chirp(args);
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

std::vector<json> jsonl(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

/// The problems `chirp check` reports, as JSON objects; requires exit 0 or 1.
std::vector<json> check_problems(const fs::path& db, const std::string& command = "check") {
  std::vector<std::string> args{"--format", "jsonl", "check"};
  if (command == "repair") args.push_back("--repair");
  auto r = chirp_on(db, args);
  INFO(describe(r));
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return jsonl(r.out);
}

/// The problem of KIND (and COLUMN, when given) about row ID, or null.
json find_problem(const std::vector<json>& problems, const std::string& kind, Id id,
                  const std::string& column = "") {
  for (const auto& p : problems) {
    if (p["kind"] == kind && p["id"] == std::to_string(id) &&
        (column.empty() || p["column"] == column)) {
      return p;
    }
  }
  return nullptr;
}

/// HANDLE's home timeline, read by the CLI, as tweet ids (newest first).
std::vector<Id> cli_timeline(const fs::path& db, const std::string& handle) {
  auto r = chirp_on(db, {"--as", handle, "--format", "jsonl", "timeline", "--limit", "200"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  std::vector<Id> ids;
  for (const auto& t : jsonl(r.out)) ids.push_back(std::stoll(t["id"].get<std::string>()));
  return ids;
}

std::vector<Id> home(Core& core, Id user) {
  return ids_of(must(core.timelines().home(user, {.limit = 200}, user)).items);
}

std::vector<Id> user_tweets(Core& core, Id user) {
  return ids_of(must(core.timelines().user(user, {.limit = 200}, user)).items);
}

/// A small social graph with every kind of row check looks at, built through the core
/// API on a system clock (the CLI's), its fan-out done.
struct Fixture {
  fs::path db;
  Id alice = 0, bob = 0, carol = 0, dave = 0;
  Id a1 = 0, a2 = 0, a3 = 0, c1 = 0, d1 = 0, reply = 0, retweet = 0, deleted = 0;

  explicit Fixture(fs::path path) : db(std::move(path)) {
    auto core = open_core(db);
    auto user = [&](const std::string& handle) {
      return must(core.users().create({.handle = handle, .name = handle})).id;
    };
    alice = user("alice");
    bob = user("bob");
    carol = user("carol");
    dave = user("dave");
    auto post = [&](Id author, const std::string& text) {
      return must(core.tweets().post(author, {.text = text})).id;
    };
    must_ok(core.graph().follow(bob, alice));
    must_ok(core.graph().follow(bob, carol));
    must_ok(core.graph().follow(carol, alice));
    must_ok(core.graph().follow(alice, bob));
    a1 = post(alice, "first from alice");
    a2 = post(alice, "second from alice");
    a3 = post(alice, "third from alice");
    c1 = post(carol, "carol says hi");
    d1 = post(dave, "dave, followed by nobody");
    reply = must(core.tweets().post(bob, {.text = "bob replies", .reply_to = a1})).id;
    retweet = must(core.tweets().retweet(carol, a2)).id;
    deleted = post(alice, "soon gone");
    must(core.tweets().like(bob, a1));
    must(core.tweets().like(bob, a2));
    must(core.tweets().like(carol, a1));
    core.fanout().drain();
    must_ok(core.tweets().remove(alice, deleted));
  }
};

/// Overwrites page PAGE (1-based) of the file at PATH with garbage.
void smash_page(const fs::path& path, std::int64_t page, std::int64_t page_size) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(file.good());
  file.seekp((page - 1) * page_size);
  std::string garbage(static_cast<std::size_t>(page_size), '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(0xA5 ^ (i * 7));
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  REQUIRE(file.good());
}

int file_mode(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

}  // namespace

TEST_CASE("chirp::Maintenance::backup") {
  TempDir dir;
  Fixture f(dir / "chirp.db");
  auto core = open_core(f.db);

  SUBCASE("the backup is a chirp database with the same users, tweets and timelines") {
    auto report = must(core.maintenance().backup(dir / "backup.db"));
    CHECK(report.path == dir / "backup.db");
    CHECK(report.secret_path == dir / "backup.db.secret");
    CHECK(report.pages > 0);
    CHECK(report.bytes == report.pages * report.page_size);
    CHECK(static_cast<std::uintmax_t>(report.bytes) == fs::file_size(dir / "backup.db"));
    // The secret is the database's, private like it.
    CHECK(file_bytes(dir / "backup.db.secret") == file_bytes(dir / "chirp.db.secret"));
    CHECK(file_mode(dir / "backup.db.secret") == 0600);
    // Nothing half-written is left beside it.
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      CHECK(entry.path().filename().string().find("partial") == std::string::npos);
    }

    auto copy = open_core(dir / "backup.db");
    for (Id user : {f.alice, f.bob, f.carol, f.dave}) {
      auto original = must(core.users().find(std::to_string(user)));
      auto copied = must(copy.users().find(std::to_string(user)));
      CHECK(copied.handle == original.handle);
      CHECK(copied.followers_count == original.followers_count);
      CHECK(copied.following_count == original.following_count);
      CHECK(copied.tweets_count == original.tweets_count);
      CHECK(copied.likes_count == original.likes_count);
      CHECK(home(copy, user) == home(core, user));
      CHECK(user_tweets(copy, user) == user_tweets(core, user));
    }
    CHECK(must(copy.tweets().get(f.a1, f.bob)).like_count == 2);
    CHECK(must(copy.tweets().get(f.a1, f.bob)).reply_count == 1);
    check_error(copy.tweets().get(f.deleted, f.bob), Code::not_found);
    CHECK(copy.maintenance().check().clean());
    // Tokens of the database log in to the backup too: the secret came along.
    auto token = must(core.auth().issue_token(f.bob));
    CHECK(must(copy.auth().authenticate(token.token)).id == f.bob);
  }

  SUBCASE("it never overwrites a file, nor copies the database onto itself") {
    {
      std::ofstream(dir / "taken.db") << "precious";
    }
    check_error(core.maintenance().backup(dir / "taken.db"), Code::conflict);
    CHECK(file_bytes(dir / "taken.db") == "precious");
    CHECK_FALSE(fs::exists(dir / "taken.db.secret"));

    {
      std::ofstream(dir / "b.db.secret") << "mine";
    }
    check_error(core.maintenance().backup(dir / "b.db"), Code::conflict);
    CHECK_FALSE(fs::exists(dir / "b.db"));
    CHECK(file_bytes(dir / "b.db.secret") == "mine");

    check_error(core.maintenance().backup(f.db), Code::invalid);
    check_error(core.maintenance().backup(dir / "no-such-folder" / "b.db"), Code::invalid);
    CHECK(core.maintenance().check().clean());
  }
}

TEST_CASE("chirp backup: the CLI reports where and how big and refuses an existing PATH") {
  TempDir dir;
  Fixture f(dir / "chirp.db");
  auto r = chirp_on(f.db, {"backup", (dir / "b.db").string()});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find((dir / "b.db").string()) != std::string::npos);
  CHECK(r.out.find("b.db.secret") != std::string::npos);
  CHECK(r.out.find("KiB") != std::string::npos);

  r = chirp_on(f.db, {"--format", "json", "backup", (dir / "c.db").string()});
  REQUIRE(r.exit_code == 0);
  auto report = json::parse(r.out);
  CHECK(report["path"] == (dir / "c.db").string());
  CHECK(report["bytes"].get<std::int64_t>() ==
        static_cast<std::int64_t>(fs::file_size(dir / "c.db")));

  auto before = file_bytes(dir / "b.db");
  r = chirp_on(f.db, {"backup", (dir / "b.db").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("chirp: error: ") == 0);
  CHECK(r.err.find("already exists") != std::string::npos);
  CHECK(file_bytes(dir / "b.db") == before);

  CHECK(chirp_on(f.db, {"backup"}).exit_code == 2);
}

TEST_CASE("chirp backup while the server takes posts makes consistent copies") {
  TempDir dir;
  auto db = dir / "chirp.db";
  {
    // Some megabytes first, so that a copy takes several steps.
    auto core = open_core(db);
    BulkData data;
    for (int i = 0; i < 100; ++i) data.users.push_back({.handle = "user" + std::to_string(i)});
    for (std::size_t i = 0; i < 100; ++i) {
      for (std::size_t j = 1; j <= 30; ++j) data.follows.emplace_back(i, (i + j) % 100);
    }
    std::string padding(200, 'x');
    for (int i = 0; i < 10000; ++i) {
      data.tweets.push_back({static_cast<std::size_t>(i % 100),
                             "tweet " + std::to_string(i) + " " + padding,
                             core.clock().now_ms() - 10000 + i});
    }
    must(core.bulk().import(data));
  }
  // The server's worker fans the imported tweets out while the posts arrive.
  ServerProcess server(db);
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  auto alice = register_and_login(client, "alice");
  auto bob = register_and_login(client, "bob");
  REQUIRE(request(client, "POST", "/users/alice/follow", std::nullopt, bob.token).status == 200);

  std::atomic<bool> stop{false};
  std::atomic<int> posted{0};
  std::thread poster([&] {
    auto poster_client = server.client();
    while (!stop) {
      auto r = post_json(poster_client, "/tweets", {{"text", "busy " + std::to_string(posted)}},
                         alice.token);
      if (r.status == 201) ++posted;
    }
  });
  REQUIRE(eventually([&] { return posted >= 5; }));
  std::vector<int> acknowledged;  // posts answered 201 before each backup began
  for (int i = 0; i < 3; ++i) {
    auto path = dir / ("backup" + std::to_string(i) + ".db");
    acknowledged.push_back(posted);
    auto r = chirp_on(db, {"--format", "json", "backup", path.string()});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    MESSAGE("backup " << i << ": " << json::parse(r.out).dump());
  }
  stop = true;
  poster.join();

  std::int64_t previous = 0;
  for (int i = 0; i < 3; ++i) {
    auto path = dir / ("backup" + std::to_string(i) + ".db");
    CHECK(sqlite3(path, "PRAGMA integrity_check") == "ok");
    // Counters agree with what they count, inboxes with the follows and tweets.
    auto r = chirp_on(path, {"check"});
    INFO("backup " << i << ": " << describe(r));
    CHECK(r.exit_code == 0);
    auto busy = std::stoll(sqlite3(path, "SELECT count(*) FROM tweets WHERE author = " + alice.id));
    CHECK(busy >= std::max<std::int64_t>(previous, acknowledged[static_cast<std::size_t>(i)]));
    previous = busy;
  }
}

TEST_CASE("restoring a backup as the README says brings back data and logins for a server") {
  TempDir dir;
  auto db = dir / "chirp.db";
  auto backup = dir / "backups" / "chirp-backup.db";
  fs::create_directories(backup.parent_path());
  std::string bob_token;
  std::string before_id;
  {
    ServerProcess server(db);
    CHIRP_SERVER_LOG_ON_FAILURE(server);
    auto client = server.client();
    auto alice = register_and_login(client, "alice");
    auto bob = register_and_login(client, "bob");
    bob_token = bob.token;
    REQUIRE(request(client, "POST", "/users/alice/follow", std::nullopt, bob.token).status == 200);
    before_id = post_tweet(client, alice.token, "before the backup");
    REQUIRE(eventually([&] {
      return all_ids(client, "/users/bob/timeline", bob.token) == std::vector{before_id};
    }));

    auto r = chirp_on(db, {"backup", backup.string()});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);

    // Changes after the backup, then a crash: they are in the -wal file beside the
    // database, which a restore must not replay onto the backup.
    post_tweet(client, alice.token, "after the backup");
    register_and_login(client, "carol");
    server.signal(SIGKILL);
    REQUIRE(server.wait(std::chrono::seconds(10)).has_value());
  }
  REQUIRE(fs::exists(fs::path(db.string() + "-wal")));
  REQUIRE(fs::file_size(fs::path(db.string() + "-wal")) > 0);

  // The README's procedure: the server is stopped; remove the -wal and -shm files,
  // copy the backup and its secret over the database's.
  fs::remove(fs::path(db.string() + "-wal"));
  fs::remove(fs::path(db.string() + "-shm"));
  fs::copy_file(backup, db, fs::copy_options::overwrite_existing);
  fs::copy_file(backup.string() + ".secret", db.string() + ".secret",
                fs::copy_options::overwrite_existing);

  auto r = chirp_on(db, {"check"});
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  r = chirp_on(db, {"user", "show", "carol"});
  CHECK(r.exit_code == 1);  // registered after the backup

  ServerProcess server(db);
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();
  // Bob's token from before the backup still logs in: the secret was restored too.
  CHECK(all_ids(client, "/users/bob/timeline", bob_token) == std::vector{before_id});
  CHECK(all_ids(client, "/users/alice/tweets") == std::vector{before_id});
  CHECK(user_profile(client, "alice")["followers_count"] == 1);
  auto after = post_tweet(client, login(client, "alice"), "after the restore");
  CHECK(eventually([&] {
    return all_ids(client, "/users/bob/timeline", bob_token) == std::vector{after, before_id};
  }));
}

TEST_CASE("chirp check: a fresh and a busy database are clean") {
  SUBCASE("fresh") {
    TempDir dir;
    auto r = chirp_on(dir / "chirp.db", {"check"});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("no problems") != std::string::npos);
    r = chirp_on(dir / "chirp.db", {"--format", "json", "check"});
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out) == json::array());
    r = chirp_on(dir / "chirp.db", {"--format", "csv", "check"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "kind,table,column,id,ref,expected,found,message\n");
    r = chirp_on(dir / "chirp.db", {"check", "--repair"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("nothing to repair") != std::string::npos);
  }

  SUBCASE("the fixture, through the CLI") {
    TempDir dir;
    Fixture f(dir / "chirp.db");
    auto r = chirp_on(f.db, {"check"});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("checked 4 users, 8 tweets, 4 follows, 3 likes") != std::string::npos);
  }

  SUBCASE("busy: trimmed inboxes, celebrities, deletions, readers away and back") {
    TestDb t;
    t.set_setting(setting::inbox_cap, 20);
    t.set_setting(setting::celebrity_threshold, 3);
    std::vector<Id> u;
    for (int i = 0; i < 8; ++i) u.push_back(t.user("u" + std::to_string(i)));
    auto& core = t.core;
    // u0 becomes a celebrity (pulled), u1 stays pushed.
    for (int i = 1; i < 8; ++i) must_ok(core.graph().follow(u[i], u[0]));
    for (int i : {2, 3, 4}) must_ok(core.graph().follow(u[i], u[1]));
    must_ok(core.graph().follow(u[1], u[2]));
    std::vector<Id> posts;
    for (int i = 0; i < 60; ++i) {
      posts.push_back(t.post(u[1], "u1 number " + std::to_string(i)));
      if (i % 10 == 0) t.post(u[0], "celebrity " + std::to_string(i));
      if (i % 20 == 0) core.fanout().drain();
    }
    core.fanout().drain();
    auto reply = must(core.tweets().post(u[2], {.text = "a reply", .reply_to = posts[50]})).id;
    auto deep = must(core.tweets().post(u[3], {.text = "reply to a reply", .reply_to = reply})).id;
    must(core.tweets().post(u[4], {.text = "another reply", .reply_to = reply}));
    auto rt = must(core.tweets().retweet(u[2], posts[55])).id;
    must(core.tweets().retweet(u[3], posts[55]));
    must(core.tweets().retweet(u[4], rt));  // a retweet of a retweet lands on the original
    must_ok(core.tweets().unretweet(u[3], posts[55]));
    must(core.tweets().like(u[2], posts[55]));
    must(core.tweets().like(u[3], posts[55]));
    must(core.tweets().like(u[3], posts[50]));
    must(core.tweets().unlike(u[3], posts[50]));
    must(core.tweets().like(u[4], posts[54]));
    core.fanout().drain();
    must_ok(core.tweets().remove(u[1], posts[55]));  // with its retweets and likes
    must_ok(core.tweets().remove(u[1], posts[50]));  // its replies stay
    must_ok(core.tweets().remove(u[3], deep));        // off its parent's reply_count
    must_ok(core.graph().unfollow(u[4], u[1]));
    must_ok(core.graph().follow(u[4], u[1]));  // back-fill, bounded by the cap
    // u0 drops below the threshold, but fan-out skipped its tweets: still pulled.
    for (int i : {2, 5, 6, 7}) must_ok(core.graph().unfollow(u[i], u[0]));
    t.post(u[0], "pushed again");
    core.fanout().drain();
    for (Id reader : u) home(core, reader);
    {
      auto report = core.maintenance().check();
      INFO(report.problem_count << " problems; first: "
                                << (report.problems.empty() ? "" : report.problems[0].message));
      CHECK(report.clean());
      CHECK(report.integrity_ok);
    }

    // Away for longer than fanout.inactive_days: fan-out skips u3 and u5, whose
    // inboxes then lack what u1 and u2 post, which is no problem until they return
    // (and their inbox is rebuilt).
    t.clock->advance_ms(40LL * 86'400'000);
    for (Id reader : {u[1], u[2], u[4]}) home(core, reader);
    for (int i = 0; i < 5; ++i) t.post(u[1], "while u3 is away " + std::to_string(i));
    t.post(u[2], "u2 while u3 is away");
    core.fanout().drain();
    CHECK(core.maintenance().check().clean());
    home(core, u[3]);
    CHECK(core.maintenance().check().clean());

    // Queued fan-out is work to do, not a problem.
    t.post(u[1], "not fanned out yet");
    auto report = core.maintenance().check();
    CHECK(report.clean());
    CHECK(report.queue.depth == 1);
  }
}

TEST_CASE("chirp check names what was broken and chirp check --repair mends it") {
  TempDir dir;
  Fixture f(dir / "chirp.db");
  const auto bob_home = cli_timeline(f.db, "bob");
  const auto carol_home = cli_timeline(f.db, "carol");
  REQUIRE(bob_home == std::vector<Id>{f.retweet, f.reply, f.c1, f.a3, f.a2, f.a1});
  REQUIRE(chirp_on(f.db, {"check"}).exit_code == 0);
  const std::string bob = std::to_string(f.bob);
  const std::string alice = std::to_string(f.alice);
  const std::string carol = std::to_string(f.carol);

  // What check must report (KIND about row ID, COLUMN for counters) after the break.
  std::string kind;
  Id id = 0;
  std::string column;
  std::int64_t expected = -1;
  std::int64_t found = -1;

  SUBCASE("a wrong followers_count") {
    sqlite3(f.db, "UPDATE users SET followers_count = 42 WHERE id = " + alice);
    kind = "counter", id = f.alice, column = "followers_count", expected = 2, found = 42;
  }
  SUBCASE("a wrong like_count") {
    sqlite3(f.db, "UPDATE tweets SET like_count = 7 WHERE id = " + std::to_string(f.a1));
    kind = "counter", id = f.a1, column = "like_count", expected = 2, found = 7;
  }
  SUBCASE("every other counter wrong") {
    sqlite3(f.db, "UPDATE users SET following_count = 9, tweets_count = 9, likes_count = 9 "
                  "WHERE id = " + bob + "; UPDATE tweets SET retweet_count = 9, reply_count = 9 "
                  "WHERE id = " + std::to_string(f.a2));
    auto problems = check_problems(f.db);
    CHECK(find_problem(problems, "counter", f.bob, "following_count")["expected"] == 2);
    CHECK(find_problem(problems, "counter", f.bob, "tweets_count")["expected"] == 1);
    CHECK(find_problem(problems, "counter", f.bob, "likes_count")["expected"] == 2);
    CHECK(find_problem(problems, "counter", f.a2, "retweet_count")["expected"] == 1);
    CHECK(find_problem(problems, "counter", f.a2, "reply_count")["expected"] == 0);
    kind = "counter", id = f.bob, column = "tweets_count", expected = 1, found = 9;
  }
  SUBCASE("an inbox row for a deleted tweet") {
    sqlite3(f.db, "INSERT INTO timeline(reader, tweet) VALUES (" + bob + ", " +
                      std::to_string(f.deleted) + ")");
    kind = "inbox_stale", id = f.bob;
  }
  SUBCASE("an inbox row for a tweet that does not exist") {
    sqlite3(f.db, "INSERT INTO timeline(reader, tweet) VALUES (" + carol + ", 12345)");
    kind = "inbox_stale", id = f.carol;
  }
  SUBCASE("an inbox row from an author the reader does not follow") {
    sqlite3(f.db, "INSERT INTO timeline(reader, tweet) VALUES (" + bob + ", " +
                      std::to_string(f.d1) + ")");
    CHECK(contains(cli_timeline(f.db, "bob"), f.d1));  // the damage shows
    kind = "inbox_unfollowed", id = f.bob;
  }
  SUBCASE("a missing inbox row") {
    sqlite3(f.db, "DELETE FROM timeline WHERE reader = " + bob +
                      " AND tweet = " + std::to_string(f.a3));
    CHECK_FALSE(contains(cli_timeline(f.db, "bob"), f.a3));  // the damage shows
    kind = "inbox_missing", id = f.bob, expected = 5, found = 4;
  }
  SUBCASE("a dangling like") {
    sqlite3(f.db, "INSERT INTO likes(liker, tweet, created_at) VALUES (" + carol + ", 99999, 0)");
    kind = "foreign_key", id = f.carol;
  }
  SUBCASE("a dangling block") {
    sqlite3(f.db, "INSERT INTO blocks(blocker, blocked, created_at) VALUES (99999, " + carol + ", 0)");
    kind = "foreign_key", id = 99999;
  }
  SUBCASE("a dangling mute") {
    sqlite3(f.db, "INSERT INTO mutes(muter, muted, created_at) VALUES (" + carol + ", 99999, 0); "
                  "UPDATE users SET hides_version = 1 WHERE id = " + carol);
    kind = "foreign_key", id = f.carol;
  }
  SUBCASE("a self-block") {
    sqlite3(f.db, "INSERT INTO blocks(blocker, blocked, created_at) VALUES (" + carol + ", " + carol +
                      ", 0); UPDATE users SET hides_version = 1 WHERE id = " + carol);
    CHECK_FALSE(contains(cli_timeline(f.db, "carol"), f.c1));  // the damage shows
    kind = "self_relation", id = f.carol;
  }
  SUBCASE("a self-mute") {
    sqlite3(f.db, "INSERT INTO mutes(muter, muted, created_at) VALUES (" + carol + ", " + carol +
                      ", 0); UPDATE users SET hides_version = 1 WHERE id = " + carol);
    CHECK_FALSE(contains(cli_timeline(f.db, "carol"), f.c1));  // the damage shows
    kind = "self_relation", id = f.carol;
  }
  SUBCASE("a self-follow") {
    const std::string dave = std::to_string(f.dave);
    sqlite3(f.db, "INSERT INTO follows(follower, followee, created_at) VALUES (" + dave + ", " +
                      dave + ", 0)");
    kind = "self_relation", id = f.dave;
  }
  SUBCASE("a stale hides_version: a mute that reads ignore") {
    must_ok(open_core(f.db).blocks().mute(f.carol, f.dave));
    REQUIRE(chirp_on(f.db, {"check"}).exit_code == 0);
    sqlite3(f.db, "UPDATE users SET hides_version = 0 WHERE id = " + carol);
    kind = "cache_stamp", id = f.carol, column = "hides_version", expected = 1, found = 0;
  }
  // Notifications: of a deleted or missing tweet, from or for a missing user, of a like
  // without its tweet.
  const std::string notify = "INSERT INTO notifications(recipient, kind, actor, tweet, created_at) VALUES ";
  const std::string last_notification = "SELECT max(id) FROM notifications";
  SUBCASE("a notification of a deleted tweet") {
    sqlite3(f.db, notify + "(" + alice + ", 'like', " + carol + ", " + std::to_string(f.deleted) + ", 0)");
    kind = "notification_stale", id = std::stoll(sqlite3(f.db, last_notification));
  }
  SUBCASE("a notification of a tweet that does not exist") {
    sqlite3(f.db, notify + "(" + alice + ", 'reply', " + bob + ", 12345, 0)");
    kind = "notification_stale", id = std::stoll(sqlite3(f.db, last_notification));
  }
  SUBCASE("a notification from a user that does not exist") {
    sqlite3(f.db, notify + "(" + alice + ", 'follow', 99999, NULL, 0)");
    kind = "notification_stale", id = std::stoll(sqlite3(f.db, last_notification));
  }
  SUBCASE("a notification for a user that does not exist") {
    sqlite3(f.db, notify + "(99999, 'like', " + bob + ", " + std::to_string(f.a1) + ", 0)");
    kind = "notification_stale", id = std::stoll(sqlite3(f.db, last_notification));
  }
  SUBCASE("a like notification without its tweet") {
    sqlite3(f.db, notify + "(" + alice + ", 'like', " + bob + ", NULL, 0)");
    kind = "notification_stale", id = std::stoll(sqlite3(f.db, last_notification));
  }
  REQUIRE_FALSE(kind.empty());

  auto r = chirp_on(f.db, {"check"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("chirp: error: ") == 0);
  CHECK(r.out.find(std::to_string(id)) != std::string::npos);
  CHECK(r.out.find(kind) != std::string::npos);  // the summary names the kind

  auto problems = check_problems(f.db);
  auto problem = find_problem(problems, kind, id, column);
  INFO("problems: " << json(problems).dump(2));
  REQUIRE_FALSE(problem.is_null());
  if (expected >= 0) CHECK(problem["expected"] == expected);
  if (found >= 0) CHECK(problem["found"] == found);
  CHECK_FALSE(problem["message"].get<std::string>().empty());

  r = chirp_on(f.db, {"check", "--repair"});
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("repaired: ") != std::string::npos);
  CHECK(r.out.find("no problems remain") != std::string::npos);

  r = chirp_on(f.db, {"check"});
  CHECK(r.exit_code == 0);
  CHECK(cli_timeline(f.db, "bob") == bob_home);
  CHECK(cli_timeline(f.db, "carol") == carol_home);
  auto core = open_core(f.db);
  CHECK(must(core.users().find("alice")).followers_count == 2);
  CHECK(must(core.users().find("bob")).likes_count == 2);
  CHECK(must(core.users().find("bob")).tweets_count == 1);
  CHECK(must(core.tweets().get(f.a1, f.bob)).like_count == 2);
  CHECK(must(core.tweets().get(f.a2, f.bob)).retweet_count == 1);
  CHECK(sqlite3(f.db, "SELECT count(*) FROM likes") == "3");
}

TEST_CASE("chirp check finds follows a block stands between and --repair ends them") {
  TempDir dir;
  Fixture f(dir / "chirp.db");
  const std::string alice = std::to_string(f.alice);
  const std::string bob = std::to_string(f.bob);
  // Alice and bob follow each other; a block written behind chirp's back leaves both.
  sqlite3(f.db, "INSERT INTO blocks(blocker, blocked, created_at) VALUES (" + alice + ", " + bob +
                    ", 0); UPDATE users SET hides_version = 1 WHERE id IN (" + alice + ", " + bob + ")");

  auto r = chirp_on(f.db, {"check"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("2 blocked_follow") != std::string::npos);
  auto problems = check_problems(f.db);
  INFO("problems: " << json(problems).dump(2));
  auto bob_follows = find_problem(problems, "blocked_follow", f.bob);
  REQUIRE_FALSE(bob_follows.is_null());
  CHECK(bob_follows["table"] == "follows");
  CHECK(bob_follows["ref"] == alice);
  CHECK(bob_follows["message"].get<std::string>().find("@alice (" + alice + ") blocks @bob (" + bob + ")") !=
        std::string::npos);
  CHECK_FALSE(find_problem(problems, "blocked_follow", f.alice).is_null());

  r = chirp_on(f.db, {"check", "--repair"});
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no problems remain") != std::string::npos);
  CHECK(chirp_on(f.db, {"check"}).exit_code == 0);
  // The follows ended both ways, with their counters and inboxes; the block stays.
  CHECK(sqlite3(f.db, "SELECT count(*) FROM follows WHERE follower IN (" + alice + ", " + bob +
                          ") AND followee IN (" + alice + ", " + bob + ")") == "0");
  auto core = open_core(f.db);
  CHECK(core.blocks().is_blocking(f.alice, f.bob));
  CHECK(must(core.users().find("alice")).followers_count == 1);
  CHECK(must(core.users().find("alice")).following_count == 0);
  CHECK(must(core.users().find("bob")).following_count == 1);
  CHECK(sqlite3(f.db, "SELECT count(*) FROM timeline WHERE reader = " + bob + " AND tweet IN (" +
                          std::to_string(f.a1) + ", " + std::to_string(f.a2) + ", " +
                          std::to_string(f.a3) + ")") == "0");
  CHECK(cli_timeline(f.db, "bob") == std::vector<Id>{f.reply, f.c1});
}

TEST_CASE("chirp::Maintenance repair reports what it did to blocks, mutes and notifications") {
  TestDb t;
  Id alice = t.user("alice");
  Id bob = t.user("bob");
  Id carol = t.user("carol");
  must_ok(t.core.graph().follow(bob, alice));
  must_ok(t.core.graph().follow(alice, bob));
  t.post(alice, "one");
  t.core.fanout().drain();
  auto db = t.dir / "chirp.db";
  const std::string a = std::to_string(alice), b = std::to_string(bob), c = std::to_string(carol);
  // A block with stamps left at 0, a self-mute, a notification of a missing tweet.
  sqlite3(db, "INSERT INTO blocks(blocker, blocked, created_at) VALUES (" + a + ", " + b + ", 0); "
              "INSERT INTO mutes(muter, muted, created_at) VALUES (" + c + ", " + c + ", 0); "
              "INSERT INTO notifications(recipient, kind, actor, tweet, created_at) VALUES (" + b +
              ", 'like', " + c + ", 777, 0)");

  auto report = t.core.maintenance().check();
  CHECK(report.blocks == 1);
  CHECK(report.mutes == 1);
  CHECK(report.notifications == 3);  // two follows, and the stale one
  CHECK(report.count(ProblemKind::blocked_follow) == 2);
  CHECK(report.count(ProblemKind::self_relation) == 1);
  CHECK(report.count(ProblemKind::cache_stamp) == 3);
  CHECK(report.count(ProblemKind::notification_stale) == 1);
  CHECK(report.count(ProblemKind::foreign_key) == 0);  // the notification's is stale, once
  CHECK(std::string(problem_kind_name(ProblemKind::notification_stale)) == "notification_stale");

  auto repaired = must(t.core.maintenance().repair());
  CHECK(repaired.relations_deleted == 3);
  CHECK(repaired.notifications_deleted == 1);
  CHECK(repaired.stamps_fixed == 2);  // carol's moved when her self-mute went
  CHECK(repaired.dangling_deleted == 0);
  CHECK(repaired.counters_fixed == 4);
  CHECK(repaired.after.clean());
  CHECK(t.home_ids(bob).empty());
  check_error(t.core.graph().follow(bob, alice), Code::forbidden);
}

TEST_CASE("chirp::Maintenance check and repair report what they found and did") {
  TestDb t;
  Id alice = t.user("alice");
  Id bob = t.user("bob");
  must_ok(t.core.graph().follow(bob, alice));
  Id a1 = t.post(alice, "one");
  Id a2 = t.post(alice, "two");
  t.core.fanout().drain();
  auto db = t.dir / "chirp.db";
  sqlite3(db, "UPDATE users SET followers_count = 5 WHERE id = " + std::to_string(alice) +
                  "; DELETE FROM timeline WHERE tweet = " + std::to_string(a2));
  CHECK(home(t.core, bob) == std::vector{a1});

  auto report = t.core.maintenance().check();
  CHECK(report.integrity_ok);
  CHECK(report.problem_count == 2);
  CHECK(report.count(ProblemKind::counter) == 1);
  CHECK(report.count(ProblemKind::inbox_missing) == 1);
  CHECK(report.users == 2);
  CHECK(report.tweets == 2);
  CHECK(report.inbox_rows == 1);
  REQUIRE(report.problems.size() == 2);
  const auto& counter = report.problems[0];
  CHECK(counter.kind == ProblemKind::counter);
  CHECK(counter.table == "users");
  CHECK(counter.column == "followers_count");
  CHECK(counter.id == alice);
  CHECK(counter.expected == 1);
  CHECK(counter.found == 5);
  CHECK(counter.message.find("@alice") != std::string::npos);
  const auto& gap = report.problems[1];
  CHECK(gap.kind == ProblemKind::inbox_missing);
  CHECK(gap.table == "timeline");
  CHECK(gap.id == bob);
  CHECK(gap.ref == a2);
  CHECK(gap.expected == 2);
  CHECK(gap.found == 1);

  auto repaired = must(t.core.maintenance().repair());
  CHECK(repaired.before.problem_count == 2);
  CHECK(repaired.counters_fixed == 1);
  CHECK(repaired.inboxes_rebuilt == 1);
  CHECK(repaired.inbox_rows_deleted == 0);
  CHECK(repaired.dangling_deleted == 0);
  CHECK(repaired.after.clean());
  CHECK(home(t.core, bob) == std::vector{a2, a1});
  CHECK(must(t.core.users().find("alice")).followers_count == 1);
}

TEST_CASE("chirp check on a damaged file reports the damage and repair refuses it") {
  TempDir dir;
  Fixture f(dir / "chirp.db");
  {
    // Enough pages that the middle one is a table's or an index's, in a file with no
    // -wal beside it (a backup): the bytes on disk are all there is.
    auto core = open_core(f.db);
    Id u = must(core.users().find("dave")).id;
    for (int i = 0; i < 300; ++i) {
      must(core.tweets().post(u, {.text = "padding the file, tweet " + std::to_string(i)}));
    }
    must(core.maintenance().backup(dir / "copy.db"));
  }
  auto copy = dir / "copy.db";
  // The backup copies pages as they are, free ones too (FTS5's segment merges free
  // some, how many depends on the time-based ids): compact it so every page is used.
  sqlite3(copy, "VACUUM");
  REQUIRE(sqlite3(copy, "PRAGMA freelist_count") == "0");
  auto pages = std::stoll(sqlite3(copy, "PRAGMA page_count"));
  auto page_size = std::stoll(sqlite3(copy, "PRAGMA page_size"));
  REQUIRE(pages > 20);
  // A page of the tweets table from the middle of the file: not the schema's, which
  // would stop the database from opening at all rather than fail its check.
  auto page = std::stoll(sqlite3(copy,
                                 "SELECT pageno FROM dbstat WHERE name = 'tweets' "
                                 "ORDER BY abs(pageno - " + std::to_string(pages / 2) + ") LIMIT 1"));
  smash_page(copy, page, page_size);

  auto r = chirp_on(copy, {"check"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("integrity_check") != std::string::npos);
  CHECK(r.out.find("damaged") != std::string::npos);
  CHECK(r.err.find("restore a backup") != std::string::npos);

  auto problems = check_problems(copy);
  REQUIRE_FALSE(problems.empty());
  for (const auto& p : problems) CHECK(p["kind"] == "integrity");

  r = chirp_on(copy, {"check", "--repair"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("damaged") != std::string::npos);

  // The original never was touched.
  CHECK(chirp_on(f.db, {"check"}).exit_code == 0);
}
