// Login tokens: HS256 JWTs (cpp-jwt), the algorithm pinned, revocable through a
// per-user token version that every check compares with the database.
#include "internal.hpp"
#include "password.hpp"

#include <chirp/core.hpp>

#include <jwt/jwt.hpp>

#include <charconv>
#include <limits>

namespace chirp {

using namespace detail;

namespace {

constexpr const char* k_issuer = "chirp";

Result<User> rejected() { return fail(Code::unauthenticated, "invalid or expired token"); }

std::int64_t token_version(Db& db, Id user) {  // -1 when USER does not exist
  auto q = db.statement("SELECT token_version FROM users WHERE id = ?");
  q->bind(1, user);
  return q->executeStep() ? q->getColumn(0).getInt64() : -1;
}

}  // namespace

Result<Core::Login> Core::login(std::string_view handle, std::string_view password) {
  auto user = check_password(handle, password);
  if (!user) return std::unexpected(user.error());
  return issue_token(user->id);
}

Result<Core::Login> Core::issue_token(Id id) {
  auto user = require_user(*m_db, id);
  if (!user) return std::unexpected(user.error());
  std::int64_t now = m_clock->now_ms();
  std::int64_t expires = now + read_setting(*m_db, setting::token_ttl_hours) * 3'600'000;
  using namespace jwt::params;
  jwt::jwt_object token{algorithm("HS256"), secret(m_token_secret),
                        payload({{"iss", k_issuer}, {"sub", std::to_string(user->id)}})};
  token.add_claim("ver", token_version(*m_db, user->id));
  token.add_claim("iat", now / 1000);
  token.add_claim("exp", expires / 1000);
  return Login{token.signature(), expires / 1000 * 1000, *user};
}

Result<User> Core::authenticate(std::string_view token) {
  constexpr std::size_t k_max_token_bytes = 4096;
  constexpr std::size_t k_verified_cache_size = 4096;
  if (token.size() > k_max_token_bytes) return rejected();
  auto cached = m_verified_tokens.find(std::string(token));
  VerifiedToken claims{};
  if (cached != m_verified_tokens.end()) {
    claims = cached->second;
  } else {
    using namespace jwt::params;
    std::error_code ec;
    // cpp-jwt checks exp against the system clock; the leeway defers that check to ours
    // (injectable), below. Algorithm, signature and issuer are checked here.
    auto decoded = jwt::decode(jwt::string_view(token.data(), token.size()),
                               algorithms({"HS256"}), ec, secret(m_token_secret),
                               issuer(k_issuer), verify(true),
                               leeway(std::numeric_limits<std::uint32_t>::max()));
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
    if (m_verified_tokens.size() >= k_verified_cache_size) m_verified_tokens.clear();
    m_verified_tokens.emplace(std::string(token), claims);
  }
  if (m_clock->now_ms() / 1000 >= claims.expires_s) return rejected();
  auto q = m_db->statement("SELECT " CHIRP_USER_COLUMNS ", u.token_version FROM users u WHERE u.id = ?");
  q->bind(1, claims.user);
  if (!q->executeStep() || q->getColumn(9).getInt64() != claims.version) return rejected();
  return read_user(*q);
}

Result<void> Core::revoke_tokens(Id user) {
  return m_db->write([&]() -> Result<void> {
    auto q = m_db->statement("UPDATE users SET token_version = token_version + 1 WHERE id = ?");
    q->bind(1, user);
    if (q->exec() == 0) return fail(Code::not_found, "no such user");
    return {};
  });
}

}  // namespace chirp
