#pragma once
// Building and taking apart JWTs by hand, for the tests that attack token checking
// (core's authenticate and the server's Bearer auth). No HTTP here.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace chirp::test {

std::string base64url_encode(const std::string& bytes);
std::string base64url_decode(const std::string& text);
/// HMAC of DATA with KEY; DIGEST is "sha256" or "sha512".
std::string hmac(const std::string& digest, const std::string& key, const std::string& data);
/// header.payload.signature, signed with HMAC-<DIGEST> (or unsigned for "none").
std::string make_jwt(const nlohmann::json& header, const nlohmann::json& payload,
                     const std::string& key, const std::string& digest = "sha256");
/// The token signing secret the server uses: the raw bytes of DB.secret.
std::string read_secret(const std::filesystem::path& db);
/// The payload of a JWT, decoded.
nlohmann::json jwt_payload(const std::string& token);
std::int64_t unix_now();

/// The dot-separated parts of TOKEN (header, payload, signature for a well-formed one).
std::vector<std::string> jwt_parts(const std::string& token);

}  // namespace chirp::test
