// Crash trials: HTTP clients and CLI processes write to one database at once (posts,
// replies, retweets, likes, follows, deletes); at a random moment the server and every
// running CLI process get SIGKILL (CLI processes also die at random moments before).
// After a restart, what a crash may never break is checked: every acknowledged write
// is there (and nothing refused was written), counters equal a recount, the fan-out
// queue drains into every follower's home timeline exactly once, and SQLite finds the
// file intact.
//
// CHIRP_CRASH_TRIALS sets how many trials run (default 3); CHIRP_CRASH_SEED the seed of
// the first (default: random; trial i uses seed + i). A failure names its seed, and
// `CHIRP_CRASH_SEED=<seed> CHIRP_CRASH_TRIALS=1` replays its plan (the interleaving of
// threads and processes differs from run to run). scripts/crash-trials runs hundreds.
#include "crash_snapshot.hpp"
#include "crash_writers.hpp"
#include "server_support.hpp"
#include "support.hpp"

#include <chirp/core.hpp>

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

using namespace chirp::test;
using chirp::Id;
using namespace std::chrono_literals;

namespace {

std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoll(text, nullptr, 10) : fallback;
}

// ---- the plan: everything a seed decides ------------------------------------------

struct Plan {
  std::uint64_t seed = 0;
  int users = 0;
  int http_actors = 0;  ///< users 0.. act over HTTP
  int cli_actors = 0;   ///< the next ones through CLI processes; the rest only read
  int follows = 0;      ///< made before the server starts
  int tweets = 0;
  std::int64_t threshold = 0;
  std::int64_t inbox_cap = 0;
  std::int64_t batch_size = 0;
  int run_ms = 0;                ///< how long the writers run before the kill
  int cli_kill_percent = 0;      ///< chance that a CLI process is killed while it runs
  bool restart_server = false;   ///< recover by serving again, else by `chirp worker`

  static Plan from_seed(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
    Plan p;
    p.seed = seed;
    p.users = pick(6, 9);
    p.http_actors = pick(2, 3);
    p.cli_actors = pick(1, 2);
    p.follows = pick(p.users, 3 * p.users);
    p.tweets = pick(0, 30);
    // Half the trials push everything; the others sit near the celebrity threshold,
    // so that authors cross it both ways while they post and are followed.
    const std::int64_t thresholds[] = {1'000'000, 1'000'000, 2, 3};
    p.threshold = thresholds[rng() % 4];
    p.inbox_cap = rng() % 2 == 0 ? 20 : 800;  // 20: inboxes are trimmed, floors rise
    const std::int64_t batches[] = {1, 8, 4096};
    p.batch_size = batches[rng() % 3];
    p.run_ms = pick(150, 1200);
    p.cli_kill_percent = pick(0, 40);
    p.restart_server = rng() % 2 == 0;
    return p;
  }

  std::string describe() const {
    return fmt::format(
        "seed {} (replay: CHIRP_CRASH_SEED={} CHIRP_CRASH_TRIALS=1): {} users ({} over HTTP, "
        "{} by CLI), {} follows and {} tweets first, celebrity threshold {}, inbox cap {}, "
        "fan-out batch {}, kill after {} ms, {}% of CLI runs killed, recovery by {}",
        seed, seed, users, http_actors, cli_actors, follows, tweets, threshold, inbox_cap,
        batch_size, run_ms, cli_kill_percent, restart_server ? "a new server" : "chirp worker");
  }
};

// ---- what acknowledgement guarantees ----------------------------------------------

/// What a trial found wrong (the first few, and how many in all).
class Findings {
public:
  void add(std::string text) {
    if (++m_count <= 40) m_items.push_back(std::move(text));
  }
  void add_all(const std::vector<std::string>& items) {
    for (const auto& item : items) add(item);
  }
  bool empty() const { return m_count == 0; }
  std::string text() const {
    std::string out;
    for (const auto& item : m_items) out += "  - " + item + "\n";
    if (m_count > m_items.size()) out += fmt::format("  ... {} in all\n", m_count);
    return out;
  }

private:
  std::size_t m_count = 0;
  std::vector<std::string> m_items;
};

/// One write that sets a yes/no state (following, liking, having retweeted).
struct Setter {
  const Op* op;
  bool on;
};

/// The state after the last acknowledged write of WRITES (in seq order), or INITIAL
/// when none was; nullopt when a write of unknown outcome came after it, since either
/// state is then possible. A refused write changes nothing.
std::optional<bool> settled_state(const std::vector<Setter>& writes, bool initial) {
  std::optional<bool> state = initial;
  for (const auto& w : writes) {
    if (w.op->outcome == Outcome::acked) {
      state = w.on;
    } else if (w.op->outcome == Outcome::unknown) {
      state.reset();
    }
  }
  return state;
}

