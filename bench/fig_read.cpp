// Figure 3 (home timeline read against the raw inbox query) and 6 (hybrid fan-out).
#include "bench_db.hpp"
#include "figures.hpp"
#include "measure.hpp"
#include "workload.hpp"

#include <random>

namespace chirp::bench {

namespace {

Rate raw_inbox_reads(SQLite::Database& raw, const std::vector<Id>& readers, double seconds) {
  SQLite::Statement q(raw, "SELECT tweet FROM timeline WHERE reader = ? ORDER BY tweet DESC LIMIT 20");
  return measure(seconds, [&](std::size_t i) {
    q.bind(1, readers[i % readers.size()]);
    while (q.executeStep()) {
    }
    q.reset();
  });
}

Rate home_reads(Core& core, const std::vector<Id>& readers, double seconds) {
  return measure(seconds, [&](std::size_t i) {
    Id reader = readers[i % readers.size()];
    auto page = core.timelines().home(reader, {.limit = 20}, reader);
    if (!page || page->items.empty()) throw std::runtime_error("empty home timeline");
  });
}

void set_threshold(Core& core, std::int64_t threshold) {
  auto set = core.settings().set(setting::celebrity_threshold, std::to_string(threshold));
  if (!set) throw std::runtime_error(set.error().message);
}

/// Users ordered by follower count, most followed first.
std::vector<UserRow> by_followers(SQLite::Database& raw) {
  auto users = load_users(raw);
  std::sort(users.begin(), users.end(),
            [](const UserRow& a, const UserRow& b) { return a.followers > b.followers; });
  return users;
}

/// COUNT users from FIRST on, each made to follow, of the authors pulled under
/// THRESHOLD, exactly the CELEBRITIES given (they keep their other follows).
std::vector<Id> readers_following(Core& core, SQLite::Database& raw,
                                  const std::vector<UserRow>& users,
                                  const std::vector<Id>& celebrities, std::size_t first,
                                  std::size_t count, std::int64_t threshold) {
  std::vector<Id> readers;
  for (std::size_t i = first; readers.size() < count && i < users.size(); ++i) {
    Id reader = users[i].id;
    for (Id pulled : pulled_followees(raw, reader, threshold)) {
      if (auto done = core.graph().unfollow(reader, pulled); !done) throw std::runtime_error(done.error().message);
    }
    for (Id celebrity : celebrities) {
      if (auto done = core.graph().follow(reader, celebrity); !done) throw std::runtime_error(done.error().message);
    }
    readers.push_back(reader);
  }
  return readers;
}

}  // namespace

void figure_read(const BenchOptions& options) {
  auto core = Core::open({.path = options.db});
  core.fanout().drain();
  auto raw = open_raw(options.db);
  auto users = by_followers(raw);
  std::int64_t threshold = core.settings().value(setting::celebrity_threshold);
  std::vector<Id> celebrities;
  for (const auto& u : users) {
    if (u.followers > threshold && celebrities.size() < 5) celebrities.push_back(u.id);
  }
  if (celebrities.size() < 5) throw std::runtime_error("the graph has fewer than 5 celebrities");
  // Readers from the middle of the distribution: ordinary users.
  std::size_t middle = users.size() / 2;
  // Ordinary users follow about a third of the graph's pulled authors at the small
  // scale: the figure takes them down to exactly 0 and exactly 5 (figure 6 has more).
  auto plain = readers_following(core, raw, users, {}, middle, 50, threshold);
  auto starry = readers_following(core, raw, users, celebrities, middle + 50, 50, threshold);
  core.fanout().drain();
  // Warm the page cache for both sides, and let each reader's first read record it as
  // seen.
  for (const auto* readers : {&plain, &starry}) {
    raw_inbox_reads(raw, *readers, 0.2);
    home_reads(core, *readers, 0.2);
  }
  for (auto [label, readers] : {std::pair{"0 celebrities", &plain}, {"5 celebrities", &starry}}) {
    Rate base = raw_inbox_reads(raw, *readers, options.seconds / 2);
    Rate home = home_reads(core, *readers, options.seconds / 2);
    print_ratio(fmt::format("3. home timeline calls/s, {}", label), "calls/s", base.per_second,
                home.per_second, ">= 0.3");
    fmt::print("{:<44} p50 {:.1f} us, p99 {:.1f} us (raw inbox query: p50 {:.1f} us, p99 {:.1f} us)\n",
               "", home.p50_us, home.p99_us, base.p50_us, base.p99_us);
  }
}

void figure_hybrid(const BenchOptions& options) {
  auto core = Core::open({.path = options.db});
  core.fanout().drain();
  auto raw = open_raw(options.db);
  auto users = by_followers(raw);
  std::int64_t hybrid = core.settings().value(setting::celebrity_threshold);
  std::mt19937_64 rng(options.seed);
  struct Mode {
    const char* name;
    std::int64_t threshold;
  };
  const Mode modes[] = {{"push", 1'000'000'000}, {"hybrid", hybrid}, {"pull", 0}};

  fmt::print("6. post cost (post + its fan-out, ms) against the author's followers:\n");
  fmt::print("   {:>10} {:>10} {:>10} {:>10}\n", "followers", "push", "hybrid", "pull");
  std::vector<std::int64_t> targets = {10, 100, 1000};
  for (std::int64_t t = 2500; t <= users.front().followers; t *= 2) targets.push_back(t);
  for (std::int64_t target : targets) {
    auto author = std::min_element(users.begin(), users.end(), [&](const auto& a, const auto& b) {
      return std::llabs(a.followers - target) < std::llabs(b.followers - target);
    });
    std::vector<double> cost;
    for (const auto& mode : modes) {
      set_threshold(core, mode.threshold);
      cost.push_back(measure(options.seconds / 12, [&](std::size_t) {
                       // A refused post would be a fast sample: stop instead.
                       if (auto posted = core.tweets().post(author->id, {.text = tweet_text(rng)}); !posted) {
                         throw std::runtime_error(posted.error().message);
                       }
                       core.fanout().drain();
                     }).p50_us / 1000);
    }
    fmt::print("   {:>10} {:>10.2f} {:>10.2f} {:>10.2f}\n", author->followers, cost[0], cost[1], cost[2]);
  }

  fmt::print("6. read cost (home timeline, us p50) against followed celebrities:\n");
  fmt::print("   {:>10} {:>10} {:>10} {:>10}\n", "celebs", "push", "hybrid", "pull");
  std::size_t reader_index = users.size() / 3;
  for (std::size_t count : {0, 1, 2, 5, 10, 20}) {
    std::vector<Id> followed;
    for (std::size_t i = 0; i < count; ++i) followed.push_back(users[i].id);
    std::vector<double> cost;
    for (const auto& mode : modes) {
      set_threshold(core, mode.threshold);
      // Fresh readers per mode, so push mode back-fills their inboxes on follow.
      auto readers = readers_following(core, raw, users, followed, reader_index, 20, hybrid);
      reader_index += 20;
      cost.push_back(home_reads(core, readers, options.seconds / 18).p50_us);
    }
    fmt::print("   {:>10} {:>10.1f} {:>10.1f} {:>10.1f}\n", count, cost[0], cost[1], cost[2]);
  }
  set_threshold(core, hybrid);
}

}  // namespace chirp::bench
