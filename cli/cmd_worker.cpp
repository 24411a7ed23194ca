// chirp worker: drains the fan-out queue once, or until SIGINT/SIGTERM with --follow.
#include "app.hpp"

#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

namespace chirp::cli {

namespace {

struct WorkerOptions {
  bool follow = false;
  int interval_ms = 200;
};

std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void request_stop(int) { g_stop_requested = true; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void report(const FanoutStats& stats) {
  std::string line = fmt::format("fanned out {} items, {} rows", stats.items, stats.rows);
  if (stats.notifications > 0) {
    line += fmt::format(", {} notification{}", stats.notifications,
                        stats.notifications == 1 ? "" : "s");
  }
  if (stats.skipped_celebrity > 0) {
    line += fmt::format(" ({} by celebrities left to pull)", stats.skipped_celebrity);
  }
  std::cerr << line << std::endl;
}

/// Sleeps about MS milliseconds, waking early when a stop is requested.
void pause(int ms) {
  using namespace std::chrono;
  auto until = steady_clock::now() + milliseconds(ms);
  while (!g_stop_requested && steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<steady_clock::duration>(
        milliseconds(20), until - steady_clock::now()));
  }
}

}  // namespace

void add_worker_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<WorkerOptions>();
  auto* worker = app.add_subcommand(
      "worker", "Run the timeline fan-out queue (once, or continuously with --follow)");
  worker->add_flag("--follow", options->follow, "Keep draining until SIGINT or SIGTERM");
  worker->add_option("--interval-ms", options->interval_ms, "Pause between polls, with --follow")
      ->type_name("MS")
      ->check(CLI::Range(1, 60'000))
      ->capture_default_str();
  worker->callback([&context, options] {
    auto& core = context.core();
    if (!options->follow) {
      report(core.fanout().drain());
      return;
    }
    install_stop_handlers();
    while (!g_stop_requested) {
      auto stats = core.fanout().drain();
      if (stats.items > 0) report(stats);
      pause(options->interval_ms);
    }
  });
}

}  // namespace chirp::cli
