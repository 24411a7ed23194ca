#include "crash_writers.hpp"

#include "server_support.hpp"
#include "support.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace chirp::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::post: return "post";
    case Kind::reply: return "reply";
    case Kind::retweet: return "retweet";
    case Kind::unretweet: return "unretweet";
    case Kind::like: return "like";
    case Kind::unlike: return "unlike";
    case Kind::remove: return "delete";
    case Kind::follow: return "follow";
    case Kind::unfollow: return "unfollow";
  }
  return "?";
}

std::string Op::describe() const {
  return fmt::format("#{} {} {} by {} (tweet {}, original {}, followee {}, result {})", seq, via,
                     kind_name(kind), user, tweet, original, followee, result);
}

namespace {

/// A random op kind, by weight.
Kind pick_kind(std::mt19937_64& rng) {
  static const std::pair<Kind, int> weights[] = {
      {Kind::post, 24},   {Kind::reply, 10}, {Kind::retweet, 10}, {Kind::unretweet, 5},
      {Kind::like, 14},   {Kind::unlike, 5}, {Kind::remove, 8},   {Kind::follow, 16},
      {Kind::unfollow, 8}};
  int total = 0;
  for (const auto& [k, w] : weights) total += w;
  int r = static_cast<int>(rng() % static_cast<std::uint64_t>(total));
  for (const auto& [k, w] : weights) {
    if (r < w) return k;
    r -= w;
  }
  return Kind::post;
}

/// Fills in the targets of an op of KIND by USER (index ME); falls back to a post when
/// there is nothing to act on.
Op plan_op(Arena& arena, int me, std::mt19937_64& rng) {
  Op op;
  op.kind = pick_kind(rng);
  op.user = arena.ids[me];
  switch (op.kind) {
    case Kind::post: break;
    case Kind::follow:
    case Kind::unfollow: {
      int other = static_cast<int>(rng() % (arena.ids.size() - 1));
      if (other >= me) ++other;
      op.followee = arena.ids[other];
      break;
    }
    case Kind::remove: {
      auto own = arena.pool.of(op.user, rng);
      if (!own) {
        op.kind = Kind::post;
        break;
      }
      op.tweet = own->id;
      op.original = own->retweet_of;  // a retweet deleted undoes that retweet
      break;
    }
    default: {
      auto t = arena.pool.any(rng);
      if (!t) {
        op.kind = Kind::post;
        break;
      }
      op.tweet = t->id;
      op.original = t->target();
    }
  }
  return op;
}

std::string tweet_text(const Op& op, std::mt19937_64& rng) {
  return fmt::format("crash trial {} by {}{}", op.seq, op.user, std::string(rng() % 40, '!'));
}

}  // namespace

// ---- HTTP writers -----------------------------------------------------------------

