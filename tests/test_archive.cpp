// Export and import: JSONL round trips byte for byte, imports are idempotent and leave
// a database `chirp check` finds sound, bad lines are refused by number with nothing of
// their batch written; edge lists. Through the core API and the `chirp` binary.
#include "support.hpp"
#include "unit_support.hpp"

#include <chirp/core.hpp>
#include <chirp/settings.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace chirp;
using namespace chirp::test;
using nlohmann::json;

namespace {

std::string archive_export_of(Core& core, const ExportOptions& options = {}) {
  std::ostringstream out;
  core.archive().export_jsonl(out, options);
  return out.str();
}

ImportReport archive_import_into(Core& core, const std::string& text, ImportOptions options = {}) {
  std::istringstream in(text);
  auto report = must(core.archive().import_jsonl(in, options));
  core.fanout().drain();
  return report;
}

void archive_require_clean(Core& core) {
  auto report = core.maintenance().check();
  std::string problems;
  for (const auto& p : report.problems) problems += p.message + "\n";
  INFO(problems);
  REQUIRE(report.clean());
}

/// A database with every kind of row: names, bios, a password, follows, tweets with
/// media, replies (one to a tweet deleted later), retweets (one of a deleted tweet,
/// one undone), likes (one of a deleted tweet) and deletes.
struct ArchiveRichDb : TestDb {
  Id alice = 0, bob = 0, carol = 0, dave = 0;
  Id hello = 0, reply = 0, gone = 0, reply_to_gone = 0;

  ArchiveRichDb() {
    alice = must(core.users().create({.handle = "alice", .name = "Alice Ä", .bio = "first \"quoted\"",
                                      .password = std::string("correct horse")})).id;
    bob = user("bob");
    carol = user("carol");
    dave = user("dave");
    must_ok(core.graph().follow(bob, alice));
    must_ok(core.graph().follow(carol, alice));
    must_ok(core.graph().follow(carol, bob));
    must_ok(core.graph().follow(dave, carol));
    clock->advance_ms(10);
    hello = must(core.tweets().post(alice, {.text = "hello, world 🌍\nsecond line",
                                            .media_urls = {"https://example.com/a.png"}})).id;
    clock->advance_ms(10);
    reply = must(core.tweets().post(bob, {.text = "hi @alice", .reply_to = hello})).id;
    clock->advance_ms(10);
    gone = post(alice, "soon deleted");
    clock->advance_ms(10);
    reply_to_gone = must(core.tweets().post(carol, {.text = "replying to what goes", .reply_to = gone})).id;
    must(core.tweets().retweet(carol, hello));
    must(core.tweets().retweet(bob, gone));
    must(core.tweets().retweet(dave, reply));
    must_ok(core.tweets().unretweet(dave, reply));
    must(core.tweets().like(carol, hello));
    must(core.tweets().like(dave, hello));
    must(core.tweets().like(bob, gone));
    must(core.tweets().like(carol, reply));
    must(core.tweets().unlike(carol, reply));
    clock->advance_ms(10);
    must_ok(core.tweets().remove(alice, gone));
    post(dave, "last word");
    core.fanout().drain();
  }
};

/// A second database whose clock is where SOURCE's is, so no imported time is ahead.
struct ArchiveEmptyDb : TestDb {
  explicit ArchiveEmptyDb(const TestDb& source) { clock->set_ms(source.clock->now_ms() + 1000); }
};

fs::path archive_write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string archive_describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

}  // namespace

