// libFuzzer's entry point for the token target (targets/token.cpp).
#include "targets/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return chirp::fuzz::token(data, size);
}
