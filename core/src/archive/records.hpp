#pragma once
// One line of an import, read into the row it describes: a JSONL export's objects, or
// an edge list's pair. The rules a line obeys on its own (fields, types, UTF-8, text
// length) are checked here; what it names (users, tweets) is checked when loaded.

#include "admin/bulk_rows.hpp"

#include <chirp/error.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace chirp::detail {

/// An edge list's "FOLLOWER FOLLOWEE": the numbers of two users (handles "u" + number).
struct EdgeRecord {
  std::string follower;
  std::string followee;
};

/// The export's first line, {"type":"chirp_export","version":2}: nothing to load.
struct HeaderRecord {};

using Record = std::variant<HeaderRecord, UserRecord, FollowRecord, TweetRecord, LikeRecord,
                            BlockRecord, MuteRecord, EdgeRecord>;

/// The version of the JSONL format export writes. Version 2 added block and mute
/// records; import reads every version from k_oldest_archive_version on (a version 1
/// file is a version 2 file without them).
constexpr int k_archive_version = 2;
constexpr int k_oldest_archive_version = 1;

/// The record on a JSONL line; nullopt for a blank line; invalid, with the reason, for
/// a line that breaks a rule. Times after NOW_MS are refused.
Result<std::optional<Record>> parse_jsonl_line(std::string_view line, std::int64_t now_ms);

/// The record on an edge list line; nullopt for a blank or '#' comment line.
Result<std::optional<Record>> parse_edge_line(std::string_view line);

}  // namespace chirp::detail
