#pragma once
// Turning tweet ids into full tweets for a viewer.

#include <chirp/types.hpp>

#include <vector>

namespace chirp::detail {

struct Session;

/// Hydrates IDS (any order) into tweets, keeping the order of IDS and dropping deleted
/// or missing ones; retweets get their original attached. VIEWER (0 = none) sets the
/// liked/retweeted flags. Six queries at most, whatever the number of ids: the tweets
/// the read cache does not hold, with their mentions and hashtags, in three, and the
/// viewer's flags in two or three.
std::vector<Tweet> hydrate(Session& session, const std::vector<Id>& ids, Id viewer);

}  // namespace chirp::detail
