// Figure 8: `chirp import` of an export and of an edge list, against the bulk loader
// (Bulk::import, what `gen` writes with) loading the same rows, each into a new database.
#include "bench_db.hpp"
#include "figures.hpp"
#include "measure.hpp"

#include <fmt/core.h>

#include <fstream>
#include <unordered_map>

namespace chirp::bench {

namespace {

/// A new database file beside the graph's, removed when done.
struct ScratchDb {
  explicit ScratchDb(std::filesystem::path p) : path(std::move(p)) { remove(); }
  ~ScratchDb() { remove(); }
  void remove() const {
    for (const char* suffix : {"", "-wal", "-shm", ".secret"}) {
      std::filesystem::remove(path.string() + suffix);
    }
  }
  std::filesystem::path path;
};

/// The graph's users, follows and tweets as Bulk::import takes them.
BulkData bulk_data_of(const std::filesystem::path& db) {
  auto raw = open_raw(db);
  BulkData data;
  std::unordered_map<Id, std::size_t> index;
  SQLite::Statement users(raw, "SELECT id, handle, name, bio FROM users ORDER BY id");
  while (users.executeStep()) {
    index[users.getColumn(0).getInt64()] = data.users.size();
    data.users.push_back({.handle = users.getColumn(1).getString(),
                          .name = users.getColumn(2).getString(),
                          .bio = users.getColumn(3).getString()});
  }
  SQLite::Statement follows(raw, "SELECT follower, followee FROM follows");
  while (follows.executeStep()) {
    data.follows.emplace_back(index.at(follows.getColumn(0).getInt64()),
                              index.at(follows.getColumn(1).getInt64()));
  }
  SQLite::Statement tweets(raw,
                           "SELECT author, text, created_at FROM tweets "
                           "WHERE deleted_at IS NULL AND retweet_of IS NULL ORDER BY id");
  while (tweets.executeStep()) {
    data.tweets.push_back({.author = index.at(tweets.getColumn(0).getInt64()),
                           .text = tweets.getColumn(1).getString(),
                           .created_at_ms = tweets.getColumn(2).getInt64()});
  }
  return data;
}

double rate(std::int64_t rows, double seconds) { return seconds > 0 ? rows / seconds : 0; }

}  // namespace

void figure_import(const BenchOptions& options) {
  auto dir = options.db.parent_path();
  auto jsonl = dir / "import-bench.jsonl";
  auto edges = dir / "import-bench.edges";
  ArchiveCounts counts;
  double export_s = 0;
  {
    auto source = Core::open({.path = options.db});
    std::ofstream out(jsonl, std::ios::binary);
    double t0 = now_seconds();
    counts = source.archive().export_jsonl(out);
    out.close();
    export_s = now_seconds() - t0;
  }
  auto data = bulk_data_of(options.db);
  {
    std::ofstream out(edges, std::ios::binary);
    out << "# follower followee, numbered by user\n";
    for (const auto& [follower, followee] : data.follows) out << follower << '\t' << followee << '\n';
  }
  std::int64_t rows = counts.total();
  double bulk_s = 0;
  {
    ScratchDb scratch(dir / "import-bench-bulk.db");
    auto core = Core::open({.path = scratch.path});
    double t0 = now_seconds();
    auto ids = core.bulk().import(data);
    bulk_s = now_seconds() - t0;
    if (!ids) throw std::runtime_error(ids.error().message);
  }
  double import_s = 0;
  {
    ScratchDb scratch(dir / "import-bench-jsonl.db");
    auto core = Core::open({.path = scratch.path});
    std::ifstream in(jsonl, std::ios::binary);
    double t0 = now_seconds();
    auto report = core.archive().import_jsonl(in);
    import_s = now_seconds() - t0;
    if (!report) throw std::runtime_error(report.error().message);
  }
  double edges_s = 0;
  {
    ScratchDb scratch(dir / "import-bench-edges.db");
    auto core = Core::open({.path = scratch.path});
    std::ifstream in(edges, std::ios::binary);
    double t0 = now_seconds();
    auto report = core.archive().import_edges(in);
    edges_s = now_seconds() - t0;
    if (!report) throw std::runtime_error(report.error().message);
  }
  auto jsonl_bytes = std::filesystem::file_size(jsonl);
  std::filesystem::remove(jsonl);
  std::filesystem::remove(edges);
  std::int64_t bulk_rows =
      static_cast<std::int64_t>(data.users.size() + data.follows.size() + data.tweets.size());
  std::int64_t edge_rows = static_cast<std::int64_t>(data.users.size() + data.follows.size());
  fmt::print("8. import: {} rows ({} users, {} follows, {} tweets, {} likes), {:.1f} MiB of "
             "JSONL; export {:.0f} rows/s\n",
             rows, counts.users, counts.follows, counts.tweets, counts.likes,
             static_cast<double>(jsonl_bytes) / (1 << 20), rate(rows, export_s));
  print_ratio("8. import JSONL, rows/s", "rows/s", rate(bulk_rows, bulk_s), rate(rows, import_s));
  print_ratio("8. import edge list, rows/s", "rows/s", rate(bulk_rows, bulk_s),
              rate(edge_rows, edges_s));
}

}  // namespace chirp::bench
