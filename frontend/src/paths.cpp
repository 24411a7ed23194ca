#include <chirp/paths.hpp>

#include <cstdlib>

namespace chirp {

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::filesystem::path xdg_home(const char* variable, const char* fallback) {
  if (auto dir = env(variable)) return *dir;
  return std::filesystem::path(env("HOME").value_or(".")) / fallback;
}

}  // namespace

std::filesystem::path database_path(const std::optional<std::string>& explicit_path) {
  if (explicit_path && !explicit_path->empty()) return *explicit_path;
  if (auto path = env("CHIRP_DB")) return *path;
  return xdg_home("XDG_DATA_HOME", ".local/share") / "chirp" / "chirp.db";
}

std::filesystem::path config_path() {
  return xdg_home("XDG_CONFIG_HOME", ".config") / "chirp" / "config";
}

std::filesystem::path state_dir() { return xdg_home("XDG_STATE_HOME", ".local/state") / "chirp"; }

}  // namespace chirp
