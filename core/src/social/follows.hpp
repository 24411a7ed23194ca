#pragma once
// What the follow graph shares with blocks and mutes: ending a follow, and paging a
// list of related users.

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <string>

namespace chirp::detail {

struct Session;

/// Removes FOLLOWER's follow of FOLLOWEE (inside a write transaction) with both
/// counters, the celebrity bookkeeping and the followee's tweets in the follower's
/// inbox; false when there was none.
bool end_follow(Session& session, Id follower, Id followee);

class Db;
/// One page of the users on the far side of USER's follows (or blocks, mutes). SQL
/// selects user_columns("u") and takes ?1 user, ?2 max_id, ?3 since_id, ?4 limit.
Result<Page<User>> user_page(Db& db, const std::string& sql, Id user, const PageRequest& page);

}  // namespace chirp::detail
