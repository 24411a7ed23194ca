#pragma once
// The counters table: numbers every connection shares (sql/002_celebrities.sql).

#include "storage/db.hpp"

#include <cstdint>

namespace chirp::detail {

/// Changes whenever the set of pulled authors may have changed.
std::int64_t celebrity_epoch(Db& db);
/// Marks the set of celebrities as changed, for every connection.
void bump_celebrity_epoch(Db& db);

/// When fanout.inactive_days last changed (ms).
std::int64_t inactive_days_changed_at(Db& db);
void set_inactive_days_changed_at(Db& db, std::int64_t ms);

}  // namespace chirp::detail
