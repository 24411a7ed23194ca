#pragma once
// Fuzzer bytes read as a sequence of choices, numbers and strings. Reading past the end
// yields zeros and empty strings, so every input means something.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chirp::fuzz {

class Input {
public:
  Input(const std::uint8_t* data, std::size_t size)
      : m_rest(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return m_rest.empty(); }

  std::uint8_t byte() {
    if (m_rest.empty()) return 0;
    auto b = static_cast<std::uint8_t>(m_rest.front());
    m_rest.remove_prefix(1);
    return b;
  }

  /// One of N choices (N > 0).
  std::size_t choice(std::size_t n) { return byte() % n; }

  /// A number made of the next sizeof(T) bytes, little-endian.
  template <class T>
  T number() {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) value |= std::uint64_t{byte()} << (8 * i);
    return static_cast<T>(value);
  }

  /// The bytes up to SEPARATOR (which is consumed), or all that is left.
  std::string_view until(char separator) {
    auto at = m_rest.find(separator);
    auto part = m_rest.substr(0, at);
    m_rest.remove_prefix(at == std::string_view::npos ? m_rest.size() : at + 1);
    return part;
  }

  std::string_view rest() {
    auto part = m_rest;
    m_rest = {};
    return part;
  }

private:
  std::string_view m_rest;
};

}  // namespace chirp::fuzz
