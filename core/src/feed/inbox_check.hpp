#pragma once
// What every inbox must hold and must not hold, checked against the base tables: the
// rules of fan-out, back-fill, trimming and rebuilding (inbox.hpp, fanout.cpp) seen from
// the other side, for `chirp check` and its repair.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chirp::detail {

struct Session;

/// An inbox row nothing would have put there, or that should have gone.
struct StaleInboxRow {
  enum class Why { missing_tweet, deleted_tweet, not_followed };
  Id reader = 0;
  std::string reader_handle;  ///< "" when the reader is not a user
  Id tweet = 0;
  Why why = Why::missing_tweet;
  Id author = 0;              ///< the tweet's author (0 when the tweet is missing)
  std::string author_handle;  ///< "" when unknown
};

/// Calls SEE for every inbox row that points at a missing or deleted tweet, or at a
/// tweet whose author the reader does not follow. Returns the rows seen.
std::int64_t find_stale_inbox_rows(Db& db, const std::function<void(const StaleInboxRow&)>& see);

/// Deletes every row find_stale_inbox_rows finds; the number deleted. Call inside a
/// write transaction.
std::int64_t delete_stale_inbox_rows(Db& db);

/// A reader whose inbox lacks tweets it must hold.
struct InboxGap {
  Id reader = 0;
  std::string handle;
  std::int64_t expected = 0;  ///< tweets the inbox must hold
  std::int64_t missing = 0;   ///< of those, how many it lacks
  Id newest_missing = 0;
};

/// The readers whose inbox lacks a live tweet at or above their inbox floor by a
/// followee whose tweets are pushed (not over the celebrity threshold, never skipped by
/// fan-out), unless the tweet still waits in the fan-out queue or fan-out may have
/// skipped the reader as inactive (the inbox is rebuilt when they return).
std::vector<InboxGap> find_inbox_gaps(Session& session);

}  // namespace chirp::detail
