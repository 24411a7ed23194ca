#include "app.hpp"

#include "completion.hpp"
#include "saved_user.hpp"

#include <chirp/clock.hpp>
#include <chirp/paths.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace chirp::cli {

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

/// Styling only on a terminal that wants it (https://no-color.org).
bool stdout_wants_color() {
  if (::isatty(STDOUT_FILENO) == 0) return false;
  if (env("NO_COLOR")) return false;
  return env("TERM").value_or("dumb") != "dumb";
}

/// The exit code of a refused action. All are failed actions today; a code that one day
/// deserves its own exit code gets it here and nowhere else.
int exit_code(Code code) {
  switch (code) {
    case Code::invalid:
    case Code::not_found:
    case Code::forbidden:
    case Code::conflict:
    case Code::unauthenticated: return k_exit_failure;
  }
  return k_exit_failure;
}

void print_error(std::string_view message) {
  std::cout.flush();
  std::cerr << "chirp: error: " << message << '\n';
}

}  // namespace

std::filesystem::path Context::db_path() const { return database_path(db_option); }

Core& Context::core() {
  if (!m_core) {
    Core::Options options;
    options.path = db_path();
    options.clock = system_clock();
    // A local user sees a new tweet in followers' timelines at once: whatever a
    // command queued is fanned out before it returns.
    options.work_queued = [this] { m_core->fanout().drain(); };
    m_core.emplace(Core::open(std::move(options)));
  }
  return *m_core;
}

Format Context::format() const { return parse_format(format_name).value_or(Format::human); }

Printer Context::printer() {
  return Printer(std::cout, format(), stdout_wants_color(), system_clock()->now_ms());
}

std::optional<std::string> Context::acting_handle() const {
  if (as_option && !as_option->empty()) return as_option;
  if (auto handle = env("CHIRP_USER")) return handle;
  return saved_user(config_path());
}

User Context::acting_user() {
  auto handle = acting_handle();
  if (!handle) {
    throw Failure({Code::invalid,
                   "no acting user: pass --as HANDLE, set CHIRP_USER, or run `chirp use HANDLE`"});
  }
  return expect(core().users().find(*handle));
}

std::optional<User> Context::optional_acting_user() {
  if (!acting_handle()) return std::nullopt;
  return acting_user();
}

void Context::note(std::string_view message) const {
  if (format() == Format::human) std::cerr << message << '\n';
}

std::unique_ptr<CLI::App> make_app(Context& context) {
  auto app = std::make_unique<CLI::App>(
      "chirp: a small Twitter-like social network in one SQLite file", "chirp");
  // Global options are accepted after the subcommand too: unknown options fall through
  // from a subcommand to its parent. Set before adding subcommands, which inherit it.
  app->fallthrough();
  app->require_subcommand(1);
  app->add_option("--db", context.db_option,
                  "Database file (else $CHIRP_DB, else $XDG_DATA_HOME/chirp/chirp.db)")
      ->type_name("PATH")
      ->check(completes(Completion::file));
  app->add_option("--as", context.as_option,
                  "Acting user (else $CHIRP_USER, else the one saved by `chirp use`)")
      ->type_name("HANDLE")
      ->check(completes(Completion::handle));
  app->add_option("--format", context.format_name, "Output format")
      ->type_name("FORMAT")
      ->check(CLI::IsMember(format_names()))
      ->capture_default_str();

  add_init_commands(*app, context);
  add_user_commands(*app, context);
  add_post_commands(*app, context);
  add_graph_commands(*app, context);
  add_timeline_commands(*app, context);
  add_worker_commands(*app, context);
  add_serve_commands(*app, context);
  add_config_commands(*app, context);
  add_admin_commands(*app, context);
  add_completion_commands(*app, context);
  return app;
}

int run(int argc, char** argv) {
  Context context;
  auto app = make_app(context);
  try {
    app->parse(argc, argv);
    return k_exit_ok;
  } catch (const CLI::RequiredError& e) {
    // CLI11 reports `chirp frobnicate` as a missing subcommand; name the culprit.
    auto extra = app->remaining();
    if (extra.empty()) return app->exit(e) == 0 ? k_exit_ok : k_exit_usage;
    std::cerr << "unknown command: " << extra.front() << "\nRun with --help for more information.\n";
    return k_exit_usage;
  } catch (const CLI::ParseError& e) {
    // Prints help (exit 0) or the usage error and a hint to stderr.
    return app->exit(e) == 0 ? k_exit_ok : k_exit_usage;
  } catch (const Failure& failure) {
    print_error(failure.error().message);
    return exit_code(failure.error().code);
  } catch (const std::exception& e) {
    print_error(e.what());  // SQLite failures, a database newer than this binary
    return k_exit_failure;
  }
}

}  // namespace chirp::cli
