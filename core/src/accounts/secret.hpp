#pragma once
// The token signing secret: 32 random bytes (libsodium), kept in a 0600 file.

#include <filesystem>
#include <string>

namespace chirp::detail {

/// Reads the secret at PATH, creating it (mode 0600) when missing.
std::string load_or_create_secret(const std::filesystem::path& path);
std::string random_secret();

}  // namespace chirp::detail