void http_writer(Arena& arena, int me, std::uint64_t seed, std::vector<Op>& log) {
  std::mt19937_64 rng(seed);
  httplib::Client client("127.0.0.1", arena.port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  client.set_write_timeout(5, 0);
  const std::string& token = arena.tokens[me];
  while (!arena.stopped) {
    Op op = plan_op(arena, me, rng);
    op.seq = arena.next_seq++;
    op.via = "http";
    const std::string tweet_path = "/tweets/" + std::to_string(op.tweet);
    const std::string follow_path = "/users/" + std::to_string(op.followee) + "/follow";
    Reply r;
    switch (op.kind) {
      case Kind::post:
        r = post_json(client, "/tweets", {{"text", tweet_text(op, rng)}}, token);
        break;
      case Kind::reply:
        r = post_json(client, "/tweets",
                      {{"text", tweet_text(op, rng)}, {"reply_to", std::to_string(op.tweet)}},
                      token);
        break;
      case Kind::retweet: r = request(client, "POST", tweet_path + "/retweet", "", token); break;
      case Kind::unretweet: r = del(client, tweet_path + "/retweet", token); break;
      case Kind::like: r = request(client, "POST", tweet_path + "/like", "", token); break;
      case Kind::unlike: r = del(client, tweet_path + "/like", token); break;
      case Kind::remove: r = del(client, tweet_path, token); break;
      case Kind::follow: r = request(client, "POST", follow_path, "", token); break;
      case Kind::unfollow: r = del(client, follow_path, token); break;
    }
    if (r.status >= 200 && r.status < 300) {
      op.outcome = Outcome::acked;
    } else if (r.status >= 400 && r.status < 500) {
      op.outcome = Outcome::refused;
    } else if (r.status >= 500) {
      arena.note(fmt::format("{} got {}: {}", op.describe(), r.status, r.body));
    }
    if (op.outcome == Outcome::acked &&
        (op.kind == Kind::post || op.kind == Kind::reply || op.kind == Kind::retweet)) {
      auto j = r.json();
      if (j.is_object() && j["id"].is_string()) {
        op.result = std::stoll(j["id"].get<std::string>());
        arena.pool.add({op.result, op.user, op.kind == Kind::retweet ? op.original : 0});
      } else {
        arena.note(fmt::format("{}: acknowledged without an id: {}", op.describe(), r.body));
      }
    }
    log.push_back(op);
    // Now and then a reader too: reading marks the reader seen (a write).
    if (rng() % 10 == 0) get(client, "/users/" + std::to_string(op.user) + "/timeline", token);
  }
}

// ---- CLI writers ------------------------------------------------------------------

namespace {

std::vector<std::string> chirp_environment() {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    auto name = kv.substr(0, kv.find('='));
    if (name == "CHIRP_DB" || name == "CHIRP_USER" || name == "XDG_DATA_HOME" ||
        name == "XDG_CONFIG_HOME" || name == "HOME") {
      continue;
    }
    out.push_back(kv);
  }
  out.push_back("HOME=/nonexistent-chirp-test-home");
  return out;
}

/// Starts the chirp binary with ARGS, stdout to OUT and stderr to ERR; -1 when it
/// cannot. It gets SIGKILL if the thread that started it ends first.
pid_t start_chirp(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  std::vector<std::string> argv_strings{CHIRP_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env = chirp_environment();
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_t parent = ::getpid();
  pid_t pid = null_fd >= 0 && out_fd >= 0 && err_fd >= 0 ? ::fork() : -1;
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGPIPE}) ::sigaction(sig, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  for (int fd : {null_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  return pid;
}

/// Waits for PID to exit, sending SIGKILL at KILL_AT when it is still running then;
/// returns its exit code (128 + n for signal n). The process is reaped only once it is
/// out of ARENA.running, so the trial's killer never signals a reused pid.
int wait_chirp(Arena& arena, pid_t pid, std::optional<SteadyClock::time_point> kill_at) {
  for (;;) {
    siginfo_t info{};
    int rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0 && info.si_pid == pid) break;
    if (rc < 0 && errno != EINTR) break;
    if (kill_at && SteadyClock::now() >= *kill_at) {
      ::kill(pid, SIGKILL);
      kill_at.reset();
    }
    std::this_thread::sleep_for(1ms);
  }
  {
    std::lock_guard lock(arena.mutex);
    arena.running.erase(pid);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

void cli_writer(Arena& arena, int me, std::uint64_t seed, int kill_percent, const fs::path& dir,
                std::vector<Op>& log) {
  std::mt19937_64 rng(seed);
  const fs::path out = dir / fmt::format("cli{}.out", me);
  const fs::path err = dir / fmt::format("cli{}.err", me);
  auto handle_of = [&](Id user) {
    auto it = std::find(arena.ids.begin(), arena.ids.end(), user);
    return arena.handles[static_cast<std::size_t>(it - arena.ids.begin())];
  };
  for (;;) {
    Op op = plan_op(arena, me, rng);
    op.via = "cli";
    std::vector<std::string> args{"--db", arena.db.string(), "--as", arena.handles[me]};
    std::optional<SteadyClock::time_point> kill_at;
    if (static_cast<int>(rng() % 100) < kill_percent) {
      kill_at = SteadyClock::now() + std::chrono::milliseconds(rng() % 60);
    }
    pid_t pid = -1;
    {
      std::lock_guard lock(arena.mutex);
      if (arena.stopped) return;
      op.seq = arena.next_seq++;
      const std::string tweet = std::to_string(op.tweet);
      switch (op.kind) {
        case Kind::post: args.insert(args.end(), {"post", tweet_text(op, rng)}); break;
        case Kind::reply: args.insert(args.end(), {"reply", tweet, tweet_text(op, rng)}); break;
        case Kind::retweet: args.insert(args.end(), {"retweet", tweet}); break;
        case Kind::unretweet: args.insert(args.end(), {"unretweet", tweet}); break;
        case Kind::like: args.insert(args.end(), {"like", tweet}); break;
        case Kind::unlike: args.insert(args.end(), {"unlike", tweet}); break;
        case Kind::remove: args.insert(args.end(), {"delete", tweet}); break;
        case Kind::follow: args.insert(args.end(), {"follow", handle_of(op.followee)}); break;
        case Kind::unfollow: args.insert(args.end(), {"unfollow", handle_of(op.followee)}); break;
      }
      pid = start_chirp(args, out, err);
      if (pid > 0) arena.running.insert(pid);
    }
    if (pid <= 0) {
      arena.note("cannot start chirp: " + std::string(std::strerror(errno)));
      return;
    }
    int code = wait_chirp(arena, pid, kill_at);
    // Exit 0 is an acknowledgement. Exit 1 may follow a commit (the fan-out the CLI runs
    // after a post can fail), so it proves nothing; neither does a kill.
    if (code == 0) op.outcome = Outcome::acked;
    if (code != 0 && code != 1 && code != 128 + SIGKILL) {
      arena.note(fmt::format("{} exited {}: {}", op.describe(), code, file_bytes(err)));
    }
    if (op.outcome == Outcome::acked &&
        (op.kind == Kind::post || op.kind == Kind::reply || op.kind == Kind::retweet)) {
      std::string printed = file_bytes(out);
      Id parsed = std::strtoll(printed.c_str(), nullptr, 10);
      if (parsed > 0) {
        op.result = parsed;
        arena.pool.add({op.result, op.user, op.kind == Kind::retweet ? op.original : 0});
      } else {
        arena.note(fmt::format("{}: exit 0 without an id: '{}'", op.describe(), printed));
      }
    }
    log.push_back(op);
  }
}

}  // namespace chirp::test
