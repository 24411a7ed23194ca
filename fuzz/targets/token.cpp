// Auth::authenticate on hostile tokens. The target writes the signing secret itself
// before it opens the core, so besides raw bytes and mutated real tokens it can build
// correctly signed tokens that carry claims chirp never issues. The promises checked:
// authenticate never throws; it accepts a token only when its signature is exactly the
// HMAC-SHA256 of its first two parts under the secret, its header says HS256, and its
// claims are chirp's (issuer), name an existing user at that user's current token
// version, and were issued (give or take a minute) before now and expire after; and a
// token built the way chirp builds one, with plausible times, is accepted.
#include "targets/check.hpp"
#include "targets/input.hpp"
#include "targets/targets.hpp"
#include "targets/text.hpp"

#include <chirp/core.hpp>

#include <nlohmann/json.hpp>
#include <sodium.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::fuzz {

namespace {

using nlohmann::json;
using namespace std::literals;

constexpr std::int64_t k_now_ms = 1'700'000'000'000;
constexpr std::int64_t k_now_s = k_now_ms / 1000;
constexpr std::int64_t k_hour_ms = 3'600'000;
constexpr std::int64_t k_ten_years_s = 10LL * 365 * 24 * 3600;
constexpr std::string_view k_secret = "0123456789abcdef0123456789ABCDEF";  // 32 bytes

std::string encode(std::string_view bytes, int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

/// TEXT as strict base64url without padding, decoded.
std::optional<std::string> decode(std::string_view text) {
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string hmac_sha512(std::string_view key, std::string_view data) {
  unsigned char mac[crypto_auth_hmacsha512_BYTES];
  crypto_auth_hmacsha512_state state;
  crypto_auth_hmacsha512_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha512_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha512_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::optional<json> json_part(std::string_view part) {
  auto bytes = decode(part);
  if (!bytes) return std::nullopt;
  json value = json::parse(*bytes, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

/// The integer claim NAME; one above the int64 range reads as its largest value, which
/// compares with the times and versions here as the real number does.
std::optional<std::int64_t> integer_claim(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return it->get<std::int64_t>();
}

template <class T>
T must(Result<T> result, const char* what) {
  if (!result) broken(std::string(what) + ": " + result.error().message);
  return std::move(*result);
}

struct Fixture {
  std::shared_ptr<ManualClock> clock;
  std::optional<Core> core;
  std::vector<std::string> valid;    ///< tokens chirp issued that are still good
  std::vector<std::string> invalid;  ///< tokens chirp issued, since expired or revoked
  std::vector<Id> users;
  std::map<Id, std::int64_t> versions;  ///< each user's current token version
};

Fixture make_fixture() {
  if (sodium_init() < 0) broken("libsodium failed to initialize");
  Fixture f;
  auto secret_path = std::filesystem::temp_directory_path() /
                     ("chirp-fuzz-token-" + std::to_string(::getpid()) + ".secret");
  std::filesystem::remove(secret_path);
  std::ofstream(secret_path, std::ios::binary) << k_secret;
  f.clock = std::make_shared<ManualClock>(k_now_ms - 25 * k_hour_ms);
  f.core.emplace(Core::open({.path = ":memory:", .clock = f.clock, .secret_path = secret_path}));
  std::filesystem::remove(secret_path);
  auto& auth = f.core->auth();
  for (const char* handle : {"alice", "bob", "carol"}) {
    f.users.push_back(must(f.core->users().create({.handle = handle}), "creating a user").id);
  }
  Id alice = f.users[0];
  Id carol = f.users[2];
  // Tokens live a day by default: this one has expired by now.
  f.invalid.push_back(must(auth.issue_token(alice), "issuing a token").token);
  f.clock->set_ms(k_now_ms - k_hour_ms);
  f.invalid.push_back(must(auth.issue_token(carol), "issuing a token").token);
  if (!auth.revoke_tokens(carol)) broken("revoking tokens");
  for (Id user : f.users) f.valid.push_back(must(auth.issue_token(user), "issuing a token").token);
  f.clock->set_ms(k_now_ms);
  for (std::size_t i = 0; i < f.users.size(); ++i) {
    auto payload = json_part(split(f.valid[i], '.').at(1));
    if (!payload || !payload->contains("ver")) broken("an issued token has no version");
    f.versions[f.users[i]] = (*payload)["ver"].get<std::int64_t>();
  }
  for (std::size_t i = 0; i < f.valid.size(); ++i) {
    auto user = auth.authenticate(f.valid[i]);
    expect(user && user->id == f.users[i], "a token chirp just issued is refused");
  }
  for (const auto& token : f.invalid) {
    expect(!auth.authenticate(token), "an expired or revoked token is accepted");
  }
  return f;
}

Fixture& fixture() {
  static Fixture f = make_fixture();
  return f;
}

/// The user TOKEN may be accepted for: what a correctly signed, current chirp token
/// names, or nullopt.
std::optional<Id> acceptable_user(const Fixture& f, std::string_view token) {
  auto parts = split(token, '.');
  if (parts.size() != 3) return std::nullopt;
  std::string signing_input(token.substr(0, parts[0].size() + 1 + parts[1].size()));
  if (parts[2] != encode(hmac_sha256(k_secret, signing_input))) return std::nullopt;
  auto header = json_part(parts[0]);
  auto claims = json_part(parts[1]);
  if (!header || !claims) return std::nullopt;
  if (header->value("alg", json()) != "HS256" || claims->value("iss", json()) != "chirp") {
    return std::nullopt;
  }
  auto sub = claims->value("sub", json());
  if (!sub.is_string()) return std::nullopt;
  std::optional<Id> user;
  for (const auto& [id, version] : f.versions) {
    std::string digits = sub.get<std::string>();
    auto nonzero = digits.find_first_not_of('0');
    if (nonzero != std::string::npos && digits.substr(nonzero) == std::to_string(id) &&
        integer_claim(*claims, "ver") == version) {
      user = id;
    }
  }
  auto expires = integer_claim(*claims, "exp");
  auto issued = integer_claim(*claims, "iat");
  if (!user || !expires || *expires <= k_now_s || !issued || *issued > k_now_s + 60) {
    return std::nullopt;
  }
  return user;
}

char base64url_char(std::uint8_t b) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  if (b < 224) return k_alphabet[b % 64];
  static constexpr std::string_view k_others = ".=+/ \0\t\n%\\\"{}@~\xFF"sv;
  return k_others[b % k_others.size()];
}

/// A real token, changed a few times.
std::string mutated_token(const Fixture& f, Input& input) {
  std::vector<std::string> tokens = f.valid;
  tokens.insert(tokens.end(), f.invalid.begin(), f.invalid.end());
  std::string token = tokens[input.choice(tokens.size())];
  for (std::size_t edits = 1 + input.choice(4); edits > 0; --edits) {
    std::size_t op = input.choice(7);
    std::size_t at = input.number<std::uint16_t>() % (token.size() + 1);
    switch (op) {
      case 0:
        if (at < token.size()) token[at] = base64url_char(input.byte());
        break;
      case 1:
        if (at < token.size()) token.erase(at, 1);
        break;
      case 2:
        token.insert(at, 1, base64url_char(input.byte()));
        break;
      case 3:
        token.resize(at);
        break;
      case 4:
        if (at < token.size()) token[at] = static_cast<char>(token[at] ^ (1 << input.choice(8)));
        break;
      case 5: {  // one part taken from another real token
        auto ours = split(token, '.');
        auto theirs = split(tokens[input.choice(tokens.size())], '.');
        std::size_t part = input.choice(3);
        if (ours.size() != 3 || theirs.size() != 3) break;
        std::string rebuilt;
        for (std::size_t i = 0; i < 3; ++i) {
          rebuilt += std::string(i == part ? theirs[i] : ours[i]) + (i < 2 ? "." : "");
        }
        token = rebuilt;
        break;
      }
      default:
        token += input.until('\0');
        break;
    }
  }
  return token;
}

/// HEADER.PAYLOAD (already encoded) with a signature the input picks; VALID tells
/// whether it is the one chirp would compute.
std::string signed_token(std::string signing_input, Input& input, bool* valid) {
  std::string mac = hmac_sha256(k_secret, signing_input);
  std::size_t how = input.byte() < 128 ? 0 : input.choice(8);
  *valid = how == 0;
  std::string signature;
  switch (how) {
    case 0:
      signature = encode(mac);
      break;
    case 1:
      break;  // unsigned, as with alg "none"
    case 2:
      signature = encode(hmac_sha256("another key", signing_input));
      break;
    case 3:  // the right bytes, the last character's unused bits set
      signature = encode(mac);
      signature.back() = base64url_char(static_cast<std::uint8_t>(
          std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
              .find(signature.back()) ^ 1));
      break;
    case 4:
      signature = encode(mac, sodium_base64_VARIANT_ORIGINAL);
      break;
    case 5:
      signature = encode(hmac_sha512(k_secret, signing_input));
      break;
    case 6:
      signature = encode(input.until('\0'));
      break;
    default:
      signature = std::string(input.until('\0'));
      break;
  }
  return signing_input + "." + signature;
}

std::string encoded_part(std::string_view bytes, Input& input) {
  static constexpr int k_variants[] = {
      sodium_base64_VARIANT_URLSAFE_NO_PADDING, sodium_base64_VARIANT_URLSAFE_NO_PADDING,
      sodium_base64_VARIANT_URLSAFE_NO_PADDING, sodium_base64_VARIANT_URLSAFE,
      sodium_base64_VARIANT_ORIGINAL_NO_PADDING, sodium_base64_VARIANT_ORIGINAL};
  return encode(bytes, k_variants[input.choice(std::size(k_variants))]);
}

/// Header and payload JSON text straight from the input.
std::string json_text_token(Input& input) {
  std::string header = encoded_part(input.until('\x1F'), input);
  std::string payload = encoded_part(input.until('\x1F'), input);
  bool valid = false;
  return signed_token(header + "." + payload, input, &valid);
}

/// Claims chosen by the input among right, nearly right and wrong ones. MUST_ACCEPT
/// tells whether they are what chirp itself issues, with plausible times.
std::string claims_token(const Fixture& f, Input& input, bool* must_accept) {
  bool plausible = true;
  auto pick = [&](std::initializer_list<json> options, std::size_t good) {
    std::size_t i = input.choice(options.size());
    plausible = plausible && i < good;
    return *(options.begin() + static_cast<std::ptrdiff_t>(i));
  };
  json missing = json::value_t::discarded;
  json header = json::object();
  json payload = json::object();
  auto set = [](json& object, const char* name, const json& value) {
    if (!value.is_discarded()) object[name] = value;
  };
  set(header, "alg", pick({"HS256", "hs256", "HS512", "none", "RS256", missing, 256, "HS256 "}, 1));
  set(header, "typ", pick({"JWT", missing, "jwt", "JWS", 1}, 2));
  Id user = f.users[input.choice(f.users.size())];
  std::string id = std::to_string(user);
  std::int64_t version = f.versions.at(user);
  set(payload, "iss", pick({"chirp", missing, "Chirp", "", std::string("chirp\0", 6), 1,
                            json::array({"chirp"})},
                           1));
  set(payload, "sub", pick({id, "0" + id, "-" + id, " " + id, id + " ", user, missing, "999",
                            std::to_string(user + 1), ""},
                           1));
  set(payload, "ver", pick({version, version + 1, version - 1, std::to_string(version),
                            static_cast<double>(version), missing,
                            std::numeric_limits<std::uint64_t>::max()},
                           1));
  std::int64_t lifetime = input.number<std::int32_t>();
  plausible = plausible && lifetime > 0;
  set(payload, "exp", pick({k_now_s + lifetime, missing, std::to_string(k_now_s + lifetime),
                            static_cast<double>(k_now_s + lifetime),
                            std::numeric_limits<std::int64_t>::max(),
                            std::numeric_limits<std::uint64_t>::max(),
                            std::numeric_limits<std::int64_t>::min()},
                           1));
  std::int64_t age = input.number<std::int32_t>() % k_ten_years_s;
  plausible = plausible && age >= -60;
  set(payload, "iat", pick({k_now_s - age, missing, std::to_string(k_now_s - age),
                            static_cast<double>(k_now_s - age),
                            std::numeric_limits<std::int64_t>::min(),
                            std::numeric_limits<std::int64_t>::max()},
                           1));
  set(payload, "nbf", pick({missing, k_now_s + input.number<std::int32_t>(), "now"}, 1));
  bool valid = false;
  std::string token = signed_token(encode(header.dump()) + "." + encode(payload.dump()), input, &valid);
  *must_accept = plausible && valid;
  return token;
}

}  // namespace

int token(const std::uint8_t* data, std::size_t size) {
  Fixture& f = fixture();
  Input input(data, size);
  bool must_accept = false;
  std::string candidate;
  switch (input.choice(4)) {
    case 0:
      candidate = std::string(input.rest());
      break;
    case 1:
      candidate = mutated_token(f, input);
      break;
    case 2:
      candidate = json_text_token(input);
      break;
    default:
      candidate = claims_token(f, input, &must_accept);
      break;
  }

  Result<User> user = fail(Code::unauthenticated, "not checked");
  try {
    user = f.core->auth().authenticate(candidate);
  } catch (const std::exception& e) {
    broken("authenticate('" + printable(candidate) + "') threw: " + e.what());
  }
  auto acceptable = acceptable_user(f, candidate);
  std::string what = "authenticate('" + printable(candidate) + "')";
  if (user) {
    expect(acceptable.has_value(), what + ": accepted a token chirp did not issue or that is no longer good");
    expect(user->id == *acceptable, what + ": accepted for another user than the token names");
  } else {
    expect(user.error().code == Code::unauthenticated, what + ": refused with another code");
    expect(!must_accept, what + ": refused a good token: " + user.error().message);
  }
  return 0;
}

}  // namespace chirp::fuzz