using Key = std::pair<Id, Id>;

void check_acknowledged(const std::vector<Op>& ops, const std::set<Key>& initial_follows,
                        const Snapshot& s, Findings& findings) {
  std::map<Key, std::vector<Setter>> follows, likes, retweets;
  std::set<Id> delete_tried;  // tweets named by a delete that was not refused
  for (const auto& op : ops) {
    switch (op.kind) {
      case Kind::follow:
      case Kind::unfollow:
        follows[{op.user, op.followee}].push_back({&op, op.kind == Kind::follow});
        break;
      case Kind::like:
      case Kind::unlike:
        likes[{op.user, op.original}].push_back({&op, op.kind == Kind::like});
        break;
      case Kind::retweet:
      case Kind::unretweet:
        retweets[{op.user, op.original}].push_back({&op, op.kind == Kind::retweet});
        break;
      case Kind::remove:
        if (op.original != 0) retweets[{op.user, op.original}].push_back({&op, false});
        if (op.outcome != Outcome::refused) delete_tried.insert(op.tweet);
        break;
      default: break;
    }
  }
  auto undone_later = [&](const Op& op) {
    // A retweet is undone by a later unretweet or delete of it by the same user, or by
    // the deletion of its original.
    if (delete_tried.contains(op.original)) return true;
    for (const auto& w : retweets[{op.user, op.original}]) {
      if (!w.on && w.op->seq > op.seq && w.op->outcome != Outcome::refused) return true;
    }
    return false;
  };
  for (const auto& op : ops) {
    if (op.outcome != Outcome::acked) continue;
    if (op.result != 0) {
      auto it = s.tweets.find(op.result);
      if (it == s.tweets.end()) {
        findings.add("lost: " + op.describe());
        continue;
      }
      const TweetRecord& t = it->second;
      Id reply_to = op.kind == Kind::reply ? op.original : 0;
      Id retweet_of = op.kind == Kind::retweet ? op.original : 0;
      if (t.author != op.user || t.reply_to != reply_to || t.retweet_of != retweet_of) {
        findings.add(fmt::format("{} is stored as author {}, reply_to {}, retweet_of {}",
                                 op.describe(), t.author, t.reply_to, t.retweet_of));
      }
      bool may_be_gone = delete_tried.contains(op.result) ||
                         (op.kind == Kind::retweet && undone_later(op));
      if (t.deleted && !may_be_gone) findings.add("deleted though nobody deleted it: " + op.describe());
    }
    if (op.kind == Kind::remove) {
      auto it = s.tweets.find(op.tweet);
      if (it == s.tweets.end() || !it->second.deleted) {
        findings.add("acknowledged delete not done: " + op.describe());
      }
      for (const auto& [id, t] : s.tweets) {
        if (t.retweet_of == op.tweet && !t.deleted) {
          findings.add(fmt::format("retweet {} outlived its deleted original: {}", id, op.describe()));
        }
      }
    }
  }
  auto compare = [&](const char* what, const std::map<Key, std::vector<Setter>>& writes,
                     auto initial, auto actual) {
    for (const auto& [key, list] : writes) {
      auto expected = settled_state(list, initial(key));
      if (!expected || *expected == actual(key)) continue;
      findings.add(fmt::format("{} {} -> {}: expected {} after {}, found {}", what, key.first,
                               key.second, *expected, list.back().op->describe(), !*expected));
    }
  };
  compare("follow", follows, [&](const Key& k) { return initial_follows.contains(k); },
          [&](const Key& k) { return s.is_following(k.first, k.second); });
  compare("like", likes, [](const Key&) { return false; },
          [&](const Key& k) { return s.likes.contains(k); });
  std::map<Key, std::vector<Setter>> settled_retweets;
  for (const auto& [key, list] : retweets) {
    if (!delete_tried.contains(key.second)) settled_retweets[key] = list;
  }
  compare("retweet", settled_retweets, [](const Key&) { return false; },
          [&](const Key& k) { return s.has_live_retweet(k.first, k.second); });
}

/// Compares a home timeline read in pages with what the snapshot says it must hold.
void compare_home(Id reader, const std::vector<Id>& got, const Snapshot& s, const char* via,
                  Findings& findings) {
  auto expected = s.expected_home(reader);
  if (got == expected) return;
  std::multiset<Id> seen(got.begin(), got.end());
  std::set<Id> want(expected.begin(), expected.end());
  std::vector<std::string> problems;
  for (Id id : expected) {
    if (!seen.contains(id)) problems.push_back(fmt::format("lacks {}", id));
  }
  for (Id id : std::set<Id>(got.begin(), got.end())) {
    if (!want.contains(id)) problems.push_back(fmt::format("holds unexpected {}", id));
    if (seen.count(id) > 1) problems.push_back(fmt::format("holds {} {} times", id, seen.count(id)));
  }
  if (problems.empty()) problems.push_back("is out of order");
  std::string text;
  for (std::size_t i = 0; i < problems.size() && i < 12; ++i) text += " " + problems[i];
  findings.add(fmt::format("home timeline of {} read {} ({} entries, {} expected):{}", reader, via,
                           got.size(), expected.size(), text));
}

