#include "saved_user.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace chirp::cli {

namespace {

std::string_view trim(std::string_view s) {
  const char* space = " \t\r\n";
  auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(space);
  return s.substr(first, last - first + 1);
}

}  // namespace

std::optional<std::string> saved_value(const std::filesystem::path& path, std::string_view key) {
  const std::string prefix = fmt::format("{}=", key);
  std::ifstream in(path);
  std::optional<std::string> value;
  for (std::string line; std::getline(in, line);) {
    auto text = trim(line);
    if (text.starts_with(prefix)) {
      auto found = trim(text.substr(prefix.size()));
      value = found.empty() ? std::nullopt : std::optional<std::string>(found);
    }
  }
  return value;
}

void save_value(const std::filesystem::path& path, std::string_view key,
                std::optional<std::string_view> value) {
  const std::string prefix = fmt::format("{}=", key);
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (!trim(line).starts_with(prefix)) lines.push_back(line);
    }
  }
  if (value) lines.push_back(prefix + std::string(*value));

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

std::optional<std::string> saved_user(const std::filesystem::path& path) {
  return saved_value(path, "user");
}

void save_user(const std::filesystem::path& path, std::string_view handle) {
  save_value(path, "user", handle);
}

}  // namespace chirp::cli
