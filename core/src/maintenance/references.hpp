#pragma once
// The file and its references: integrity_check, foreign_key_check, and the likes,
// follows, blocks and mutes left naming a user or tweet that does not exist
// (notifications: maintenance/notifications_check.hpp).

#include "maintenance/problems.hpp"
#include "storage/db.hpp"

#include <cstdint>

namespace chirp::detail {

/// Runs PRAGMA integrity_check, adding a problem per complaint (at most 100); true when
/// the file is sound. A file too damaged to check counts as one complaint.
bool check_integrity(Db& db, ProblemList& problems);

/// Adds a problem for every row whose foreign key names a missing row.
void find_dangling_references(Db& db, ProblemList& problems);

/// Deletes the likes, follows, blocks and mutes that name a missing user or tweet (what
/// they relate no longer exists); the rows deleted. Followers who lose a follow have
/// their follows_version bumped, as an unfollow does, and users who lose a block or
/// mute their hides_version, as an unblock or unmute does. Call inside a write
/// transaction.
std::int64_t delete_dangling_relations(Db& db);

}  // namespace chirp::detail
