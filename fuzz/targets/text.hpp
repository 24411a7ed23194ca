#pragma once
// Small text helpers the targets share.

#include <string_view>
#include <vector>

namespace chirp::fuzz {

/// TEXT cut at every SEPARATOR (n separators give n + 1 parts).
inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

}  // namespace chirp::fuzz
