#pragma once
// What blocks and mutes must keep (social/blocks.cpp): no follow across a block, nobody
// following, blocking or muting themselves, and the hides_version stamp off 0 for
// everyone a block or mute concerns, since a reader whose stamp is 0 hides nobody
// without a query (feed/visibility.cpp). Rows naming missing users are
// maintenance/references.hpp's.

#include "maintenance/problems.hpp"
#include "storage/db.hpp"

#include <cstdint>

namespace chirp::detail {

/// Adds a blocked_follow problem for every follow a block stands between, either way.
void find_blocked_follows(Db& db, ProblemList& problems);
/// Deletes them, bumping each follower's follows_version as an unfollow does; the rows
/// deleted. The counters and inboxes they leave are the recount's and the inbox
/// repair's. Call inside a write transaction.
std::int64_t delete_blocked_follows(Db& db);

/// Adds a self_relation problem for every follow, block and mute of oneself.
void find_self_relations(Db& db, ProblemList& problems);
/// Deletes them (restamping follows_version or hides_version); the rows deleted. Call
/// inside a write transaction.
std::int64_t delete_self_relations(Db& db);

/// Adds a cache_stamp problem for every user whose hides_version is 0 while they block,
/// are blocked or mute: reads take them to hide nobody, so the block or mute is void.
void find_stale_hides_stamps(Db& db, ProblemList& problems);
/// Sets those stamps to 1 (they were 0: no cached list of hidden users can hold a
/// newer one); the users fixed. Call inside a write transaction.
std::int64_t fix_stale_hides_stamps(Db& db);

}  // namespace chirp::detail