TEST_CASE("chirp::Archive round trip") {
  ArchiveRichDb source;
  archive_require_clean(source.core);
  std::string first = archive_export_of(source.core);

  SUBCASE("the format: a header, then users, follows, tweets and likes in key order") {
    std::istringstream in(first);
    std::vector<json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    REQUIRE(lines.size() == 1 + 4 + 4 + 8 + 3);
    CHECK(lines[0] == json{{"type", "chirp_export"}, {"version", 2}});
    CHECK(lines[1]["type"] == "user");
    CHECK(lines[1]["handle"] == "alice");
    CHECK(lines[1]["name"] == "Alice Ä");
    CHECK(lines[1]["password_hash"].get<std::string>().starts_with("$argon2id$"));
    CHECK_FALSE(lines[2].contains("password_hash"));
    CHECK(lines[5]["type"] == "follow");
    CHECK(lines[9]["type"] == "tweet");
    CHECK(lines[9]["media"] == json{"https://example.com/a.png"});
    CHECK(lines[17]["type"] == "like");
    // The deleted tweet is a tombstone: its text stays behind.
    bool tombstone = false;
    for (const auto& line : lines) {
      if (line.value("id", "") == std::to_string(source.gone)) {
        tombstone = line.contains("deleted_at") && !line.contains("text");
      }
    }
    CHECK(tombstone);
    CHECK(first.find("soon deleted") == std::string::npos);
  }

  SUBCASE("export, import into an empty database, export: the same bytes") {
    ArchiveEmptyDb target(source);
    auto report = archive_import_into(target.core, first);
    CHECK(report.added.users == 4);
    CHECK(report.added.follows == 4);
    CHECK(report.added.tweets == 8);
    CHECK(report.added.likes == 3);
    CHECK(report.present.total() == 0);
    CHECK(archive_export_of(target.core) == first);
    archive_require_clean(target.core);
    // Counters, timelines and logins as in the source.
    for (Id id : {source.alice, source.bob, source.carol, source.dave}) {
      auto a = must(source.core.users().by_id(id));
      auto b = must(target.core.users().by_id(id));
      CHECK(a.handle == b.handle);
      CHECK(a.followers_count == b.followers_count);
      CHECK(a.following_count == b.following_count);
      CHECK(a.tweets_count == b.tweets_count);
      CHECK(a.likes_count == b.likes_count);
      CHECK(source.home_ids(id) == target.home_ids(id));
    }
    auto hello = must(target.core.tweets().get(source.hello));
    CHECK(hello.like_count == 2);
    CHECK(hello.retweet_count == 1);
    CHECK(hello.reply_count == 1);
    must(target.core.auth().check_password("alice", "correct horse"));

    SUBCASE("a second import adds nothing") {
      auto again = archive_import_into(target.core, first);
      CHECK(again.added.total() == 0);
      CHECK(again.present.total() == 19);
      CHECK(archive_export_of(target.core) == first);
      archive_require_clean(target.core);
    }
  }

  SUBCASE("small batches give the same database") {
    ArchiveEmptyDb target(source);
    auto report = archive_import_into(target.core, first, {.batch_lines = 3});
    CHECK(report.batches == 7);
    CHECK(archive_export_of(target.core) == first);
    archive_require_clean(target.core);
  }

  SUBCASE("without password hashes") {
    std::string bare = archive_export_of(source.core, {.password_hashes = false});
    CHECK(bare.find("password_hash") == std::string::npos);
    ArchiveEmptyDb target(source);
    archive_import_into(target.core, bare);
    CHECK_FALSE(target.core.auth().check_password("alice", "correct horse").has_value());
  }

  SUBCASE("a later export imports on top: new follows of authors with tweets are back-filled") {
    ArchiveEmptyDb target(source);
    archive_import_into(target.core, first);
    // In the source: a follow of someone whose tweets were fanned out long ago, a like,
    // a new tweet.
    must_ok(source.core.graph().follow(source.dave, source.alice));
    must_ok(source.core.graph().follow(source.alice, source.carol));
    must(source.core.tweets().like(source.dave, source.reply));
    source.post(source.carol, "news");
    source.core.fanout().drain();
    std::string second = archive_export_of(source.core);
    target.clock->set_ms(source.clock->now_ms() + 1000);
    auto report = archive_import_into(target.core, second);
    CHECK(report.added.follows == 2);
    CHECK(report.added.tweets == 1);
    CHECK(report.added.likes == 1);
    CHECK(report.added.users == 0);
    archive_require_clean(target.core);
    CHECK(archive_export_of(target.core) == second);
    CHECK(contains(target.home_ids(source.dave), source.hello));
    CHECK(source.home_ids(source.dave) == target.home_ids(source.dave));
  }
}

