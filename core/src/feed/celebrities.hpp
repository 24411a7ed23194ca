#pragma once
// The set of authors whose tweets are pulled at read time instead of pushed.

#include <chirp/types.hpp>

#include <cstdint>
#include <vector>

namespace chirp::detail {

struct Session;

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

}  // namespace chirp::detail
