// Figure 7 (part): bytes on disk per inbox row and per tweet, from SQLite's dbstat.
#include "bench_db.hpp"
#include "figures.hpp"

#include <fmt/core.h>

namespace chirp::bench {

namespace {

std::int64_t scalar(SQLite::Database& raw, const char* sql) {
  return raw.execAndGet(sql).getInt64();
}

}  // namespace

void figure_disk(const BenchOptions& options) {
  auto raw = open_raw(options.db);
  std::int64_t inbox_rows = scalar(raw, "SELECT count(*) FROM timeline");
  std::int64_t inbox_bytes = scalar(raw, "SELECT sum(pgsize) FROM dbstat WHERE name = 'timeline'");
  std::int64_t tweets = scalar(raw, "SELECT count(*) FROM tweets");
  std::int64_t tweet_bytes = scalar(
      raw, "SELECT sum(pgsize) FROM dbstat WHERE name = 'tweets' OR name LIKE 'tweets\\_%' ESCAPE '\\'");
  std::int64_t file_bytes = scalar(raw, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
  fmt::print("7. disk: {} inbox rows, {:.1f} bytes/row; {} tweets, {:.1f} bytes/tweet (with "
             "indexes); database {:.1f} MiB\n",
             inbox_rows, inbox_rows ? static_cast<double>(inbox_bytes) / inbox_rows : 0.0, tweets,
             tweets ? static_cast<double>(tweet_bytes) / tweets : 0.0,
             static_cast<double>(file_bytes) / (1 << 20));
}

}  // namespace chirp::bench

namespace chirp::bench {

void print_tokens(const BenchOptions& options, std::size_t count) {
  auto core = Core::open({.path = options.db});
  // Generated users are u0, u1, ...; the Zipf workload favours low indexes.
  for (std::size_t i = 0; i < count; ++i) {
    auto user = core.users().find(fmt::format("u{}", i));
    if (!user) break;
    auto login = core.auth().issue_token(user->id);
    if (!login) throw std::runtime_error(login.error().message);
    fmt::print("{} {}\n", user->id, login->token);
  }
}

}  // namespace chirp::bench
