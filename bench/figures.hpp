#pragma once
// One function per benchmark figure (see bench/README.md).

#include <chirp/core.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace chirp::bench {

struct BenchOptions {
  std::filesystem::path db;
  double seconds = 3;
  std::size_t tweets = 2000;
  std::uint64_t seed = 7;
  /// Figures 1 and 2: checkpoints by a Checkpointer thread, the writing connections'
  /// own only past its backstop (as `chirp serve` runs), or, when false, on each commit
  /// past 1,000 WAL pages (SQLite's default, as the CLI runs).
  bool background_checkpoints = true;
};

void figure_fanout(const BenchOptions& options);
void figure_ingest(const BenchOptions& options);
void figure_read(const BenchOptions& options);
void figure_hybrid(const BenchOptions& options);
void figure_disk(const BenchOptions& options);
/// Figure 9: tweet search latency against the raw FTS5 query for the same terms.
void figure_search(const BenchOptions& options);
/// Figure 8: import of an export and of an edge list against the bulk loader.
void figure_import(const BenchOptions& options);
/// Figure 10: delivery latency on N live streams of the server on PORT (on DB), for
/// each of COUNTS until p99 reaches 1 s; POSTS tweets per count.
void figure_streams(const BenchOptions& options, int port, const std::vector<int>& counts, int posts);
/// Serves a fixed JSON body of BODY_BYTES on PORT with chirp serve's HTTP settings.
int run_http_stub(int port, std::size_t body_bytes, int threads);
/// Prints "id token" lines for the COUNT most active users (by Zipf rank).
void print_tokens(const BenchOptions& options, std::size_t count);

}  // namespace chirp::bench
