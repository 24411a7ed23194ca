// Figure 9: tweet search (Search::tweets: parsing the query, ranking, filters and
// hydration of a 20-tweet page) against the raw FTS5 query for the same terms.
#include "bench_db.hpp"
#include "figures.hpp"
#include "measure.hpp"

#include <SQLiteCpp/Statement.h>

namespace chirp::bench {

namespace {

struct SearchCase {
  const char* query;  ///< chirp's query language
  const char* fts;    ///< the same terms as an FTS5 expression
};

// Over the generator's vocabulary (bench/workload.cpp): a common word, two words, a
// phrase, a prefix, an exclusion.
constexpr SearchCase k_cases[] = {
    {"coffee", "\"coffee\""},
    {"sqlite timeline", "\"sqlite\" AND \"timeline\""},
    {"\"hello world\"", "\"hello world\""},
    {"dep*", "\"dep\"*"},
    {"release -bug", "(\"release\") NOT (\"bug\")"},
};

}  // namespace

void figure_search(const BenchOptions& options) {
  auto core = Core::open({.path = options.db});
  auto raw = open_raw(options.db);
  SQLite::Statement match(raw,
                          "SELECT rowid FROM tweet_search WHERE tweet_search MATCH ? "
                          "ORDER BY rank LIMIT 20");
  auto raw_query = [&](const SearchCase& c) {
    match.bind(1, c.fts);
    while (match.executeStep()) {
    }
    match.reset();
  };
  auto chirp_query = [&](const SearchCase& c) {
    auto page = core.search().tweets({c.query, {.limit = 20}, std::nullopt});
    if (!page || page->items.empty()) throw std::runtime_error(std::string("no results for ") + c.query);
  };
  constexpr std::size_t n = std::size(k_cases);
  // Warm both sides, then alternate in rounds so that drift lands on both alike.
  measure(0.2, [&](std::size_t i) { raw_query(k_cases[i % n]); });
  measure(0.2, [&](std::size_t i) { chirp_query(k_cases[i % n]); });
  Rate base = measure(options.seconds / 2, [&](std::size_t i) { raw_query(k_cases[i % n]); });
  Rate chirp = measure(options.seconds / 2, [&](std::size_t i) { chirp_query(k_cases[i % n]); });
  std::int64_t tweets = raw.execAndGet("SELECT count(*) FROM tweets").getInt64();
  print_ratio("9. tweet search calls/s", "calls/s", base.per_second, chirp.per_second);
  fmt::print("{:<44} p50 {:.0f} us, p99 {:.0f} us (raw FTS5 MATCH: p50 {:.0f} us, p99 {:.0f} us); "
             "{} queries over {} tweets, 20 results each\n",
             "", chirp.p50_us, chirp.p99_us, base.p50_us, base.p99_us, n, tweets);
}

}  // namespace chirp::bench
