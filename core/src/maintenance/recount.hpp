#pragma once
// Every counter chirp keeps beside what it counts, and its recount from the base
// tables: the same rules the writes follow when they change a counter.

#include "maintenance/problems.hpp"
#include "storage/db.hpp"

#include <cstdint>
#include <string>

namespace chirp::detail {

/// Adds a counter problem for every stored counter that differs from its recount.
void find_counter_problems(Db& db, ProblemList& problems);

/// Adds a counter problem for every hashtag whose hourly trend counts do not add up
/// to the tweets that use it.
void find_trend_count_problems(Db& db, ProblemList& problems);
/// Rebuilds the hourly trend counts from the tweets' hashtags; the buckets written.
std::int64_t set_trend_counts_to_recounts(Db& db);

/// What set_counters_to_recounts changed.
struct Recounted {
  std::int64_t values = 0;     ///< counter values changed, all counters together
  bool followers = false;      ///< some users.followers_count changed
};
/// Sets every counter that differs from its recount to the recount. Call inside a
/// write transaction.
Recounted set_counters_to_recounts(Db& db);

/// The same for the users whose ids are in the JSON array USERS and the tweets in
/// TWEETS only (json_array in storage/rows.hpp): what a bulk load touched.
Recounted set_counters_to_recounts_of(Db& db, const std::string& users, const std::string& tweets);

}  // namespace chirp::detail