TEST_CASE("chirp::Archive refusals") {
  ArchiveRichDb source;
  std::string good = archive_export_of(source.core);
  ArchiveEmptyDb target(source);
  Id existing = target.user("zed");
  std::string before = archive_export_of(target.core);
  std::string user_line = R"({"type":"user","id":"5","handle":"eve","name":"","bio":"","created_at":1})";

  auto refuse = [&](const std::string& text, const std::string& expected) {
    std::istringstream in(text);
    auto result = target.core.archive().import_jsonl(in);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find(expected) != std::string::npos);
    INFO(result.error().message);
    CHECK(archive_export_of(target.core) == before);
    return result.error().message;
  };

  SUBCASE("each bad line names its line; nothing of the batch is written") {
    std::string prefix = good;  // 20 valid lines first, in the same batch
    CHECK(refuse(prefix + "{\"type\":\"user\",\n", "line 21: not valid JSON").find("nothing was imported") != std::string::npos);
    refuse(prefix + "[1,2]\n", "line 21: not a JSON object");
    refuse(prefix + R"({"type":"poll","id":"1"})" "\n", "line 21: unknown type 'poll'");
    refuse(prefix + R"({"type":"user","id":"5","name":"","bio":"","created_at":1})" "\n",
           "line 21: a user needs the field 'handle'");
    refuse(prefix + R"({"type":"follow","follower":"5","followee":"6","created_at":1,"since":2})" "\n",
           "line 21: unknown field 'since'");
    refuse(prefix + R"({"type":"follow","follower":")" + std::to_string(source.alice) +
               R"(","followee":"424242","created_at":1})" "\n",
           "line 21: a follow names user 424242, which neither the database nor an earlier line holds");
    refuse(prefix + "{\"type\":\"user\",\"id\":\"5\",\"handle\":\"eve\",\"name\":\"\xff\xfe\",\"bio\":\"\",\"created_at\":1}\n",
           "line 21: invalid UTF-8");
    std::string long_text(281, 'x');
    refuse(prefix + R"({"type":"tweet","id":"9","author":")" + std::to_string(source.alice) +
               R"(","created_at":1,"text":")" + long_text + "\"}\n",
           "line 21: ");
    refuse(prefix + R"({"type":"tweet","id":"9","author":")" + std::to_string(source.alice) +
               R"(","created_at":1,"text":"x","reply_to":"77"})" "\n",
           "line 21: tweet 9 replies to tweet 77, which neither");
    refuse(user_line + "\n" + R"({"type":"user","id":"6","handle":"zed","name":"","bio":"","created_at":1})" "\n",
           "line 2: the handle 'zed' is taken");
    refuse(prefix + R"({"type":"like","liker":"5","tweet":"1","created_at":99999999999999})" "\n",
           "in the future");
    refuse(R"({"type":"chirp_export","version":3})" "\n", "line 1: export format version 3");
    refuse(R"({"type":"chirp_export","version":0})" "\n", "line 1: export format version 0");
  }

  SUBCASE("a later batch's bad line leaves the batches before it") {
    std::string text = user_line + "\n" +
                       R"({"type":"user","id":"6","handle":"eve2","name":"","bio":"","created_at":1})" "\n" +
                       R"({"type":"user","id":"7","handle":"eve3","name":"","bio":"","created_at":1})" "\n" +
                       "oops\n";
    std::istringstream in(text);
    auto result = target.core.archive().import_jsonl(in, {.batch_lines = 2});
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("line 4: not valid JSON") != std::string::npos);
    CHECK(result.error().message.find("lines 1-2 were") != std::string::npos);
    CHECK(target.core.users().find("eve").has_value());
    CHECK(target.core.users().find("eve2").has_value());
    CHECK_FALSE(target.core.users().find("eve3").has_value());
  }
  CHECK(must(target.core.users().by_id(existing)).handle == "zed");
}

