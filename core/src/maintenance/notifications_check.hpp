#pragma once
// Notifications against what they are about (feed/notify.cpp makes them, deleting a
// tweet deletes its own): each names a recipient and an actor that exist, and the
// live tweet it is about, or no tweet for a follow.

#include "maintenance/problems.hpp"
#include "storage/db.hpp"

#include <cstdint>

namespace chirp::detail {

/// Adds a notification_stale problem for every notification whose recipient or actor
/// does not exist, whose tweet does not exist or is deleted, or that lacks a tweet (or
/// has one, for a follow) against its kind.
void find_stale_notifications(Db& db, ProblemList& problems);

/// Deletes them; the rows deleted. Call inside a write transaction.
std::int64_t delete_stale_notifications(Db& db);

}  // namespace chirp::detail
