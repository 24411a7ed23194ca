#pragma once
/// Where chirp keeps its files (XDG base directories).

#include <filesystem>
#include <optional>
#include <string>

namespace chirp {

/// $CHIRP_DB, else $XDG_DATA_HOME/chirp/chirp.db, else ~/.local/share/chirp/chirp.db.
/// EXPLICIT (from --db) wins over all of them when given.
std::filesystem::path database_path(const std::optional<std::string>& explicit_path);
/// $XDG_CONFIG_HOME/chirp/config, else ~/.config/chirp/config.
std::filesystem::path config_path();
/// $XDG_STATE_HOME/chirp, else ~/.local/state/chirp: what chirp keeps between runs
/// that is neither data nor configuration (the CLI's server logins).
std::filesystem::path state_dir();

}  // namespace chirp
