#pragma once
// Every counter chirp keeps beside what it counts, and its recount from the base
// tables: the same rules the writes follow when they change a counter.

#include "maintenance/problems.hpp"
#include "storage/db.hpp"

#include <cstdint>

namespace chirp::detail {

/// Adds a counter problem for every stored counter that differs from its recount.
void find_counter_problems(Db& db, ProblemList& problems);

/// What set_counters_to_recounts changed.
struct Recounted {
  std::int64_t values = 0;     ///< counter values changed, all counters together
  bool followers = false;      ///< some users.followers_count changed
};
/// Sets every counter that differs from its recount to the recount. Call inside a
/// write transaction.
Recounted set_counters_to_recounts(Db& db);

}  // namespace chirp::detail
