#include "log_text.hpp"

#include <fmt/core.h>
#include <utf8.h>

#include <array>

namespace chirp::server {

std::string log_safe(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  auto it = text.begin();
  while (it != text.end()) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(*it);
    if (c == '\\') {
      out += "\\\\";
      ++it;
    } else if (c == '\n') {
      out += "\\n";
      ++it;
    } else if (c == '\r') {
      out += "\\r";
      ++it;
    } else if (c == '\t') {
      out += "\\t";
      ++it;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++it;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++it;
    } else {
      // A whole valid UTF-8 sequence is kept; anything else byte by byte, escaped.
      auto next = it;
      if (utf8::internal::validate_next(next, text.end()) == utf8::internal::UTF8_OK) {
        out.append(it, next);
        it = next;
      } else {
        out += fmt::format("\\x{:02x}", c);
        ++it;
      }
    }
  }
  return out;
}

std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 9> k_methods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (auto known : k_methods) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace chirp::server
