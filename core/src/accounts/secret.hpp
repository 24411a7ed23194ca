#pragma once
// The token signing secret: 32 random bytes (libsodium), kept in a 0600 file.

#include <filesystem>
#include <string>

namespace chirp::detail {

/// Reads the secret at PATH, creating it (mode 0600) when missing.
std::string load_or_create_secret(const std::filesystem::path& path);
std::string random_secret();

/// Writes SECRET to a new file at PATH (mode 0600, synced): written beside it first,
/// then linked into place, so PATH never holds part of a secret. False when PATH
/// already exists; throws std::runtime_error when it cannot be written.
bool create_secret_file(const std::filesystem::path& path, const std::string& secret);

}  // namespace chirp::detail
