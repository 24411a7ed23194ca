#include "targets/targets.hpp"

namespace chirp::fuzz {

std::span<const Target> targets() {
  static constexpr Target k_targets[] = {
      {"tweet_text", &tweet_text},
      {"json_body", &json_body},
      {"query", &query},
      {"token", &token},
  };
  return k_targets;
}

}  // namespace chirp::fuzz
