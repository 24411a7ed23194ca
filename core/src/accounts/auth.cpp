// Logging in: passwords (argon2id, accounts/password.cpp) and login tokens: HS256 JWTs
// (cpp-jwt), the algorithm pinned, revocable through a per-user token version that
// every check compares with the database.
#include "accounts/password.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/auth.hpp>
#include <chirp/settings.hpp>
#include <chirp/validate.hpp>

#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <limits>

namespace chirp {

using namespace detail;

namespace {

constexpr const char* k_issuer = "chirp";

Result<User> rejected() { return fail(Code::unauthenticated, "invalid or expired token"); }

/// How far in the future a token's issue time may be (clocks differ a little).
constexpr std::int64_t k_clock_skew_s = 60;

bool is_base64url(std::string_view part) {
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

/// PART (base64url without padding) decoded and parsed as a JSON object, or nullopt.
std::optional<nlohmann::json> json_object_part(std::string_view part) {
  std::string bytes(part.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), part.data(),
                        part.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != part.data() + part.size()) {
    return std::nullopt;
  }
  bytes.resize(length);
  auto json = nlohmann::json::parse(bytes, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

/// The claims of TOKEN when its form is exactly what chirp issues: three base64url
/// parts (nothing else: no NUL, no space, no padding), a header that is a JSON object
/// with alg exactly "HS256" (names are case-sensitive) and typ, when present, "JWT",
/// and a payload that is a JSON object with the claims of the right types. The
/// signature is checked afterwards. This runs before cpp-jwt, which throws on JSON of
/// an unexpected type and compares algorithm names without regard to case.
struct Claims {
  Id user = 0;
  std::int64_t version = 0;
  std::int64_t expires_s = 0;
  std::int64_t issued_s = 0;
};
std::optional<Claims> well_formed_claims(std::string_view token) {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header_part = token.substr(0, first);
  auto payload_part = token.substr(first + 1, second - first - 1);
  auto signature_part = token.substr(second + 1);
  if (header_part.empty() || payload_part.empty() || signature_part.empty() ||
      !is_base64url(header_part) || !is_base64url(payload_part) || !is_base64url(signature_part)) {
    return std::nullopt;
  }
  auto header = json_object_part(header_part);
  if (!header) return std::nullopt;
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return std::nullopt;
  }
  if (auto typ = header->find("typ");
      typ != header->end() && (!typ->is_string() || typ->get<std::string>() != "JWT")) {
    return std::nullopt;
  }
  auto payload = json_object_part(payload_part);
  if (!payload) return std::nullopt;
  auto integer = [&](const char* name) -> std::optional<std::int64_t> {
    auto it = payload->find(name);
    if (it == payload->end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
  };
  auto iss = payload->find("iss");
  auto sub = payload->find("sub");
  if (iss == payload->end() || !iss->is_string() || iss->get<std::string>() != k_issuer ||
      sub == payload->end() || !sub->is_string()) {
    return std::nullopt;
  }
  Claims claims;
  std::string sub_text = sub->get<std::string>();
  auto [sub_end, sub_ec] =
      std::from_chars(sub_text.data(), sub_text.data() + sub_text.size(), claims.user);
  auto version = integer("ver");
  auto expires = integer("exp");
  auto issued = integer("iat");
  if (sub_ec != std::errc() || sub_end != sub_text.data() + sub_text.size() || !version ||
      !expires || !issued) {
    return std::nullopt;
  }
  claims.version = *version;
  claims.expires_s = *expires;
  claims.issued_s = *issued;
  return claims;
}

}  // namespace

Auth::Auth(detail::Session& session, std::string secret)
    : Service(session), m_secret(std::move(secret)) {}

Result<User> Auth::check_password(std::string_view handle, std::string_view password) {
  auto denied = [] { return fail(Code::unauthenticated, "wrong handle or password"); };
  if (password.size() > static_cast<std::size_t>(k_max_password_bytes)) return denied();
  auto& db = m_session.db;
  auto credentials = load_credentials(db, handle);
  if (!credentials || !credentials->password_hash) {
    verify_dummy_password(password);  // as slow as a real check: no timing hint
    return denied();
  }
  const std::string& hash = *credentials->password_hash;
  if (!verify_password(hash, password)) return denied();
  if (password_needs_rehash(hash)) {
    std::string upgraded = hash_password(password);
    db.write([&] {
      db.statement("UPDATE users SET password_hash = ? WHERE id = ?")
          .bind(upgraded, credentials->user)
          .exec();
    });
  }
  return require_user(db, credentials->user);
}

Result<Login> Auth::login(std::string_view handle, std::string_view password) {
  auto user = check_password(handle, password);
  if (!user) return std::unexpected(user.error());
  return issue_token(user->id);
}

Result<Login> Auth::issue_token(Id id) {
  auto row = load_user_row(m_session.db, id);
  if (!row) return fail(Code::not_found, "no user with id " + std::to_string(id));
  std::int64_t now = m_session.now_ms();
  std::int64_t expires = now + m_session.setting(setting::token_ttl_hours) * 3'600'000;
  using namespace jwt::params;
  jwt::jwt_object token{algorithm("HS256"), secret(m_secret),
                        payload({{"iss", k_issuer}, {"sub", std::to_string(row->user.id)}})};
  token.add_claim("ver", row->token_version);
  token.add_claim("iat", now / 1000);
  token.add_claim("exp", expires / 1000);
  return Login{token.signature(), expires / 1000 * 1000, std::move(row->user)};
}

Result<User> Auth::authenticate(std::string_view token) {
  constexpr std::size_t k_max_token_bytes = 4096;
  constexpr std::size_t k_verified_cache_size = 4096;
  if (token.size() > k_max_token_bytes) return rejected();
  auto cached = m_verified.find(std::string(token));
  VerifiedToken claims{};
  if (cached != m_verified.end()) {
    claims = cached->second;
  } else {
    auto form = well_formed_claims(token);
    if (!form) return rejected();
    if (form->issued_s > m_session.now_ms() / 1000 + k_clock_skew_s) return rejected();
    using namespace jwt::params;
    std::error_code ec;
    try {
      // cpp-jwt checks exp against the system clock; the leeway defers that check to
      // ours (injectable), below. Here: the algorithm (pinned), the signature, the issuer.
      jwt::decode(jwt::string_view(token.data(), token.size()), algorithms({"HS256"}), ec,
                  secret(m_secret), issuer(k_issuer), verify(true),
                  leeway(std::numeric_limits<std::uint32_t>::max()));
    } catch (...) {
      return rejected();  // cpp-jwt throws on shapes the checks above let through
    }
    if (ec) return rejected();
    claims = {form->user, form->version, form->expires_s};
    if (m_verified.size() >= k_verified_cache_size) m_verified.clear();
    m_verified.emplace(std::string(token), claims);
  }
  if (m_session.now_ms() / 1000 >= claims.expires_s) return rejected();
  auto row = load_user_row(m_session.db, claims.user);
  if (!row || row->token_version != claims.version) return rejected();
  return std::move(row->user);
}

Result<void> Auth::revoke_tokens(Id user) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    if (db.statement("UPDATE users SET token_version = token_version + 1 WHERE id = ?")
            .bind(user)
            .exec() == 0) {
      return fail(Code::not_found, "no such user");
    }
    return {};
  });
}

}  // namespace chirp
