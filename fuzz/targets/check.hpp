#pragma once
// What a fuzz target does when chirp breaks a promise: abort, which libFuzzer records
// as a crash with the input that caused it (the default), or throw BrokenPromise, so
// the regression test can name the input and go on to the next.

#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>

namespace chirp::fuzz {

struct BrokenPromise : std::logic_error {
  using std::logic_error::logic_error;
};

enum class OnBroken { abort, raise };
void set_on_broken(OnBroken mode);

/// Reports that WHAT does not hold (after printing it with LOCATION).
[[noreturn]] void broken(std::string_view what,
                         std::source_location location = std::source_location::current());

/// broken(WHAT) unless OK.
inline void expect(bool ok, std::string_view what,
                   std::source_location location = std::source_location::current()) {
  if (!ok) broken(what, location);
}

/// TEXT with bytes outside printable ASCII written as \xNN, for messages.
std::string printable(std::string_view text);

}  // namespace chirp::fuzz
