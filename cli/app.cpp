#include "app.hpp"

#include "completion.hpp"
#include "saved_user.hpp"
#include "server_login.hpp"

#include <chirp/clock.hpp>
#include <chirp/paths.hpp>

#include <fmt/core.h>

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

constexpr const char* k_help_hint = "Run with --help for more information.\n";

/// CLI11's help, plus the program's own options under a subcommand's: they are
/// accepted there too (fallthrough), so its help should say so.
class HelpFormatter : public CLI::Formatter {
public:
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    std::string help = CLI::Formatter::make_help(app, std::move(name), mode);
    if (app->get_parent() == nullptr || mode == CLI::AppFormatMode::Sub) return help;
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) root = root->get_parent();
    std::string global;
    for (const CLI::Option* option : root->get_options()) {
      if (option->get_group().empty() || option == root->get_help_ptr()) continue;
      if (option == root->get_option_no_throw("--version")) continue;
      global += make_option(option, false);
    }
    if (global.empty()) return help;
    while (help.ends_with("\n\n")) help.pop_back();
    return help + "\nGlobal options (before or after the command):\n" + global;
  }
};

/// Records each command's path ("user add") in CONTEXT when it is parsed, for messages.
void name_commands(CLI::App& app, Context& context, const std::string& prefix) {
  for (CLI::App* sub : app.get_subcommands({})) {
    std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    sub->preparse_callback([&context, path](std::size_t) { context.command = path; });
    name_commands(*sub, context, path);
  }
}

}  // namespace

std::filesystem::path Context::db_path() const { return database_path(db_option); }

Target Context::target() const {
  auto server = [](const std::string& url, std::string chosen_by) {
    auto normalized = normalize_server_url(url);
    if (!normalized) {
      throw Failure({Code::invalid, normalized.error().message + " (from " + chosen_by + ")"},
                    k_exit_usage);
    }
    return Target{*normalized, std::move(chosen_by)};
  };
  // The command line beats the environment, which beats what was saved.
  if (server_option && !server_option->empty()) return server(*server_option, "--server");
  if (db_option && !db_option->empty()) return {std::nullopt, "--db"};
  if (auto url = env("CHIRP_SERVER")) return server(*url, "$CHIRP_SERVER");
  if (env("CHIRP_DB")) return {std::nullopt, "$CHIRP_DB"};
  if (auto url = saved_value(config_path(), "server")) return server(*url, "`chirp login`");
  return {std::nullopt, "the default"};
}

Backend& Context::backend() {
  if (!m_backend) {
    if (auto server = target().server) {
      m_backend = make_remote_backend(*server);
    } else {
      m_backend = make_local_backend(database(), "the database " + db_path().string());
    }
  }
  return *m_backend;
}

Core& Context::core() {
  if (auto t = target(); t.server) {
    std::string way_back = t.chosen_by == "`chirp login`" ? " (or `chirp logout`)" : "";
    throw Failure({Code::invalid,
                   fmt::format("`chirp {}` works only on a local database, not on a server "
                               "({}, chosen by {}): pass --db PATH for a database file{}",
                               command, *t.server, t.chosen_by, way_back)},
                  k_exit_usage);
  }
  return database();
}

