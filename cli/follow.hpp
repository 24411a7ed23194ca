#pragma once
// --follow: print new entries as they arrive, like `tail -f`, until the reader of
// stdout goes away (exit 0, nothing said: `chirp timeline --follow | head -3`) or
// SIGINT/SIGTERM (exit 130/143, as a shell reports a command those signals ended).
// The loop knows nothing of where entries come from: locally a FollowSource reads the
// database; a remote one would read the server's event stream.

#include <chirp/types.hpp>

#include <chrono>
#include <functional>

namespace CLI {
class App;
}

namespace chirp::cli {

/// How often --follow looks for news in the database (one cheap query).
constexpr auto k_follow_interval = std::chrono::milliseconds(200);

/// Adds --follow to COMMAND.
void add_follow_flag(CLI::App& command, bool& follow);

/// Where a followed list comes from.
struct FollowSource {
  /// What one read printed: where to read next, and whether more is already waiting.
  struct Step {
    EventId next_after = 0;
    bool more = false;
  };
  /// Something that moves whenever new entries may be there (cheap: polled often).
  std::function<EventId()> version;
  /// Prints (and flushes) the entries after CURSOR.
  std::function<Step(EventId cursor)> print_after;
};

/// Follows SOURCE from CURSOR, looking for news every INTERVAL. Returns when stdout's
/// reader is gone; throws Reported(130 or 143) on SIGINT or SIGTERM.
void follow(const FollowSource& source, EventId cursor, std::chrono::milliseconds interval);

/// Whether stdout can no longer be written (a pipe whose reader exited).
bool stdout_closed();

}  // namespace chirp::cli
