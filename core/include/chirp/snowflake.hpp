#pragma once
/// Snowflake-style ids: 41 bits of milliseconds since 2020-01-01T00:00:00Z, 10 bits of
/// node id, 12 bits of sequence. Ids sort by time and two nodes never collide.

#include <chirp/types.hpp>

#include <cstdint>

namespace chirp {

constexpr std::int64_t k_snowflake_epoch_ms = 1577836800000;  // 2020-01-01T00:00:00Z
constexpr int k_node_bits = 10;
constexpr int k_sequence_bits = 12;

/// The smallest id that can be made at NOW_MS on NODE.
Id snowflake_floor(std::int64_t now_ms, int node);
/// The next id for NODE at NOW_MS, strictly greater than LAST (the newest id already
/// issued): the time part never goes backwards even if the clock does.
Id next_snowflake(std::int64_t now_ms, int node, Id last);
/// The creation time encoded in an id.
std::int64_t snowflake_time_ms(Id id);
int snowflake_node(Id id);

}  // namespace chirp
