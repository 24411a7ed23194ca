// libFuzzer's entry point for the tweet_text target (targets/tweet_text.cpp).
#include "targets/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return chirp::fuzz::tweet_text(data, size);
}
