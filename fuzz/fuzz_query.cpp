// libFuzzer's entry point for the query target (targets/query.cpp).
#include "targets/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return chirp::fuzz::query(data, size);
}