void check_home_in_core(chirp::Core& core, const Snapshot& s, Findings& findings) {
  for (const auto& [reader, user] : s.users) {
    std::vector<Id> got;
    chirp::PageRequest page{.limit = 200};
    for (int pages = 0; pages < 100; ++pages) {
      auto timeline = core.timelines().home(reader, page, reader);
      if (!timeline) {
        findings.add(fmt::format("home of {}: {}", reader, timeline.error().message));
        break;
      }
      for (const auto& t : timeline->items) got.push_back(t.id);
      if (!timeline->next) break;
      page = *timeline->next;
    }
    compare_home(reader, got, s, "through core", findings);
  }
}

void check_home_over_http(int port, const Arena& arena, const Snapshot& s, Findings& findings) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  for (std::size_t i = 0; i < arena.ids.size(); ++i) {
    std::vector<Id> got;
    std::string next = fmt::format("/users/{}/timeline?limit=200", arena.ids[i]);
    for (int pages = 0; pages < 100 && !next.empty(); ++pages) {
      auto r = get(client, next, arena.tokens[i]);
      auto j = r.json();
      if (r.status != 200 || !j.is_object() || !j["data"].is_array()) {
        findings.add(fmt::format("GET {}: {} {}", next, r.status, r.body));
        break;
      }
      for (const auto& item : j["data"]) got.push_back(std::stoll(item["id"].get<std::string>()));
      next.clear();
      auto link = r.header("Link");
      auto open = link.find('<');
      auto close = link.find('>');
      if (open != std::string::npos && close != std::string::npos) {
        next = link.substr(open + 1, close - open - 1);
      }
    }
    compare_home(arena.ids[i], got, s, "over HTTP", findings);
  }
}

// ---- one trial --------------------------------------------------------------------

struct TrialResult {
  bool passed = false;
  std::string summary;
};

/// Users, follows and tweets made through core before the writers start.
std::set<Key> set_up(Arena& arena, const Plan& plan, std::mt19937_64& rng) {
  auto core = chirp::Core::open({.path = arena.db});
  auto set = [&](const char* key, std::int64_t value) {
    auto done = core.settings().set(key, std::to_string(value));
    REQUIRE_MESSAGE(done.has_value(), key);
  };
  // Nobody is skipped as inactive, so that fan-out must reach every follower.
  set(chirp::setting::inactive_days, 0);
  set(chirp::setting::celebrity_threshold, plan.threshold);
  set(chirp::setting::inbox_cap, plan.inbox_cap);
  set(chirp::setting::fanout_batch, plan.batch_size);
  for (int i = 0; i < plan.users; ++i) {
    std::string handle = fmt::format("u{}", i);
    auto user = core.users().create({.handle = handle, .name = handle});
    REQUIRE(user.has_value());
    auto login = core.auth().issue_token(user->id);
    REQUIRE(login.has_value());
    arena.ids.push_back(user->id);
    arena.handles.push_back(handle);
    arena.tokens.push_back(login->token);
  }
  std::set<Key> follows;
  for (int i = 0; i < plan.follows; ++i) {
    Id a = arena.ids[rng() % arena.ids.size()];
    Id b = arena.ids[rng() % arena.ids.size()];
    if (a != b && core.graph().follow(a, b)) follows.emplace(a, b);
  }
  for (int i = 0; i < plan.tweets; ++i) {
    Id author = arena.ids[rng() % arena.ids.size()];
    std::optional<Id> reply_to;
    if (auto parent = arena.pool.any(rng); parent && rng() % 3 == 0) reply_to = parent->id;
    auto tweet = core.tweets().post(author, {.text = fmt::format("setup {}", i), .reply_to = reply_to});
    REQUIRE(tweet.has_value());
    arena.pool.add({tweet->id, author, 0});
  }
  core.fanout().drain();
  return follows;
}

