#pragma once
// Shared test fixtures: temporary folders, an opened Core on a fresh database with a
// manual clock, and running the built `chirp` binary as a subprocess.

#include <chirp/core.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::test {

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

/// 2026-01-01T00:00:00Z, the default start of test clocks.
constexpr std::int64_t k_test_epoch_ms = 1767225600000;

/// A Core on a new database file in its own TempDir, driven by a ManualClock.
struct TestDb {
  TestDb();
  TempDir dir;
  std::shared_ptr<ManualClock> clock;
  Core core;

  /// Creates a user (password-less) and returns its id; fails the test on error.
  Id user(const std::string& handle);
  /// Posts TEXT as AUTHOR and returns the tweet id; fails the test on error.
  Id post(Id author, const std::string& text);
  /// Ids of the home timeline page, newest first.
  std::vector<Id> home_ids(Id user, PageRequest page = {});
  /// Sets a setting; fails the test on error.
  void set_setting(std::string_view key, std::string_view value);
  void set_setting(std::string_view key, std::int64_t value);
};

/// ITEM is in ITEMS.
template <class T, class U>
bool contains(const std::vector<T>& items, const U& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

/// The whole content of the file at PATH ("" when it cannot be read).
std::string file_bytes(const std::filesystem::path& path);

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs SQL on the database file DB through the sqlite3 command-line tool (looking at
/// or editing the file behind chirp's back) and returns its output, trailing newlines
/// removed. Fails the test when sqlite3 does.
std::string sqlite3(const std::filesystem::path& db, const std::string& sql);

/// The environment run_chirp gives chirp ("NAME=value" strings): this process's, with
/// HOME, XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_STATE_HOME, CHIRP_DB, CHIRP_USER and
/// CHIRP_SERVER cleared, then ENV added
/// (an empty value removes the variable).
std::vector<std::string> chirp_environment(const std::map<std::string, std::string>& env);

/// Runs the built chirp binary with ARGS, feeding STDIN_TEXT, with ENV added to (or,
/// for an empty value, removed from) the environment. HOME, XDG_DATA_HOME,
/// XDG_CONFIG_HOME, XDG_STATE_HOME, CHIRP_DB, CHIRP_USER and CHIRP_SERVER are cleared unless
/// ENV sets them.
ProcessResult run_chirp(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {},
                        const std::string& stdin_text = "");

}  // namespace chirp::test
