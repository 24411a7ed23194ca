#pragma once
// Turning tweet ids into full tweets for a viewer.

#include <chirp/types.hpp>

#include <vector>

namespace chirp::detail {

struct Session;

/// Hydrates IDS (any order) into tweets, keeping the order of IDS and dropping deleted
/// or missing ones; retweets get their original attached. VIEWER (0 = none) sets the
/// liked/retweeted flags. Two queries at most, whatever the number of ids, plus what
/// the read cache already holds.
std::vector<Tweet> hydrate(Session& session, const std::vector<Id>& ids, Id viewer);

}  // namespace chirp::detail
