#pragma once
// Password hashing with argon2id (libsodium crypto_pwhash_str), at most a few hashes at
// once so a burst of logins cannot exhaust memory (each takes 64 MiB).

#include <string>
#include <string_view>

namespace chirp::detail {

std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
/// True when HASH was made with weaker parameters than hash_password uses now.
bool password_needs_rehash(const std::string& hash);
/// Spends the time of one verification without a real hash (unknown users), so a
/// wrong handle and a wrong password cannot be told apart by timing.
void verify_dummy_password(std::string_view password);

}  // namespace chirp::detail
