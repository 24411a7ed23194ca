#pragma once
// Helpers shared by the core unit tests: unwrap results, check refusals, print id lists.

#include <chirp/core.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

// Print id lists in failure messages.
namespace doctest {
template <>
struct StringMaker<std::vector<chirp::Id>> {
  static String convert(const std::vector<chirp::Id>& ids) {
    std::string out = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
    return (out + "]").c_str();
  }
};
}  // namespace doctest

namespace chirp::test {

/// The ids of TWEETS, in order.
inline std::vector<Id> ids_of(const std::vector<Tweet>& tweets) {
  std::vector<Id> ids;
  for (const auto& t : tweets) ids.push_back(t.id);
  return ids;
}

/// The value of RESULT; fails the test with the error's message otherwise.
template <class T>
T must(Result<T> result) {
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
  return std::move(*result);
}

inline void must_ok(const Result<void>& result) {
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
}

/// RESULT is a refusal with CODE and a message.
template <class T>
void check_error(const Result<T>& result, Code code) {
  REQUIRE_FALSE(result.has_value());
  CHECK(code_name(result.error().code) == std::string(code_name(code)));
  CHECK_FALSE(result.error().message.empty());
}

}  // namespace chirp::test
