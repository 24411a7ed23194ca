#pragma once
/// Users: registration, look-up, listing, passwords.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace chirp {

class Users : public Service {
public:
  using Service::Service;

  /// Creates a user. invalid: bad handle/name/bio/password; conflict: handle taken.
  Result<User> create(const NewUser& user);
  /// Looks a user up by handle (case-insensitive, a leading '@' ignored), or by
  /// numeric id when REF is all digits and such an id exists. not_found otherwise.
  Result<User> find(std::string_view ref);
  Result<User> by_id(Id id);
  /// All users, newest first.
  Result<Page<User>> list(const PageRequest& page);
  /// Handles starting with PREFIX (case-insensitive, a leading '@' ignored), for shell
  /// completion.
  std::vector<std::string> handles_with_prefix(std::string_view prefix, int limit = 100);
  /// Sets (or replaces) a password; revokes earlier login tokens.
  Result<void> set_password(Id user, std::string_view password);
};

}  // namespace chirp
