#include "saved_user.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace chirp::cli {

namespace {

constexpr std::string_view k_user_key = "user=";

std::string_view trim(std::string_view s) {
  const char* space = " \t\r\n";
  auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(space);
  return s.substr(first, last - first + 1);
}

}  // namespace

std::optional<std::string> saved_user(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::optional<std::string> handle;
  for (std::string line; std::getline(in, line);) {
    auto text = trim(line);
    if (text.starts_with(k_user_key)) {
      auto value = trim(text.substr(k_user_key.size()));
      handle = value.empty() ? std::nullopt : std::optional<std::string>(value);
    }
  }
  return handle;
}

void save_user(const std::filesystem::path& path, std::string_view handle) {
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (!trim(line).starts_with(k_user_key)) lines.push_back(line);
    }
  }
  lines.push_back(fmt::format("{}{}", k_user_key, handle));

  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  // Write a sibling file and rename it over the old one, so a crash never leaves half.
  auto temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& line : lines) out << line << '\n';
    out.flush();
    if (!out) {
      throw std::runtime_error(
          fmt::format("cannot write {}: {}", temporary.string(), std::strerror(errno)));
    }
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace chirp::cli