namespace {

/// ArchiveRichDb with blocks and mutes: carol blocks bob (which ended carol's follow of
/// bob), bob mutes carol, dave mutes alice.
struct ArchiveBlocksDb : ArchiveRichDb {
  ArchiveBlocksDb() {
    clock->advance_ms(10);
    must_ok(core.blocks().block(carol, bob));
    clock->advance_ms(10);
    must_ok(core.blocks().mute(bob, carol));
    must_ok(core.blocks().mute(dave, alice));
    core.fanout().drain();
  }
};

/// TEXT's lines.
std::vector<std::string> archive_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("chirp::Archive blocks and mutes") {
  ArchiveBlocksDb source;
  archive_require_clean(source.core);
  REQUIRE_FALSE(source.core.graph().is_following(source.carol, source.bob));
  std::string first = archive_export_of(source.core);
  auto lines = archive_lines(first);
  const std::string carol = std::to_string(source.carol);
  const std::string bob = std::to_string(source.bob);

  SUBCASE("the format: blocks and mutes after the users, before the follows, with their times") {
    REQUIRE(lines.size() == 1 + 4 + 1 + 2 + 3 + 8 + 3);
    CHECK(json::parse(lines[0]) == json{{"type", "chirp_export"}, {"version", 2}});
    auto block = json::parse(lines[5]);
    CHECK(block["type"] == "block");
    CHECK(block["blocker"] == carol);
    CHECK(block["blocked"] == bob);
    CHECK(block["created_at"].get<std::int64_t>() ==
          std::stoll(sqlite3(source.dir / "chirp.db", "SELECT created_at FROM blocks")));
    CHECK(block.size() == 4);
    auto mute = json::parse(lines[6]);
    CHECK(mute["type"] == "mute");
    CHECK(json::parse(lines[7])["type"] == "mute");
    CHECK(mute.size() == 4);
    // Key order: bob < dave (user ids grow with time).
    CHECK(mute["muter"] == bob);
    CHECK(mute["muted"] == carol);
    CHECK(json::parse(lines[8])["type"] == "follow");
    // Notifications (there are some) are not exported.
    REQUIRE(sqlite3(source.dir / "chirp.db", "SELECT count(*) FROM notifications") != "0");
    CHECK(first.find("notification") == std::string::npos);
  }

  SUBCASE("into an empty database: the same relations, applied, and the same bytes back") {
    ArchiveEmptyDb target(source);
    auto report = archive_import_into(target.core, first);
    CHECK(report.added.blocks == 1);
    CHECK(report.added.mutes == 2);
    CHECK(report.added.follows == 3);
    CHECK(archive_export_of(target.core) == first);
    // Clean: the stamps that make reads apply a block or mute moved too.
    archive_require_clean(target.core);
    CHECK(target.core.blocks().is_blocking(source.carol, source.bob));
    CHECK(target.core.blocks().is_muting(source.bob, source.carol));
    CHECK(target.core.blocks().is_muting(source.dave, source.alice));
    check_error(target.core.graph().follow(source.bob, source.carol), Code::forbidden);
    for (Id id : {source.alice, source.bob, source.carol, source.dave}) {
      CHECK(source.home_ids(id) == target.home_ids(id));
    }

    SUBCASE("a second import adds nothing") {
      auto again = archive_import_into(target.core, first);
      CHECK(again.added.total() == 0);
      CHECK(again.present.blocks == 1);
      CHECK(again.present.mutes == 2);
      CHECK(archive_export_of(target.core) == first);
    }
  }

  SUBCASE("a block in a later export ends the follows in the database imported into") {
    ArchiveEmptyDb target(source);
    archive_import_into(target.core, first);
    REQUIRE(target.core.graph().is_following(source.carol, source.alice));
    must_ok(source.core.blocks().block(source.alice, source.carol));
    std::string second = archive_export_of(source.core);
    target.clock->set_ms(source.clock->now_ms() + 1000);
    auto report = archive_import_into(target.core, second);
    CHECK(report.added.blocks == 1);
    CHECK_FALSE(target.core.graph().is_following(source.carol, source.alice));
    CHECK(must(target.core.users().by_id(source.alice)).followers_count == 1);
    CHECK(target.home_ids(source.carol) == source.home_ids(source.carol));
    CHECK(archive_export_of(target.core) == second);
    archive_require_clean(target.core);
  }

  SUBCASE("a follow a block forbids is a bad line: nothing of its batch is written") {
    ArchiveEmptyDb target(source);
    std::string before = archive_export_of(target.core);
    std::string follow = R"({"type":"follow","follower":")" + carol + R"(","followee":")" + bob +
                         R"(","created_at":1})";
    std::string text = first + follow + "\n";
    std::istringstream in(text);
    auto result = target.core.archive().import_jsonl(in);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == Code::invalid);
    INFO(result.error().message);
    CHECK(result.error().message.find("line " + std::to_string(lines.size() + 1) + ": user " +
                                      carol + " follows user " + bob +
                                      ", but a block stands between them") != std::string::npos);
    CHECK(archive_export_of(target.core) == before);
    // The other way round too, and against a block the database already holds.
    archive_import_into(target.core, first);
    std::string back = R"({"type":"follow","follower":")" + bob + R"(","followee":")" + carol +
                       R"(","created_at":1})";
    std::istringstream in2(back + "\n");
    auto again = target.core.archive().import_jsonl(in2);
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().message.find("line 1: user " + bob + " follows user " + carol) !=
          std::string::npos);
  }

  SUBCASE("a block on a later line ends a follow of an earlier one, as chirp block does") {
    // Written by hand: exports put blocks first. Lines 0-4 are the header and users.
    std::vector<std::string> text(lines.begin(), lines.begin() + 5);
    text.push_back(R"({"type":"follow","follower":")" + carol + R"(","followee":")" + bob +
                   R"(","created_at":1})");
    for (std::size_t i = 8; i < lines.size(); ++i) text.push_back(lines[i]);  // follows, tweets, likes
    text.push_back(lines[5]);  // carol blocks bob
    std::string joined;
    for (const auto& line : text) joined += line + "\n";
    ArchiveEmptyDb target(source);
    auto report = archive_import_into(target.core, joined);
    CHECK(report.added.blocks == 1);
    CHECK_FALSE(target.core.graph().is_following(source.carol, source.bob));
    CHECK(must(target.core.users().by_id(source.bob)).followers_count == 0);
    // Nothing of bob's was back-filled into carol's timeline for the follow that ended.
    archive_require_clean(target.core);
    CHECK(target.home_ids(source.carol) == source.home_ids(source.carol));
  }

  SUBCASE("bad block and mute lines") {
    ArchiveEmptyDb target(source);
    auto refuse = [&](const std::string& line, const std::string& expected) {
      std::istringstream in(first + line + "\n");
      auto result = target.core.archive().import_jsonl(in);
      REQUIRE_FALSE(result.has_value());
      INFO(result.error().message);
      CHECK(result.error().message.find(expected) != std::string::npos);
    };
    std::string at = "line " + std::to_string(lines.size() + 1) + ": ";
    refuse(R"({"type":"block","blocker":")" + bob + R"(","blocked":")" + bob + R"(","created_at":1})",
           at + "user " + bob + " blocks themselves");
    refuse(R"({"type":"mute","muter":")" + bob + R"(","muted":")" + bob + R"(","created_at":1})",
           at + "user " + bob + " mutes themselves");
    refuse(R"({"type":"block","blocker":")" + bob + R"(","blocked":"424242","created_at":1})",
           at + "a block names user 424242, which neither the database nor an earlier line holds");
    refuse(R"({"type":"mute","muter":"424242","muted":")" + bob + R"(","created_at":1})",
           at + "a mute names user 424242");
    refuse(R"({"type":"mute","muter":")" + bob + R"(","muted":")" + carol + R"("})",
           at + "a mute needs the field 'created_at'");
    refuse(R"({"type":"block","blocker":")" + bob + R"(","blocked":")" + carol +
               R"(","created_at":1,"reason":"spam"})",
           at + "unknown field 'reason' in a block");
    CHECK(must(target.core.users().list({})).items.empty());
  }
}

