#pragma once
/// Logging in: passwords checked, login tokens issued, verified and revoked.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chirp {

struct Login {
  std::string token;  ///< a signed JWT (HS256)
  std::int64_t expires_at_ms = 0;
  User user;
};

class Auth : public Service {
public:
  /// SECRET signs and verifies tokens.
  Auth(detail::Session& session, std::string secret);

  /// The user when HANDLE exists and PASSWORD matches; unauthenticated otherwise (one
  /// message for both cases). Upgrades the stored hash when its parameters are outdated.
  Result<User> check_password(std::string_view handle, std::string_view password);
  /// Checks the password and issues a token valid for auth.token_ttl_hours.
  /// unauthenticated (one message for a wrong handle or password) otherwise.
  Result<Login> login(std::string_view handle, std::string_view password);
  /// Issues a token for USER without a password (local administration, benchmarks).
  Result<Login> issue_token(Id user);
  /// The user a token was issued to. unauthenticated when the token is malformed,
  /// not HS256, badly signed, expired, from another issuer, or revoked.
  Result<User> authenticate(std::string_view token);
  /// Revokes every token issued to USER so far.
  Result<void> revoke_tokens(Id user);

private:
  std::string m_secret;
  /// Tokens whose signature, algorithm and issuer this connection already checked; the
  /// expiry and the user's token version are still checked on every use.
  struct VerifiedToken {
    Id user;
    std::int64_t version;
    std::int64_t expires_s;
  };
  std::unordered_map<std::string, VerifiedToken> m_verified;
};

}  // namespace chirp