TrialResult run_trial(const Plan& plan, const TempDir& dir) {
  Arena arena;
  arena.db = dir / "chirp.db";
  std::mt19937_64 rng(plan.seed);
  auto initial_follows = set_up(arena, plan, rng);
  const int writers = plan.http_actors + plan.cli_actors;
  std::vector<std::vector<Op>> logs(static_cast<std::size_t>(writers));
  Findings findings;
  {
    ServerProcess server(arena.db);
    arena.port = server.port();
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
      std::uint64_t seed = plan.seed * 1000 + static_cast<std::uint64_t>(i);
      auto& log = logs[static_cast<std::size_t>(i)];
      if (i < plan.http_actors) {
        threads.emplace_back([&arena, i, seed, &log] { http_writer(arena, i, seed, log); });
      } else {
        threads.emplace_back([&arena, &plan, &dir, i, seed, &log] {
          cli_writer(arena, i, seed, plan.cli_kill_percent, dir.path(), log);
        });
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(plan.run_ms));
    {
      std::lock_guard lock(arena.mutex);
      arena.stopped = true;
      server.signal(SIGKILL);
      for (pid_t pid : arena.running) ::kill(pid, SIGKILL);
    }
    for (auto& t : threads) t.join();
    auto code = server.wait(10s);
    if (code != 128 + SIGKILL) {
      findings.add(fmt::format("the server had exited before the kill (code {}):\n{}",
                               code.value_or(-1), server.log()));
    }
  }
  findings.add_all(arena.notes);
  findings.add_all(integrity_problems(arena.db));

  std::vector<Op> ops;
  for (const auto& log : logs) ops.insert(ops.end(), log.begin(), log.end());
  std::sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) { return a.seq < b.seq; });

  // Recovery: a new server's fan-out thread, or `chirp worker`, drains the queue.
  if (plan.restart_server) {
    ServerProcess server(arena.db);
    bool drained = eventually(
        [&] { return sqlite3(arena.db, "SELECT count(*) FROM fanout_queue") == "0"; }, 20s);
    if (!drained) findings.add("the restarted server did not drain the fan-out queue");
    check_home_over_http(server.port(), arena, read_snapshot(arena.db), findings);
    if (server.stop() != 0) findings.add("the restarted server did not stop cleanly");
  } else {
    auto worker = run_chirp({"--db", arena.db.string(), "worker"});
    if (worker.exit_code != 0) findings.add("chirp worker failed: " + worker.err);
  }

  Snapshot s = read_snapshot(arena.db);
  if (s.queue_depth != 0) findings.add(fmt::format("{} fan-out items left", s.queue_depth));
  findings.add_all(integrity_problems(arena.db));
  findings.add_all(counter_mismatches(s));
  check_acknowledged(ops, initial_follows, s, findings);
  findings.add_all(inbox_mismatches(s, plan.threshold));
  {
    auto core = chirp::Core::open({.path = arena.db});
    check_home_in_core(core, s, findings);
  }

  std::map<std::string, int> acked, unknown;
  for (const auto& op : ops) {
    if (op.outcome == Outcome::acked) ++acked[op.via];
    if (op.outcome == Outcome::unknown) ++unknown[op.via];
  }
  TrialResult result;
  result.passed = findings.empty();
  result.summary = fmt::format(
      "seed {}: {} writes acknowledged over HTTP and {} by the CLI, {} and {} unanswered, "
      "{} tweets, killed after {} ms: {}",
      plan.seed, acked["http"], acked["cli"], unknown["http"], unknown["cli"], s.tweets.size(),
      plan.run_ms, result.passed ? "ok" : "FAILED");
  CHECK_MESSAGE(result.passed, plan.describe() << "\n" << findings.text());
  return result;
}

}  // namespace

TEST_CASE("crash trials: kill -9 while the server and the CLI write") {
  const std::int64_t trials = env_int("CHIRP_CRASH_TRIALS", 3);
  std::uint64_t first = static_cast<std::uint64_t>(
      env_int("CHIRP_CRASH_SEED", static_cast<std::int64_t>(std::random_device{}() % 1'000'000'000)));
  int passed = 0;
  std::vector<std::uint64_t> failed;
  for (std::int64_t i = 0; i < trials; ++i) {
    Plan plan = Plan::from_seed(first + static_cast<std::uint64_t>(i));
    INFO(plan.describe());
    TempDir dir;
    auto result = run_trial(plan, dir);
    std::printf("crash trial %lld/%lld %s\n", static_cast<long long>(i + 1),
                static_cast<long long>(trials), result.summary.c_str());
    std::fflush(stdout);
    if (result.passed) {
      ++passed;
    } else {
      failed.push_back(plan.seed);
    }
  }
  std::string seeds;
  for (auto seed : failed) seeds += " " + std::to_string(seed);
  std::printf("crash trials: %d of %lld passed%s%s\n", passed, static_cast<long long>(trials),
              failed.empty() ? "" : "; failed seeds:", seeds.c_str());
  std::fflush(stdout);
}