TEST_CASE("chirp::Archive reads a version 1 export (before blocks and mutes)") {
  ArchiveRichDb source;
  std::string current = archive_export_of(source.core);
  std::string header2 = R"({"type":"chirp_export","version":2})";
  REQUIRE(current.starts_with(header2 + "\n"));
  std::string old = R"({"type":"chirp_export","version":1})" + current.substr(header2.size());
  ArchiveEmptyDb target(source);
  auto report = archive_import_into(target.core, old);
  CHECK(report.added.users == 4);
  CHECK(report.added.tweets == 8);
  CHECK(report.added.blocks == 0);
  CHECK(archive_export_of(target.core) == current);
  archive_require_clean(target.core);
}

TEST_CASE("chirp export and import with blocks: the CLI names them") {
  TempDir dir;
  auto a = dir / "a.db";
  auto b = dir / "b.db";
  auto run = [&](const fs::path& db, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db.string()});
    return run_chirp(args);
  };
  for (const char* handle : {"alice", "bob", "carol"}) REQUIRE(run(a, {"user", "add", handle}).exit_code == 0);
  REQUIRE(run(a, {"--as", "bob", "follow", "alice"}).exit_code == 0);
  REQUIRE(run(a, {"--as", "alice", "block", "carol"}).exit_code == 0);
  REQUIRE(run(a, {"--as", "bob", "mute", "carol"}).exit_code == 0);
  REQUIRE(run(a, {"--as", "alice", "mute", "bob"}).exit_code == 0);
  auto path = (dir / "a.jsonl").string();
  auto exported = run(a, {"export", path});
  INFO(archive_describe(exported));
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.err.find("exported 3 users, 1 follow, 0 tweets, 0 likes, 1 block, 2 mutes to") !=
        std::string::npos);
  auto imported = run(b, {"--format", "json", "import", path});
  INFO(archive_describe(imported));
  REQUIRE(imported.exit_code == 0);
  auto record = json::parse(imported.out);
  CHECK(record["blocks_added"] == 1);
  CHECK(record["mutes_added"] == 2);
  CHECK(record["blocks_present"] == 0);
  CHECK(run(b, {"check"}).exit_code == 0);
  auto blocked = run(b, {"--as", "alice", "--format", "jsonl", "blocks"});
  CHECK(blocked.out.find("carol") != std::string::npos);
  CHECK(run(b, {"--as", "carol", "follow", "alice"}).exit_code == 1);
  CHECK(run(b, {"export"}).out == file_bytes(path));
}

