#pragma once
/// Reading timelines.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

namespace chirp {

class Timelines : public Service {
public:
  using Service::Service;

  /// The home timeline of OWNER, as VIEWER reads it: pushed inbox, own tweets and
  /// followed celebrities' tweets, merged newest first. Only its owner may read a home
  /// timeline: forbidden when VIEWER is someone else; not_found when OWNER is missing.
  /// Marks the owner as seen (rebuilding an inbox that fan-out skipped while the owner
  /// was inactive).
  Result<Page<Tweet>> home(Id owner, const PageRequest& page, Id viewer);
  /// The live view of OWNER's home timeline, as VIEWER reads it (the same rule as
  /// home): the entries fan-out made visible after event AFTER, oldest first in the
  /// order they became visible, at most LIMIT (1..200), hydrated as home hydrates them.
  /// An older tweet can become visible after a newer one (an import, a queue backlog):
  /// it is delivered then, with its own event id. Events are retained
  /// stream.resume_minutes; an AFTER older than that (or never issued) is a gap.
  Result<LiveBatch<Tweet>> home_after(Id owner, EventId after, int limit, Id viewer);
  /// The newest home event now (0 when none): a live view that starts now asks after it.
  EventId home_head();
  /// The tweets and retweets USER wrote, newest first; VIEWER (0 = none) sets the
  /// liked/retweeted flags.
  Result<Page<Tweet>> user(Id user, const PageRequest& page, Id viewer = 0);
};

}  // namespace chirp