Core& Context::database() {
  if (!m_core) {
    Core::Options options;
    options.path = db_path();
    // Only the default location's folders are made: a path the user named that points
    // into a missing folder is far more likely a typo than a wish.
    bool named = (db_option && !db_option->empty()) || env("CHIRP_DB");
    auto folder = options.path.parent_path();
    if (named && !folder.empty() && !std::filesystem::is_directory(folder)) {
      throw Failure({Code::not_found,
                     fmt::format("cannot create the database {}: no folder {}",
                                 options.path.string(), folder.string())});
    }
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

std::optional<std::string> Context::acting_handle() {
  if (as_option && !as_option->empty()) return as_option;
  if (auto handle = env("CHIRP_USER")) return handle;
  return backend().saved_acting_handle();
}

User Context::acting_user() {
  auto handle = acting_handle();
  if (!handle) {
    if (auto server = target().server) {
      throw Failure({Code::invalid,
                     fmt::format("no acting user on {}: log in with `chirp login HANDLE`, or "
                                 "pass --as HANDLE or set CHIRP_USER to a user logged in "
                                 "there (`chirp use HANDLE` chooses among them)",
                                 *server)});
    }
    throw Failure({Code::invalid,
                   "no acting user: pass --as HANDLE, set CHIRP_USER, or run `chirp use HANDLE`"});
  }
  return expect(backend().acting_user(*handle));
}

std::optional<User> Context::optional_acting_user() {
  if (!acting_handle()) return std::nullopt;
  return acting_user();
}

void Context::note(std::string_view message) const {
  if (format() == Format::human) std::cerr << message << '\n';
}

bool Context::stdout_is_terminal() const { return ::isatty(STDOUT_FILENO) != 0; }

void Context::say_empty(std::string_view message) const {
  if (format() == Format::human && stdout_is_terminal()) std::cout << "(" << message << ")\n";
}

void for_each_ref(const std::vector<std::string>& refs,
                  const std::function<void(const std::string&)>& action) {
  bool refused = false;
  for (const auto& ref : refs) {
    try {
      action(ref);
    } catch (const Failure& failure) {
      print_error(failure.error().message);
      refused = true;
    }
  }
  if (refused) throw Reported(k_exit_failure);
}

std::unique_ptr<CLI::App> make_app(Context& context) {
  auto app = std::make_unique<CLI::App>(
      "chirp: a small Twitter-like social network in one SQLite file", "chirp");
  // Global options are accepted after the subcommand too: unknown options fall through
  // from a subcommand to its parent. Set before adding subcommands, which inherit it.
  app->fallthrough();
  app->require_subcommand(1);
  app->set_version_flag("--version", std::string("chirp ") + CHIRP_VERSION);
  // Both are inherited by the subcommands, so they are set before any is added.
  app->formatter(std::make_shared<HelpFormatter>());
  app->failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("chirp: error: {}\n{}", e.what(), k_help_hint);
  });
  app->add_option("--db", context.db_option,
                  "Database file (else $CHIRP_DB, else $XDG_DATA_HOME/chirp/chirp.db)")
      ->type_name("PATH")
      ->check(completes(Completion::file));
  auto* server = app->add_option(
      "--server", context.server_option,
      "Act on the chirp server at URL, as logged in by `chirp login` (else $CHIRP_SERVER, "
      "else the server of the last `chirp login`)");
  server->type_name("URL")->transform(CLI::Validator(
      [](std::string& value) {
        auto url = normalize_server_url(value);
        if (!url) return url.error().message;
        value = *url;
        return std::string();
      },
      ""));
  app->get_option("--db")->excludes(server);
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
  add_block_commands(*app, context);
  add_notification_commands(*app, context);
  add_timeline_commands(*app, context);
  add_worker_commands(*app, context);
  add_serve_commands(*app, context);
  add_config_commands(*app, context);
  add_admin_commands(*app, context);
  add_archive_commands(*app, context);
  add_login_commands(*app, context);
  add_discovery_commands(*app, context);
  add_completion_commands(*app, context);
  name_commands(*app, context, "");
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
    const std::string& word = extra.front();
    if (word.starts_with('-')) {
      std::cerr << "chirp: error: unknown option: " << word << '\n'
                << "Text or an argument that starts with a dash goes after --, as in "
                   "`chirp post -- "
                << word << "`.\n";
    } else {
      std::cerr << "chirp: error: unknown command: " << word << '\n';
    }
    std::cerr << k_help_hint;
    return k_exit_usage;
  } catch (const CLI::ParseError& e) {
    // Prints help (exit 0) or the usage error and a hint to stderr.
    return app->exit(e) == 0 ? k_exit_ok : k_exit_usage;
  } catch (const Failure& failure) {
    print_error(failure.error().message);
    if (failure.exit_code() != k_exit_failure) return failure.exit_code();
    return exit_code(failure.error().code);
  } catch (const Reported& reported) {
    return reported.exit_code();
  } catch (const std::exception& e) {
    // SQLite failures, a database newer than this binary, a server out of reach
    print_error(e.what());
    return k_exit_failure;
  }
}

}  // namespace chirp::cli
