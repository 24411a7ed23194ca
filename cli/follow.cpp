#include "follow.hpp"

#include "app.hpp"

#include <CLI/CLI.hpp>

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

namespace chirp::cli {

namespace {

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");

extern "C" void on_stop_signal(int sig) { g_stop_signal = sig; }

void install_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A reader that went away is seen as EPIPE on the next write (and by stdout_closed
  // while waiting), and ends the loop quietly rather than killing the process.
  std::signal(SIGPIPE, SIG_IGN);
}

constexpr auto k_slice = std::chrono::milliseconds(20);

}  // namespace

void add_follow_flag(CLI::App& command, bool& follow) {
  command.add_flag("--follow", follow,
                   "Then keep printing new entries as they arrive, oldest first, until Ctrl-C "
                   "(exit 130) or the reader of stdout exits (exit 0)");
}

bool stdout_closed() {
  pollfd p{STDOUT_FILENO, 0, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
}

void follow(const FollowSource& source, EventId cursor, std::chrono::milliseconds interval) {
  install_handlers();
  EventId seen = -1;
  bool more = true;
  auto next_look = std::chrono::steady_clock::now();
  for (;;) {
    if (int sig = g_stop_signal) throw Reported(128 + sig);
    if (!std::cout || stdout_closed()) return;
    auto now = std::chrono::steady_clock::now();
    if (more || now >= next_look) {
      next_look = now + interval;
      // Read before printing: whatever lands after this is seen at the next look.
      EventId version = source.version();
      if (more || version != seen) {
        seen = version;
        auto step = source.print_after(cursor);
        std::cout.flush();
        cursor = step.next_after;
        more = step.more;
        continue;
      }
    }
    std::this_thread::sleep_for(k_slice);
  }
}

}  // namespace chirp::cli
