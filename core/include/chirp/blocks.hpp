#pragma once
/// Blocks and mutes.
///
/// A block ends the follows both ways (with their counters, in the same transaction);
/// from then on neither may follow the other, nor reply to, like or retweet the other's
/// tweets (forbidden), neither is notified of the other, and neither sees the other's
/// tweets in home timelines, threads, notifications, search or tag pages. A mute hides
/// the muted user's tweets and notifications from the muter only; nothing changes for
/// the muted user. Both apply at once, whatever fan-out already pushed.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

namespace chirp {

class Blocks : public Service {
public:
  using Service::Service;

  /// USER blocks OTHER (idempotent). invalid: oneself; not_found: a missing user.
  Result<void> block(Id user, Id other);
  /// Ends USER's block of OTHER (idempotent: not blocking is no failure).
  Result<void> unblock(Id user, Id other);
  /// USER mutes OTHER (idempotent). invalid: oneself; not_found: a missing user.
  Result<void> mute(Id user, Id other);
  /// Ends USER's mute of OTHER (idempotent); their tweets are pushed again.
  Result<void> unmute(Id user, Id other);

  bool is_blocking(Id user, Id other);
  bool is_muting(Id user, Id other);

  /// The users USER blocks / mutes, by id newest first, paged like every list.
  Result<Page<User>> blocked(Id user, const PageRequest& page);
  Result<Page<User>> muted(Id user, const PageRequest& page);
};

}  // namespace chirp
