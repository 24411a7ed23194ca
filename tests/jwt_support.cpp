#include "jwt_support.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace chirp::test {

namespace fs = std::filesystem;

std::string base64url_encode(const std::string& bytes) {
  static const char* k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k_alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(k_alphabet[(acc << (6 - bits)) & 0x3f]);
  return out;  // no padding, as JWTs are written
}

std::string base64url_decode(const std::string& text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-' || c == '+') {
      v = 62;
    } else if (c == '_' || c == '/') {
      v = 63;
    } else {
      continue;  // padding
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string hmac(const std::string& digest, const std::string& key, const std::string& data) {
  const EVP_MD* md = digest == "sha512" ? EVP_sha512() : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(HMAC(md, key.data(), static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
               &length) != nullptr);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string make_jwt(const nlohmann::json& header, const nlohmann::json& payload,
                     const std::string& key, const std::string& digest) {
  std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  if (digest == "none") return signing_input + ".";
  return signing_input + "." + base64url_encode(hmac(digest, key, signing_input));
}

std::string read_secret(const fs::path& db) {
  auto path = db;
  path += ".secret";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json jwt_payload(const std::string& token) {
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  auto j = nlohmann::json::parse(base64url_decode(token.substr(first + 1, second - first - 1)),
                                 nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> jwt_parts(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace chirp::test
