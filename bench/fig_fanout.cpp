// Figure 1 (fan-out rows/s against raw inserts) and 2 (ingest with delivery lag).
#include "bench_db.hpp"
#include "figures.hpp"
#include "measure.hpp"
#include "workload.hpp"

#include <chirp/checkpointer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace chirp::bench {

namespace {

// Baseline rows go to ids above every Snowflake of this century, then are removed.
constexpr Id k_baseline_offset = Id{1} << 61;

std::vector<Id> pushed_authors(SQLite::Database& raw, std::int64_t threshold) {
  std::vector<Id> out;
  for (const auto& u : load_users(raw)) {
    if (u.followers > 0 && u.followers <= threshold) out.push_back(u.id);
  }
  return out;
}

/// Raw prepared INSERTs of ROWS into the timeline table in one transaction: rows/s.
double raw_insert_rate(SQLite::Database& raw, const std::vector<std::pair<Id, Id>>& rows) {
  double t0 = now_seconds();
  {
    SQLite::Transaction tx(raw, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(raw, "INSERT OR IGNORE INTO timeline(reader, tweet) VALUES (?, ?)");
    for (const auto& [user, tweet] : rows) {
      insert.bind(1, user);
      insert.bind(2, tweet + k_baseline_offset);
      insert.exec();
      insert.reset();
    }
    tx.commit();
  }
  double rate = static_cast<double>(rows.size()) / (now_seconds() - t0);
  SQLite::Statement cleanup(raw, "DELETE FROM timeline WHERE tweet >= ?");
  cleanup.bind(1, k_baseline_offset);
  cleanup.exec();
  return rate;
}

/// SQLite's own default, what the CLI runs with.
constexpr int k_inline_autocheckpoint_pages = 1000;

/// The worker's connection: the backstop beside a Checkpointer, as the server has it.
int autocheckpoint(const BenchOptions& options) {
  return options.background_checkpoints ? Checkpointer::k_backstop_pages
                                        : k_inline_autocheckpoint_pages;
}

/// The server's Checkpointer, or none (the writers checkpoint on their own commits).
std::unique_ptr<Checkpointer> checkpointer_for(const BenchOptions& options) {
  if (!options.background_checkpoints) return nullptr;
  return std::make_unique<Checkpointer>(Checkpointer::Options{.path = options.db});
}

const char* checkpoint_mode(const BenchOptions& options) {
  return options.background_checkpoints ? "checkpoints by a background thread"
                                        : "checkpoints on the commits (1,000 pages)";
}

}  // namespace

void figure_fanout(const BenchOptions& options) {
  auto core = Core::open({.path = options.db, .autocheckpoint_pages = autocheckpoint(options)});
  core.fanout().drain();
  auto raw = open_raw(options.db);
  auto authors = pushed_authors(raw, core.settings().value(setting::celebrity_threshold));
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<std::size_t> pick(0, authors.size() - 1);
  std::vector<std::pair<Id, Id>> rows;
  for (std::size_t i = 0; i < options.tweets; ++i) {
    Id author = authors[pick(rng)];
    auto tweet = core.tweets().post(author, {.text = tweet_text(rng)});
    if (!tweet) throw std::runtime_error(tweet.error().message);
    for (Id follower : followers_of(raw, author)) rows.emplace_back(follower, tweet->id);
  }
  double baseline_before = raw_insert_rate(raw, rows);
  auto checkpointer = checkpointer_for(options);
  double t0 = now_seconds();
  FanoutStats stats = core.fanout().drain();
  double chirp_rate = static_cast<double>(stats.rows) / (now_seconds() - t0);
  if (checkpointer) {
    // What the thread had not copied yet when the drain ended (at most about its
    // bound) is copied here, untimed, as the server's thread would beside the writer,
    // rather than by the baseline's commit.
    auto done = checkpointer->stats();
    checkpointer.reset();
    raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    fmt::print("fan-out: the checkpointer ran {} rounds, WAL at most {} pages\n", done.rounds,
               done.largest_wal_pages);
  }
  double baseline_after = raw_insert_rate(raw, rows);
  fmt::print("fan-out: {} tweets, {} inbox rows, batch {} items per transaction, {}\n",
             stats.items, stats.rows, core.settings().value(setting::fanout_batch),
             checkpoint_mode(options));
  print_ratio(options.background_checkpoints ? "1. fan-out rows/s (vs raw INSERTs, one tx)"
                                             : "1. fan-out, inline checkpoints (switched off)",
              "rows/s",
              (baseline_before + baseline_after) / 2, chirp_rate, ">= 0.5");
}

void figure_ingest(const BenchOptions& options) {
  auto raw = open_raw(options.db);
  std::int64_t threshold = 0;
  {
    auto core = Core::open({.path = options.db});
    core.fanout().drain();
    threshold = core.settings().value(setting::celebrity_threshold);
  }
  auto authors = pushed_authors(raw, threshold);
  // Baseline: one-row transactions into a table shaped like tweets (the commit ceiling).
  raw.exec("CREATE TABLE IF NOT EXISTS bench_commits(id INTEGER PRIMARY KEY, author INTEGER, "
           "text TEXT, created_at INTEGER)");
  double baseline = 0;
  {
    SQLite::Statement insert(raw, "INSERT INTO bench_commits(author, text, created_at) VALUES (?, ?, ?)");
    std::mt19937_64 rng(options.seed);
    std::size_t n = 0;
    double t0 = now_seconds();
    while (now_seconds() - t0 < options.seconds / 2) {
      raw.exec("BEGIN IMMEDIATE");
      insert.bind(1, authors[n % authors.size()]);
      insert.bind(2, tweet_text(rng));
      insert.bind(3, static_cast<std::int64_t>(n));
      insert.exec();
      insert.reset();
      raw.exec("COMMIT");
      ++n;
    }
    baseline = static_cast<double>(n) / (now_seconds() - t0);
    raw.exec("DROP TABLE bench_commits");
  }

  std::atomic<bool> posting{true};
  std::atomic<std::int64_t> posted{0};
  std::vector<double> lags_ms;
  std::int64_t rows = 0;
  // Both connections open before the clock starts: opening is not posting.
  // As the server: the poster never checkpoints, the worker past the backstop and
  // behind the poster's writes.
  auto worker_core = Core::open({.path = options.db,
                                 .autocheckpoint_pages = autocheckpoint(options),
                                 .background_writer = true});
  auto poster = Core::open({.path = options.db,
                            .autocheckpoint_pages = options.background_checkpoints
                                                        ? 0
                                                        : k_inline_autocheckpoint_pages});
  auto checkpointer = checkpointer_for(options);
  double t0 = now_seconds();
  std::thread worker([&] {
    auto& core = worker_core;
    for (;;) {
      bool was_posting = posting;
      auto stats = core.fanout().drain(INT64_MAX, [&](Id, std::int64_t queued_at) {
        lags_ms.push_back(static_cast<double>(core.clock().now_ms() - queued_at));
      });
      rows += stats.rows;
      if (!was_posting && stats.items == 0) return;
      if (stats.items == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::string failure;  // thrown after the worker is joined, never past it
  std::vector<double> post_ms;
  {
    std::mt19937_64 rng(options.seed + 1);
    std::uniform_int_distribution<std::size_t> pick(0, authors.size() - 1);
    while (now_seconds() - t0 < options.seconds) {
      double started = now_seconds();
      auto posted_tweet = poster.tweets().post(authors[pick(rng)], {.text = tweet_text(rng)});
      post_ms.push_back((now_seconds() - started) * 1000);
      if (!posted_tweet) {
        failure = posted_tweet.error().message;
        break;
      }
      ++posted;
    }
  }
  double post_seconds = now_seconds() - t0;
  posting = false;
  worker.join();
  if (!failure.empty()) throw std::runtime_error("post failed: " + failure);
  double total_seconds = now_seconds() - t0;
  double tweets_per_s = static_cast<double>(posted) / post_seconds;
  fmt::print("ingest: {} tweets in {:.1f} s, {} inbox rows; fan-out caught up {:.2f} s after "
             "posting stopped\n",
             posted.load(), post_seconds, rows, total_seconds - post_seconds);
  print_ratio("2. ingest tweets/s (vs 1-row commits/s)", "tweets/s", baseline, tweets_per_s);
  fmt::print("{:<44} {:.0f} rows/s; delivery lag p50 {:.1f} ms, p99 {:.1f} ms "
             "(moonshot: 4,600 tweets/s, 345K rows/s, p99 < 5 s)\n",
             "2. ingest fan-out", static_cast<double>(rows) / total_seconds,
             percentile(lags_ms, 50), percentile(lags_ms, 99));
  fmt::print("{:<44} p50 {:.2f} ms, p99 {:.2f} ms, max {:.1f} ms (target p99 < 50 ms)\n",
             "2. ingest post latency (post to commit)", percentile(post_ms, 50),
             percentile(post_ms, 99), percentile(post_ms, 100));
}

}  // namespace chirp::bench
