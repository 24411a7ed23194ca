#pragma once
// --follow in remote mode: a live stream of a chirp server (GET /stream/home or
// /stream/notifications), read as
// Server-Sent Events on a thread of its own while the command's loop (follow.hpp) prints
// what came. A dropped connection is opened again after the server's retry delay with
// Last-Event-ID, so nothing is missed within what the server retains; a `reset` event
// (the server no longer has what followed that id) tells the command to reload its page.

#include <chirp/notifications.hpp>
#include <chirp/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chirp::cli {

/// One event of a stream: an item (a tweet, a notification), or (none) a reset.
template <class T>
struct LiveEvent {
  std::optional<T> item;
};

template <class T>
class Live {
public:
  virtual ~Live() = default;
  /// Waits until the stream's first connection is open. Throws std::runtime_error when
  /// the server cannot be reached or refuses the stream (the command ends with exit 1).
  virtual void wait_open() = 0;
  /// Moves whenever events came (cheap: polled often). Throws as wait_open does when
  /// the server refused a reconnection for good (the login was revoked).
  virtual std::uint64_t received() = 0;
  /// The events that came since the last call, in order.
  virtual std::vector<LiveEvent<T>> take() = 0;
};

using LiveHome = Live<Tweet>;                  ///< GET /stream/home: `tweet` events
using LiveNotifications = Live<Notification>;  ///< GET /stream/notifications

/// The stream PATH of SERVER as TOKEN's user: each EVENT event's data read by ITEM_OF
/// (the server's JSON of one item). The thread starts at once and stops with the
/// object. Made for Tweet and Notification.
template <class T>
std::unique_ptr<Live<T>> open_live(const std::string& server, const std::string& path,
                                   const std::string& token, const std::string& event,
                                   std::function<T(const std::string&)> item_of);

}  // namespace chirp::cli
