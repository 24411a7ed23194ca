#pragma once
// What `chirp login` keeps: per server, the tokens of the users logged in there and
// which of them acts by default. One file per server, $XDG_STATE_HOME/chirp/logins/
// <the URL, escaped>, mode 0600 in a 0700 folder (a token is a password for a day):
//
//   server=http://127.0.0.1:8080
//   user=alice                       the default acting user there
//   login=alice 7351234567890 eyJ... handle, id, token: one line per logged-in user

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::cli {

/// TEXT as the CLI keys a server: "http://HOST[:PORT]" or "https://...", scheme and
/// host in lower case, no trailing slash ("http://" is added when no scheme is given).
/// invalid for anything else (a path, a query, an empty host, a bad port).
Result<std::string> normalize_server_url(std::string_view text);

struct SavedLogin {
  std::string handle;
  Id id = 0;
  std::string token;
};

struct ServerLogins {
  std::string server;
  std::optional<std::string> current;  ///< the default acting user's handle
  std::vector<SavedLogin> logins;

  /// The login of the user REF names (a handle in any case, with or without '@', or
  /// an id), if any.
  const SavedLogin* find(std::string_view ref) const;
  /// Adds LOGIN, replacing one of the same user.
  void put(SavedLogin login);
  /// Removes the login of the user REF names; false when there was none.
  bool remove(std::string_view ref);
};

/// The file of SERVER's logins in the folder STATE (by default chirp::state_dir()).
std::filesystem::path logins_path(std::string_view server);
std::filesystem::path logins_path(std::string_view server, const std::filesystem::path& state);
/// SERVER's logins in FILE (none when it is missing). Throws std::runtime_error when
/// the file cannot be read.
ServerLogins read_logins(std::string_view server, const std::filesystem::path& file);
/// Writes LOGINS to FILE, created 0600 (in 0700 folders) and renamed into place;
/// removes the file when no login is left. Throws std::runtime_error when it cannot be
/// written.
void write_logins(const ServerLogins& logins, const std::filesystem::path& file);

}  // namespace chirp::cli
