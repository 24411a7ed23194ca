#pragma once
// The `chirp` command tree: global options, the acting user, and the one place where
// failures become exit codes.

#include "backend.hpp"
#include "format.hpp"
#include "run.hpp"

#include <chirp/core.hpp>
#include <chirp/error.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace chirp::cli {

/// Exit codes: data to stdout, diagnostics to stderr.
constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;  ///< the action was refused or failed
constexpr int k_exit_usage = 2;    ///< the command line itself was wrong

/// A refused action on its way from a command callback to run(), which prints it and
/// exits with EXIT_CODE (1: the action failed; 2: the command line asked for something
/// that cannot be done, like a local-only command against a server).
class Failure : public std::runtime_error {
public:
  explicit Failure(Error error, int exit_code = k_exit_failure)
      : std::runtime_error(error.message), m_error(std::move(error)), m_exit_code(exit_code) {}
  const Error& error() const { return m_error; }
  int exit_code() const { return m_exit_code; }

private:
  Error m_error;
  int m_exit_code;
};

/// Failures already reported on stderr: run() only returns the exit code.
class Reported : public std::exception {
public:
  explicit Reported(int exit_code) : m_exit_code(exit_code) {}
  int exit_code() const { return m_exit_code; }
  const char* what() const noexcept override { return "failures were reported"; }

private:
  int m_exit_code;
};

/// Runs ACTION on each of REFS in turn. A refusal (a Failure) is reported on stderr
/// and the rest still run; throws Reported(1) after the last when any was refused.
void for_each_ref(const std::vector<std::string>& refs,
                  const std::function<void(const std::string&)>& action);

/// The value of RESULT, or throws its Error as a Failure.
template <class T>
T expect(Result<T> result) {
  if (!result) throw Failure(std::move(result.error()));
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

/// Where a command runs: a server (remote mode) or a database file, and what chose it.
struct Target {
  std::optional<std::string> server;  ///< a normalized URL; none for a database file
  std::string chosen_by;              ///< "--server", "$CHIRP_SERVER", "`chirp login`"...
};

/// What every command shares: the global options, the backend it acts through (a
/// database file, or a server in remote mode) and the lazily opened database.
class Context {
public:
  std::optional<std::string> db_option;      ///< --db
  std::optional<std::string> server_option;  ///< --server
  std::optional<std::string> as_option;      ///< --as
  std::string format_name = "human";         ///< --format
  std::string command;                       ///< the running command's path ("user add")

  /// The database file the options and environment select.
  std::filesystem::path db_path() const;
  /// A server or the database: --server, else --db, else $CHIRP_SERVER, else $CHIRP_DB,
  /// else the server saved by `chirp login`, else the default database.
  Target target() const;
  /// Where the commands that have an HTTP twin act: the database or the server.
  Backend& backend();
  /// The core on db_path(), opened (and created) on first use, for the commands that
  /// work on a database file only: in remote mode a Failure (exit 2) says so.
  Core& core();
  Format format() const;
  /// A printer for stdout in the selected format.
  Printer printer();

  /// The handle of the acting user: --as, else $CHIRP_USER, else the one saved by
  /// `chirp use` (remotely: `chirp use` or the last `chirp login` on that server).
  std::optional<std::string> acting_handle();
  /// The acting user; a Failure saying how to choose one when none is set.
  User acting_user();
  /// The acting user when one is set (a Failure when it names a missing user).
  std::optional<User> optional_acting_user();

  /// A confirmation of an action that returns no data: on stderr, human format only.
  void note(std::string_view message) const;
  /// Whether stdout is a terminal (a person reads it).
  bool stdout_is_terminal() const;
  /// An empty list prints nothing for scripts; a person at a terminal is told why.
  void say_empty(std::string_view message) const;

private:
  Core& database();

  std::optional<Core> m_core;
  std::unique_ptr<Backend> m_backend;
};

/// The whole command tree, bound to CONTEXT (which must outlive it).
std::unique_ptr<CLI::App> make_app(Context& context);


// One per command group (cli/cmd_*.cpp).
void add_init_commands(CLI::App& app, Context& context);
void add_user_commands(CLI::App& app, Context& context);
void add_post_commands(CLI::App& app, Context& context);
void add_graph_commands(CLI::App& app, Context& context);
void add_timeline_commands(CLI::App& app, Context& context);
void add_worker_commands(CLI::App& app, Context& context);
void add_config_commands(CLI::App& app, Context& context);
void add_admin_commands(CLI::App& app, Context& context);
void add_completion_commands(CLI::App& app, Context& context);
void add_serve_commands(CLI::App& app, Context& context);
void add_archive_commands(CLI::App& app, Context& context);
void add_login_commands(CLI::App& app, Context& context);
void add_discovery_commands(CLI::App& app, Context& context);
void add_block_commands(CLI::App& app, Context& context);
void add_notification_commands(CLI::App& app, Context& context);

}  // namespace chirp::cli
