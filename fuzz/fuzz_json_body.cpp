// libFuzzer's entry point for the json_body target (targets/json_body.cpp).
#include "targets/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return chirp::fuzz::json_body(data, size);
}