TEST_CASE("chirp::Archive edge lists") {
  TestDb db;
  Id u3 = db.user("u3");  // an existing user is number 3
  std::string edges =
      "# Directed graph: a SNAP-style header\n"
      "# FromNodeId\tToNodeId\n"
      "1\t2\n"
      "1 3\n"
      "\n"
      "2\t3\n"
      "3 1\n"
      "003 001\n"  // the same edge: leading zeros do not make another user
      "4 4\n";
  std::istringstream in(edges);
  auto report = must(db.core.archive().import_edges(in));
  CHECK(report.lines == 9);
  CHECK(report.added.users == 2);  // u1 and u2: "4 4" is skipped before making anyone
  CHECK(report.added.follows == 4);
  CHECK(report.present.follows == 1);
  CHECK(report.self_follows == 1);
  auto u1 = must(db.core.users().find("u1"));
  CHECK(u1.following_count == 2);
  CHECK(u1.followers_count == 1);
  CHECK(must(db.core.users().by_id(u3)).followers_count == 2);
  archive_require_clean(db.core);

  std::istringstream again(edges);
  auto second = must(db.core.archive().import_edges(again));
  CHECK(second.added.total() == 0);
  CHECK(second.present.follows == 5);

  std::istringstream bad("1 2\n1 two\n");
  auto refused = db.core.archive().import_edges(bad);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("line 2: expected two user numbers") != std::string::npos);
  std::istringstream wide("123456789012345 1\n");
  CHECK_FALSE(db.core.archive().import_edges(wide).has_value());
}

