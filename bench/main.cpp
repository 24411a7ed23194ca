// chirp-bench: the data generator and the benchmark figures (see bench/README.md).
#include "figures.hpp"
#include "measure.hpp"
#include "workload.hpp"

#include <chirp/core.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <unistd.h>

#include <iostream>

namespace chirp::bench {

namespace {

void generate(const std::filesystem::path& db, const GraphSpec& spec, const BulkOptions& options) {
  bool tty = ::isatty(STDERR_FILENO) != 0;
  auto core = Core::open({.path = db});
  if (!core.users().list({.limit = 1})->items.empty()) {
    throw std::runtime_error(db.string() + " already has users: generate into a new file");
  }
  double t0 = now_seconds();
  auto data = generate_graph(spec, core.clock().now_ms() - 1000);
  fmt::print(stderr, "generated {} users, {} follows, {} tweets in memory ({:.1f} s)\n",
             data.users.size(), data.follows.size(), data.tweets.size(), now_seconds() - t0);
  // Celebrities (5-20% of all users as followers) are above the threshold at every scale,
  // and so is only the far tail of the power law. Set before the import, which pushes
  // the history itself under --push-history.
  auto threshold = std::min<std::size_t>(5000, spec.users / 25);
  // Rate limits left on would turn the HTTP figures into 429s: a failure here stops.
  std::pair<const char*, std::string> settings[] = {
      {setting::celebrity_threshold, std::to_string(threshold)}, {setting::inactive_days, "0"},
      {setting::rate_requests, "0"}, {setting::rate_logins, "0"}, {setting::rate_posts, "0"}};
  for (const auto& [key, value] : settings) {
    if (auto set = core.settings().set(key, value); !set) throw std::runtime_error(set.error().message);
  }
  double t1 = now_seconds();
  auto ids = core.bulk().import(
      data,
      [&](std::size_t done, std::size_t total) {
        if (tty) fmt::print(stderr, "\rimporting {}/{} rows ({:.0f}%)", done, total, 100.0 * done / total);
      },
      options);
  if (!ids) throw std::runtime_error(ids.error().message);
  if (tty) fmt::print(stderr, "\n");
  fmt::print(stderr, "imported in {:.1f} s{}; fanning out the history...\n", now_seconds() - t1,
             options.push_history ? " (history pushed by the import)" : "");
  double t2 = now_seconds();
  FanoutStats total;
  while (true) {
    auto stats = core.fanout().drain(20'000);
    total.items += stats.items;
    total.rows += stats.rows;
    if (tty) fmt::print(stderr, "\rfanned out {} queued tweets", total.items);
    if (stats.items == 0) break;
  }
  if (tty) fmt::print(stderr, "\n");
  fmt::print(stderr, "fanned out in {:.1f} s; done in {:.1f} s: {} inbox rows written by the worker, "
             "celebrity threshold {}\n",
             now_seconds() - t2, now_seconds() - t0, total.rows, threshold);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("chirp-bench: workload generator and benchmark figures", "chirp-bench");
  app.require_subcommand(1);
  BenchOptions options;
  std::string scale = "large";
  GraphSpec spec;
  std::size_t users = 0;

  auto* gen = app.add_subcommand("gen", "Write a synthetic social graph into a new database");
  gen->add_option("--db", options.db, "Database file")->required();
  BulkOptions bulk_options;
  gen->add_option("--scale", scale, "small (5K users), medium (30K), large (100K) or xlarge (1M)")
      ->check(CLI::IsMember({"small", "medium", "large", "xlarge"}))
      ->capture_default_str();
  gen->add_option("--users", users, "Override the number of users");
  gen->add_option("--seed", spec.seed, "Random seed")->capture_default_str();
  gen->add_flag("--push-history", bulk_options.push_history,
                "Push the history in the import (Bulk::import's push_history), not by the worker");
  gen->add_option("--cache-mib", bulk_options.cache_mib, "Page cache during the import, MiB")
      ->capture_default_str();

  auto add_figure = [&](const char* name, const char* help) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("--db", options.db, "Database made by `gen`")->required();
    sub->add_option("--seconds", options.seconds, "Measuring time")->capture_default_str();
    return sub;
  };
  auto* fanout = add_figure("fanout", "1. fan-out rows/s against raw inserts");
  fanout->add_option("--tweets", options.tweets, "Tweets to fan out")->capture_default_str();
  auto* ingest = add_figure("ingest", "2. sustained posting with fan-out, delivery lag");
  for (auto* sub : {fanout, ingest}) {
    sub->add_flag("!--inline-checkpoints", options.background_checkpoints,
                  "Checkpoint on the writers' commits, not from a Checkpointer thread");
  }
  add_figure("read", "3. home timeline reads against the raw inbox query");
  add_figure("hybrid", "6. post and read cost: push, hybrid, pull");
  add_figure("disk", "7. bytes on disk per inbox row and per tweet");
  add_figure("import", "8. chirp import (JSONL, edge list) against the bulk loader");
  add_figure("search", "9. tweet search latency against the raw FTS5 query");

  int port = 0;
  std::size_t body_bytes = 0;
  int threads = 16;
  auto* stub = app.add_subcommand("stub", "4. baseline HTTP server returning a fixed body");
  stub->add_option("--port", port)->required();
  stub->add_option("--body-bytes", body_bytes)->required();
  stub->add_option("--threads", threads)->capture_default_str();

  std::vector<int> stream_counts{10, 100, 500};
  int stream_posts = 20;
  auto* streams = add_figure("streams", "10. live stream delivery latency with N streams open");
  streams->add_option("--port", port, "The running chirp serve on --db")->required();
  streams->add_option("--counts", stream_counts, "Stream counts, growing")->delimiter(',')->capture_default_str();
  streams->add_option("--posts", stream_posts, "Tweets timed per count")->capture_default_str();

  std::size_t token_count = 100;
  auto* tokens = app.add_subcommand("tokens", "Print 'id token' for the most active users");
  tokens->add_option("--db", options.db)->required();
  tokens->add_option("--count", token_count)->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (gen->parsed()) {
      spec = graph_spec_for_scale(scale);
      if (users > 0) spec.users = users;
      generate(options.db, spec, bulk_options);
    } else if (app.got_subcommand("fanout")) {
      figure_fanout(options);
    } else if (app.got_subcommand("ingest")) {
      figure_ingest(options);
    } else if (app.got_subcommand("read")) {
      figure_read(options);
    } else if (app.got_subcommand("hybrid")) {
      figure_hybrid(options);
    } else if (app.got_subcommand("disk")) {
      figure_disk(options);
    } else if (app.got_subcommand("import")) {
      figure_import(options);
    } else if (app.got_subcommand("search")) {
      figure_search(options);
    } else if (streams->parsed()) {
      figure_streams(options, port, stream_counts, stream_posts);
    } else if (stub->parsed()) {
      return run_http_stub(port, body_bytes, threads);
    } else if (tokens->parsed()) {
      print_tokens(options, token_count);
    }
  } catch (const std::exception& e) {
    std::cerr << "chirp-bench: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace chirp::bench

int main(int argc, char** argv) { return chirp::bench::main(argc, argv); }
