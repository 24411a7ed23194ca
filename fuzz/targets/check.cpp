#include "targets/check.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace chirp::fuzz {

namespace {
std::atomic<OnBroken> g_on_broken{OnBroken::abort};
}

void set_on_broken(OnBroken mode) { g_on_broken = mode; }

void broken(std::string_view what, std::source_location location) {
  std::string message =
      fmt::format("{}:{}: broken promise: {}", location.file_name(), location.line(), what);
  if (g_on_broken == OnBroken::raise) throw BrokenPromise(message);
  std::fprintf(stderr, "%s\n", message.c_str());
  std::abort();
}

std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02X}", c);
    }
  }
  return out;
}

}  // namespace chirp::fuzz
