#pragma once
// --follow: print new entries as they arrive, like `tail -f`, until the reader of
// stdout goes away (exit 0, nothing said: `chirp timeline --follow | head -3`) or
// SIGINT/SIGTERM (exit 130/143, as a shell reports a command those signals ended).
// The loop knows nothing of where entries come from: locally a FollowSource reads the
// database; a remote one would read the server's event stream.

#include "remote_stream.hpp"

#include <chirp/types.hpp>

#include <chrono>
#include <functional>
#include <unordered_set>
#include <utility>
#include <vector>

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

/// How often --follow in remote mode looks at what its stream's thread received.
constexpr auto k_remote_follow_interval = std::chrono::milliseconds(20);

/// --follow in remote mode (Backend::live_home, live_notifications): LIVE opens first,
/// then PRINT gets LOAD_PAGE's items (the page asked for, oldest first), then each item
/// the stream brings, each id once; a reset (the server no longer has all that came
/// after what it sent) prints what the page has new.
template <class T>
void follow_live(Live<T>& live, const std::function<std::vector<T>()>& load_page,
                 const std::function<void(std::vector<T>)>& print) {
  live.wait_open();
  std::unordered_set<Id> printed;
  auto print_new = [&](std::vector<T> items) {
    std::erase_if(items, [&](const T& item) { return !printed.insert(item.id).second; });
    print(std::move(items));
  };
  print_new(load_page());
  FollowSource source{[&] { return static_cast<EventId>(live.received()); },
                      [&](EventId) {
                        std::vector<T> fresh;
                        for (auto& event : live.take()) {
                          if (event.item) {
                            fresh.push_back(std::move(*event.item));
                            continue;
                          }
                          print_new(std::exchange(fresh, {}));
                          print_new(load_page());
                        }
                        print_new(std::move(fresh));
                        return FollowSource::Step{};
                      }};
  follow(source, 0, k_remote_follow_interval);
}

/// Whether stdout can no longer be written (a pipe whose reader exited).
bool stdout_closed();

}  // namespace chirp::cli
