#pragma once
// The acting user saved by `chirp use`, kept as a `user=HANDLE` line in the config file.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace chirp::cli {

/// The handle saved in the config file at PATH, if any (a missing file is no handle).
std::optional<std::string> saved_user(const std::filesystem::path& path);

/// Saves HANDLE in the config file at PATH (creating its folders), keeping its other
/// lines. Throws std::runtime_error when the file cannot be written.
void save_user(const std::filesystem::path& path, std::string_view handle);

}  // namespace chirp::cli
