#pragma once
// The config file's lines `KEY=VALUE`: the acting user saved by `chirp use` (`user=`)
// and the server saved by `chirp login` (`server=`).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace chirp::cli {

/// The value of KEY (e.g. "user") in the config file at PATH, if any (a missing file
/// has none).
std::optional<std::string> saved_value(const std::filesystem::path& path, std::string_view key);

/// Saves VALUE as KEY's in the config file at PATH (creating its folders), keeping its
/// other lines; no VALUE removes KEY's line. Throws std::runtime_error when the file
/// cannot be written.
void save_value(const std::filesystem::path& path, std::string_view key,
                std::optional<std::string_view> value);

/// The handle saved in the config file at PATH, if any (a missing file is no handle).
std::optional<std::string> saved_user(const std::filesystem::path& path);

/// Saves HANDLE in the config file at PATH (creating its folders), keeping its other
/// lines. Throws std::runtime_error when the file cannot be written.
void save_user(const std::filesystem::path& path, std::string_view handle);

}  // namespace chirp::cli
