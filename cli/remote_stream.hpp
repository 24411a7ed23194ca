#pragma once
// --follow in remote mode: a live stream of a chirp server (GET /stream/home), read as
// Server-Sent Events on a thread of its own while the command's loop (follow.hpp) prints
// what came. A dropped connection is opened again after the server's retry delay with
// Last-Event-ID, so nothing is missed within what the server retains; a `reset` event
// (the server no longer has what followed that id) tells the command to reload its page.

#include <chirp/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chirp::cli {

/// One event of a home stream: a tweet, or (none) a reset.
struct LiveTweet {
  std::optional<Tweet> tweet;
};

class LiveHome {
public:
  virtual ~LiveHome() = default;
  /// Waits until the stream's first connection is open. Throws std::runtime_error when
  /// the server cannot be reached or refuses the stream (the command ends with exit 1).
  virtual void wait_open() = 0;
  /// Moves whenever events came (cheap: polled often). Throws as wait_open does when
  /// the server refused a reconnection for good (the login was revoked).
  virtual std::uint64_t received() = 0;
  /// The events that came since the last call, in order.
  virtual std::vector<LiveTweet> take() = 0;
};

/// The stream PATH of SERVER as TOKEN's user, each event's data read by TWEET_OF (the
/// server's JSON of a tweet). The thread starts at once and stops with the object.
std::unique_ptr<LiveHome> open_live_home(const std::string& server, const std::string& path,
                                         const std::string& token,
                                         std::function<Tweet(const std::string&)> tweet_of);

}  // namespace chirp::cli
