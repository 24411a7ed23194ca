#pragma once
// The pushed inbox (the timeline table): one row per (reader, tweet), complete for
// tweet ids at or above the reader's inbox_floor, kept near timeline.inbox_cap rows.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <cstdint>
#include <vector>

namespace chirp::detail {

struct Session;

/// Records that READER's inbox is complete only for tweet ids >= FLOOR (never lowers it).
void raise_inbox_floor(Db& db, Id reader, Id floor);

/// Pushes the tweets of AUTHOR with ids >= READER's inbox floor into READER's inbox
/// (at most CAP of them, newest first) and raises the floor when more were left out.
void backfill_inbox(Db& db, Id reader, Id author, std::int64_t cap);

/// Trims READER's inbox to CAP entries, raising the inbox floor past what was removed.
void trim_inbox(Db& db, Id reader, std::int64_t cap);

/// Refills READER's inbox from scratch by pull (a reader fan-out skipped while away).
void rebuild_inbox(Session& session, Id reader);

/// Readers last seen at or after this time (ms) were pushed every tweet of their pushed
/// followees; fan-out may have skipped anyone seen before it as inactive (under
/// fanout.inactive_days now, or under an earlier value), whose inbox is rebuilt on return.
std::int64_t pushed_readers_seen_since(Session& session, std::int64_t now_ms);

/// The followees of READER whose tweets are pushed (THRESHOLD followers or fewer).
std::vector<Id> pushed_followees(Db& db, Id reader, std::int64_t threshold);

/// Removes TWEET (by AUTHOR) from the inboxes of AUTHOR's followers.
void remove_from_inboxes(Db& db, Id tweet, Id author);

/// Removes AUTHOR's tweets from READER's inbox (READER stopped following AUTHOR).
void remove_author_from_inbox(Db& db, Id reader, Id author);

}  // namespace chirp::detail
