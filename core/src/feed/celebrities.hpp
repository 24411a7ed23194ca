#pragma once
// The set of authors whose tweets are pulled at read time instead of pushed.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <cstdint>
#include <vector>

namespace chirp::detail {

struct Session;
struct UserRow;

/// The celebrities as one connection last loaded them, reloaded when the database's
/// celebrity_epoch (storage/counters.hpp) or the threshold changes.
struct CelebrityCache {
  std::int64_t epoch = -1;
  std::int64_t threshold = -1;
  std::vector<Id> sorted_ids;
};

/// The authors whose tweets are pulled at read time (sorted_ids): every user with more
/// followers than THRESHOLD, and every user fan-out ever skipped; cached per connection.
const CelebrityCache& celebrities(Session& session, std::int64_t threshold);

/// Marks AUTHOR's tweets as pulled at read time from now on, whatever their follower
/// count, because some follower's inbox lacks some of them (fan-out skipped a tweet, or
/// a follow or an inbox rebuild skipped the author as a celebrity). A no-op when the
/// author is already marked.
void mark_pulled(Db& db, Id author);

/// The celebrities READER follows (THRESHOLD as the settings have it), kept in the
/// connection's read cache until the reader's follows or the celebrities change.
std::vector<Id> followed_celebrities(Session& session, const UserRow& reader,
                                     std::int64_t threshold);

}  // namespace chirp::detail
