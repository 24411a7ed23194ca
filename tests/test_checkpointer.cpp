// The background checkpointer: what it copies back lets the WAL start over, so that a
// writer that never checkpoints itself does not grow the log; its restarts bound it
// under steady writes; nothing committed is lost on the way.

#include "support.hpp"

#include <chirp/checkpointer.hpp>
#include <chirp/core.hpp>
#include <chirp/error.hpp>

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

using chirp::Checkpointer;
using chirp::Core;
using chirp::Id;
using chirp::test::TempDir;
using chirp::test::must;

namespace {

std::uintmax_t wal_bytes(const std::filesystem::path& db) {
  std::error_code ec;
  auto size = std::filesystem::file_size(db.string() + "-wal", ec);
  return ec ? 0 : size;
}

void post_some(Core& core, Id author, int n, int& posted) {
  for (int i = 0; i < n; ++i, ++posted) {
    must(core.tweets().post(author, {.text = "tweet number " + std::to_string(posted) + " " +
                                             std::string(200, 'x')}));
  }
}

/// Waits (up to 10 s) until CHECKPOINTER has run two more rounds.
bool two_more_rounds(const Checkpointer& checkpointer) {
  auto rounds = checkpointer.stats().rounds;
  for (int i = 0; i < 2000; ++i) {
    if (checkpointer.stats().rounds >= rounds + 2) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("Checkpointer: the WAL starts over after its rounds, though the writer never checkpoints") {
  for (bool with_checkpointer : {false, true}) {
    CAPTURE(with_checkpointer);
    TempDir dir;
    auto db = dir / "chirp.db";
    auto core = Core::open({.path = db, .autocheckpoint_pages = 0});
    Id author = must(core.users().create({.handle = "writer"})).id;
    int posted = 0;
    std::optional<Checkpointer> checkpointer;
    if (with_checkpointer) {
      checkpointer.emplace(Checkpointer::Options{.path = db, .interval = std::chrono::milliseconds(2)});
    }
    post_some(core, author, 200, posted);
    auto after_first = wal_bytes(db);
    CHECK(after_first > 200 * 4096);  // each post commits at least a page
    if (checkpointer) {
      REQUIRE(two_more_rounds(*checkpointer));  // everything committed is copied back
    }
    post_some(core, author, 100, posted);
    if (with_checkpointer) {
      // Written over the start of the log: the file did not grow.
      CHECK(wal_bytes(db) == after_first);
      auto stats = checkpointer->stats();
      CHECK(stats.last_error.empty());
      CHECK(stats.largest_wal_pages >= 200);
    } else {
      CHECK(wal_bytes(db) > after_first);  // the control: appended
    }
    checkpointer.reset();
    // Every post is there, read through a new connection.
    auto reader = Core::open({.path = db});
    CHECK(must(reader.users().find("writer")).tweets_count == 300);
    auto page = must(reader.timelines().user(author, {.limit = 1}));
    REQUIRE(page.items.size() == 1);
    CHECK(page.items[0].text.starts_with("tweet number 299 "));
  }
}

TEST_CASE("Checkpointer: its restarts bound the WAL under steady writes, though the writer never checkpoints") {
  // Posts back to back give the passive rounds no moment when the whole log is copied
  // as a write begins (the writer's own checkpoints past 64 pages did not help: the
  // rounds kept them busy). A RESTART past 64 pages makes one.
  TempDir dir;
  auto db = dir / "chirp.db";
  auto core = Core::open({.path = db, .autocheckpoint_pages = 0});
  Checkpointer checkpointer(
      {.path = db, .interval = std::chrono::milliseconds(1), .restart_pages = 64});
  Id author = must(core.users().create({.handle = "writer"})).id;
  int posted = 0;
  std::uintmax_t largest = 0;
  for (int i = 0; i < 3000; ++i) {
    post_some(core, author, 1, posted);
    largest = std::max(largest, wal_bytes(db));
  }
  auto stats = checkpointer.stats();
  CAPTURE(largest);
  CAPTURE(stats.rounds);
  CAPTURE(stats.restarts);
  CAPTURE(stats.busy);
  // 3,000 posts append about 39,000 pages (160 MB) without a restart. With them the
  // WAL reached 1,200 pages at most, and 1,800 with four CPU hogs beside the test: what
  // the writer appends while a round's checkpoints wait on fsync.
  CHECK(largest < 6000 * 4096);
  CHECK(stats.restarts > 0);
  CHECK(must(core.users().find("writer")).tweets_count == 3000);
}

TEST_CASE("Checkpointer: a database that cannot be opened is retried, not fatal") {
  TempDir dir;
  auto db = dir / "later" / "chirp.db";  // the folder does not exist yet
  Checkpointer checkpointer({.path = db, .interval = std::chrono::milliseconds(2)});
  bool failed = false;
  for (int i = 0; i < 1000 && !failed; ++i) {
    failed = !checkpointer.stats().last_error.empty();
    if (!failed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(failed);
  // Once the database exists, a round succeeds and the error is gone.
  auto core = Core::open({.path = db, .autocheckpoint_pages = 0});
  bool recovered = false;
  for (int i = 0; i < 1000 && !recovered; ++i) {
    recovered = checkpointer.stats().last_error.empty();
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(recovered);
}

namespace {

/// A soft file size limit on this process for its life (a full disk, as far as SQLite
/// can tell: writes past it fail with EFBIG), SIGXFSZ ignored meanwhile.
class FileSizeLimit {
public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &m_saved);
    m_old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = m_saved;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &m_saved);
    std::signal(SIGXFSZ, m_old_handler);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
  rlimit m_saved{};
  void (*m_old_handler)(int) = SIG_DFL;
};

}  // namespace

TEST_CASE("a write whose COMMIT fails on a full disk leaves the connection usable") {
  // Writes past the limit fail; in a small transaction that is the COMMIT, which writes
  // the WAL frames. The connection must come out of that transaction: the reads and
  // writes after it work (they once failed with "cannot start a transaction within a
  // transaction").
  TempDir dir;
  auto db = dir / "chirp.db";
  auto core = Core::open({.path = db, .autocheckpoint_pages = 0});
  Id author = must(core.users().create({.handle = "writer"})).id;
  int posted = 0;
  post_some(core, author, 5, posted);
  bool refused = false;
  {
    FileSizeLimit full(std::max<std::uintmax_t>(wal_bytes(db), std::filesystem::file_size(db)) + 8192);
    for (int i = 0; i < 200 && !refused; ++i) {
      try {
        must(core.tweets().post(author, {.text = "while full " + std::to_string(i) +
                                                 std::string(200, 'y')}));
        ++posted;
      } catch (const std::exception& e) {  // infrastructure failures throw
        CHECK_MESSAGE(chirp::is_storage_full(e), e.what());
        refused = true;
      }
    }
    REQUIRE(refused);
    // Reads go on, on the same connection, while the disk is still full.
    CHECK(must(core.timelines().user(author, {.limit = 200})).items.size() ==
          static_cast<std::size_t>(posted));
  }
  // Room again: the same connection writes.
  must(core.tweets().post(author, {.text = "after the disk was freed"}));
  CHECK(must(core.users().find("writer")).tweets_count == posted + 1);
}