TEST_CASE("chirp export and chirp import") {
  TempDir dir;
  auto a = dir / "a.db";
  auto b = dir / "b.db";
  auto run = [&](const fs::path& db, std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {"--db", db.string()});
    return run_chirp(args, {}, stdin_text);
  };
  REQUIRE(run(a, {"user", "add", "alice"}).exit_code == 0);
  REQUIRE(run(a, {"user", "add", "bob"}).exit_code == 0);
  REQUIRE(run(a, {"--as", "bob", "follow", "alice"}).exit_code == 0);
  auto posted = run(a, {"--as", "alice", "--format", "json", "post", "hello"});
  REQUIRE(posted.exit_code == 0);
  std::string hello = json::parse(posted.out)["id"];
  REQUIRE(run(a, {"--as", "bob", "like", hello}).exit_code == 0);
  REQUIRE(run(a, {"--as", "bob", "retweet", hello}).exit_code == 0);
  REQUIRE(run(a, {"--as", "bob", "reply", hello, "hi"}).exit_code == 0);

  auto exported = run(a, {"export"});
  INFO(archive_describe(exported));
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.err.find("exported 2 users, 1 follow, 3 tweets, 1 like to stdout") != std::string::npos);

  SUBCASE("to a file (0600), imported from a file and from stdin, exported the same") {
    REQUIRE(run(a, {"export", (dir / "a.jsonl").string()}).exit_code == 0);
    CHECK(file_bytes(dir / "a.jsonl") == exported.out);
    CHECK((fs::status(dir / "a.jsonl").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    auto imported = run(b, {"import", (dir / "a.jsonl").string()});
    INFO(archive_describe(imported));
    REQUIRE(imported.exit_code == 0);
    CHECK(imported.out.find("imported 2 users, 1 follow, 3 tweets, 1 like from 8 lines in 1 batch") != std::string::npos);
    auto again = run(b, {"--format", "json", "import", "-"}, exported.out);
    REQUIRE(again.exit_code == 0);
    auto record = json::parse(again.out);
    CHECK(record["tweets_added"] == 0);
    CHECK(record["tweets_present"] == 3);
    CHECK(run(b, {"check"}).exit_code == 0);
    CHECK(run(b, {"export", "-"}).out == exported.out);
    // Off a terminal, no progress bar.
    CHECK(imported.err.find("importing") == std::string::npos);
  }

  SUBCASE("a bad line: exit 1, its number, the database unchanged") {
    REQUIRE(run(b, {"user", "add", "zed"}).exit_code == 0);
    std::string before = run(b, {"export"}).out;
    auto bad = archive_write_file(dir, "bad.jsonl", exported.out + "{\"type\":\"tweet\"}\n");
    auto r = run(b, {"import", bad.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("chirp: error: line 9: a tweet needs the field 'id'") != std::string::npos);
    CHECK(run(b, {"export"}).out == before);
    CHECK(run(b, {"import", (dir / "missing.jsonl").string()}).exit_code == 1);
  }

  SUBCASE("a progress bar on stderr when it is a terminal") {
    // script(1) runs the import on a pseudo-terminal.
    auto file = archive_write_file(dir, "a.jsonl", exported.out);
    std::string command = std::string(CHIRP_BINARY) + " --db " + b.string() + " import " + file.string();
    std::string out;
    {
      std::string shell = "script -qec '" + command + "' /dev/null 2>&1";
      FILE* pipe = ::popen(shell.c_str(), "r");
      REQUIRE(pipe != nullptr);
      char buffer[4096];
      for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
      CHECK(::pclose(pipe) == 0);
    }
    INFO(out);
    CHECK(out.find("importing [##############################] 100% 8 lines") != std::string::npos);
    CHECK(out.find("imported 2 users") != std::string::npos);
  }

  SUBCASE("an edge list in one command") {
    auto edges = archive_write_file(dir, "edges.txt", "# SNAP\n10 20\n20 10\n30 10\n");
    auto r = run(b, {"import", "--edges", edges.string()});
    INFO(archive_describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("imported 3 users, 3 follows") != std::string::npos);
    auto followers = run(b, {"--format", "jsonl", "followers", "u10"});
    CHECK(followers.out.find("\"u20\"") != std::string::npos);
    CHECK(followers.out.find("\"u30\"") != std::string::npos);
    CHECK(run(b, {"check"}).exit_code == 0);
  }
}
