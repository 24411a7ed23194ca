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

#include <charconv>
#include <limits>

namespace chirp {

using namespace detail;

namespace {

constexpr const char* k_issuer = "chirp";

Result<User> rejected() { return fail(Code::unauthenticated, "invalid or expired token"); }

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
    using namespace jwt::params;
    std::error_code ec;
    // cpp-jwt checks exp against the system clock; the leeway defers that check to ours
    // (injectable), below. Algorithm, signature and issuer are checked here.
    auto decoded = jwt::decode(jwt::string_view(token.data(), token.size()),
                               algorithms({"HS256"}), ec, secret(m_secret), issuer(k_issuer),
                               verify(true), leeway(std::numeric_limits<std::uint32_t>::max()));
    if (ec) return rejected();
    try {
      const auto& payload = decoded.payload();
      if (!payload.has_claim("exp") || !payload.has_claim("sub") || !payload.has_claim("ver")) {
        return rejected();
      }
      auto sub = payload.get_claim_value<std::string>("sub");
      auto [end, parse_ec] = std::from_chars(sub.data(), sub.data() + sub.size(), claims.user);
      if (parse_ec != std::errc() || end != sub.data() + sub.size()) return rejected();
      claims.version = payload.get_claim_value<std::int64_t>("ver");
      claims.expires_s = payload.get_claim_value<std::int64_t>("exp");
    } catch (const std::exception&) {
      return rejected();  // a claim of the wrong type
    }
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
