#pragma once
// The fuzz targets' logic: each takes fuzzer bytes, calls chirp, and checks what chirp
// promises of the result. The libFuzzer binaries (fuzz/fuzz_NAME.cpp, clang only) and
// the regression test (tests/test_fuzz_regressions.cpp, any compiler) call the same
// functions, so every input kept under tests/fuzz/NAME/ is replayed by every build.

#include <cstddef>
#include <cstdint>
#include <span>

namespace chirp::fuzz {

/// validate_tweet_text and the other input rules of validate.hpp.
int tweet_text(const std::uint8_t* data, std::size_t size);
/// The server's parse_json_body.
int json_body(const std::uint8_t* data, std::size_t size);
/// The server's parse_page, bearer_token, declared_length and forwarded_client.
int query(const std::uint8_t* data, std::size_t size);
/// Auth::authenticate on raw bytes, mutated real tokens and JWTs built from the bytes.
int token(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;  ///< the folder under tests/fuzz/, and the binary fuzz_NAME
  int (*run)(const std::uint8_t* data, std::size_t size);
};

/// Every target. Each returns 0; a broken promise goes to broken() (check.hpp).
std::span<const Target> targets();

}  // namespace chirp::fuzz
