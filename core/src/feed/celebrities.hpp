#pragma once
// The set of authors whose tweets are pulled at read time instead of pushed.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <cstdint>
#include <vector>

namespace chirp::detail {

struct Session;

/// The celebrities as one connection last loaded them, reloaded when the database's
/// celebrity_epoch or the threshold changes.
struct CelebrityCache {
  std::int64_t epoch = -1;
  std::int64_t threshold = -1;
  std::vector<Id> sorted_ids;
};

/// Marks the set of celebrities as changed, for every connection.
void bump_celebrity_epoch(Db& db);

/// The sorted ids of the authors whose tweets are pulled at read time: every user with
/// more followers than THRESHOLD, and every user fan-out ever skipped (cached).
const std::vector<Id>& celebrities(Session& session, std::int64_t threshold);

}  // namespace chirp::detail
