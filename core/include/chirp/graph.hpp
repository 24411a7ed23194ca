#pragma once
/// The follow graph: following, unfollowing, and the lists of followers and followees.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

namespace chirp {

class Graph : public Service {
public:
  using Service::Service;

  /// Follows (idempotent). invalid: following oneself; not_found: missing user.
  /// Back-fills the followee's recent tweets into the follower's inbox.
  Result<void> follow(Id follower, Id followee);
  /// Unfollows (idempotent) and removes the followee's tweets from the inbox.
  Result<void> unfollow(Id follower, Id followee);
  Result<Page<User>> followers(Id user, const PageRequest& page);
  Result<Page<User>> following(Id user, const PageRequest& page);
  bool is_following(Id follower, Id followee);
};

}  // namespace chirp
