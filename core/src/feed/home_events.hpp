#pragma once
// The home_events log (sql/008_live_events.sql): what fan-out made visible, in commit
// order, for live home streams. Written and trimmed by fan-out in its own transaction.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <cstdint>

namespace chirp::detail {

/// Records that fan-out made TWEET (by AUTHOR) visible in its readers' home timelines.
void append_home_event(Db& db, Id tweet, Id author, std::int64_t now_ms);

/// Drops the events older than CUTOFF_MS, but never the newest one.
void trim_home_events(Db& db, std::int64_t cutoff_ms);

}  // namespace chirp::detail
