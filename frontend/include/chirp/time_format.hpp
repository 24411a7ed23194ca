#pragma once
/// Time as people and scripts read it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chirp {

/// RFC 3339 UTC with milliseconds: 2026-11-30T09:37:29.123Z.
std::string format_rfc3339(std::int64_t ms);
/// The milliseconds of TEXT as format_rfc3339 writes it (years 0000-9999, "Z"), or
/// nullopt for anything else: what the CLI reads back from a server's JSON.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
/// "now", "42s", "5m", "3h", "2d", then "Nov 3" / "Nov 3, 2025" like other clients.
std::string format_relative(std::int64_t ms, std::int64_t now_ms);

}  // namespace chirp
