#pragma once
/// Notifications: a user is notified when mentioned, replied to, liked, retweeted or
/// followed. The queue worker (Fanout::drain) creates them from the events the writes
/// queued, at most one per (kind, actor, tweet), never for one's own action, never
/// across a block or from someone muted. Ids only grow: a reader that saw id X and asks
/// for everything after X misses nothing.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace chirp {

enum class NotificationKind { mention, reply, like, retweet, follow };

/// "mention", "reply", "like", "retweet" or "follow".
std::string_view kind_name(NotificationKind kind);

struct Notification {
  Id id = 0;
  NotificationKind kind = NotificationKind::follow;
  User actor;                  ///< who mentioned, replied, liked, retweeted or followed
  std::optional<Tweet> tweet;  ///< the mention or reply, or what was liked or retweeted
  std::int64_t created_at_ms = 0;
  bool read = false;
};

class Notifications : public Service {
public:
  using Service::Service;

  /// USER's notifications, newest first, paged like every list (since_id gives the
  /// ones after an id); only the unread ones when UNREAD_ONLY. Those from users USER
  /// does not see (blocks, mutes) are left out. not_found: a missing user.
  Result<Page<Notification>> list(Id user, const PageRequest& page, bool unread_only = false);

  /// USER's notifications with an id above AFTER, OLDEST first, at most LIMIT
  /// (1..200): what a stream resuming after the last id it sent delivers next.
  Result<std::vector<Notification>> after(Id user, Id after, int limit);

  /// The newest notification id of anyone (0 when none): a stream that starts now
  /// asks after() it, and it moves whenever the worker creates one.
  Id newest_id();

  /// Marks USER's notifications with ids up to UP_TO (included) read; how many were
  /// unread. invalid: UP_TO not positive.
  Result<std::int64_t> mark_read(Id user, Id up_to);

  /// How many of USER's notifications (those list() shows) are unread.
  std::int64_t unread_count(Id user);

  /// Sets USER.unread_notifications when VIEWER is that user: one's own profile only.
  void add_unread_count(User& user, Id viewer);
};

}  // namespace chirp
