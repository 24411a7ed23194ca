#include <chirp/snowflake.hpp>

#include <algorithm>

namespace chirp {

Id snowflake_floor(std::int64_t now_ms, int node) {
  std::int64_t since_epoch = std::max<std::int64_t>(0, now_ms - k_snowflake_epoch_ms);
  return (since_epoch << (k_node_bits + k_sequence_bits)) |
         (static_cast<std::int64_t>(node & ((1 << k_node_bits) - 1)) << k_sequence_bits);
}

Id next_snowflake(std::int64_t now_ms, int node, Id last) {
  Id floor = snowflake_floor(now_ms, node);
  if (floor > last) return floor;
  // Same millisecond (or a clock that went backwards): continue from LAST. When the
  // 12-bit sequence runs out, borrow the next millisecond of this node.
  Id next = last + 1;
  Id node_part = static_cast<Id>(node & ((1 << k_node_bits) - 1)) << k_sequence_bits;
  Id sequence_mask = (Id{1} << k_sequence_bits) - 1;
  Id time_part = next >> (k_node_bits + k_sequence_bits);
  if (snowflake_node(last) != node || (last & sequence_mask) == sequence_mask) {
    time_part = (last >> (k_node_bits + k_sequence_bits)) + 1;
    return (time_part << (k_node_bits + k_sequence_bits)) | node_part;
  }
  return (time_part << (k_node_bits + k_sequence_bits)) | node_part | (next & sequence_mask);
}

std::int64_t snowflake_time_ms(Id id) {
  return (id >> (k_node_bits + k_sequence_bits)) + k_snowflake_epoch_ms;
}

int snowflake_node(Id id) {
  return static_cast<int>((id >> k_sequence_bits) & ((1 << k_node_bits) - 1));
}

}  // namespace chirp
