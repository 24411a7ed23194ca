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
  /// The tweets and retweets USER wrote, newest first; VIEWER (0 = none) sets the
  /// liked/retweeted flags.
  Result<Page<Tweet>> user(Id user, const PageRequest& page, Id viewer = 0);
};

}  // namespace chirp
