// chirp login, chirp logout: the logins of remote mode (server_login.hpp keeps them).
#include "app.hpp"
#include "options.hpp"
#include "password_prompt.hpp"
#include "remote_session.hpp"
#include "saved_user.hpp"
#include "server_login.hpp"

#include <chirp/paths.hpp>
#include <chirp/time_format.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <stdexcept>

namespace chirp::cli {

namespace {

struct LoginOptions {
  std::string handle;
  bool password_stdin = false;
};

struct LogoutOptions {
  std::optional<std::string> handle;
};

/// The server a login or logout is for; a usage Failure in local mode.
std::string server_of(const Context& context, std::string_view verb) {
  auto target = context.target();
  if (!target.server) {
    throw Failure({Code::invalid, fmt::format("`chirp {}` needs a server: chirp --server URL {}",
                                              verb, verb)},
                  k_exit_usage);
  }
  return *target.server;
}

}  // namespace

void add_login_commands(CLI::App& app, Context& context) {
  auto login_options = std::make_shared<LoginOptions>();
  auto* login = app.add_subcommand(
      "login",
      "Log in to the server of --server URL and keep the token: later commands run there");
  add_handle(*login, login_options->handle, "The user to log in as");
  login->add_flag("--password-stdin", login_options->password_stdin,
                  "Read the password from the first line of stdin (at a terminal, without "
                  "this flag, it is asked for)");
  login->callback([&context, login_options] {
    auto server = server_of(context, "login");
    std::string password;
    if (login_options->password_stdin || !stdin_is_terminal()) {
      password = read_stdin_line();
    } else {
      auto typed = read_password(fmt::format("Password for @{} on {}: ",
                                             handle_part(login_options->handle), server));
      if (!typed) throw Failure({Code::invalid, "no password given; not logged in"});
      password = std::move(*typed);
    }
    auto session = expect(log_in(server, login_options->handle, password));
    auto file = logins_path(server);
    auto logins = read_logins(server, file);
    logins.put({.handle = session.user.handle, .id = session.user.id, .token = session.token});
    logins.current = session.user.handle;
    write_logins(logins, file);
    save_value(config_path(), "server", server);
    context.note(fmt::format(
        "logged in to {} as @{} until {}; commands now run there (`chirp logout` to stop); "
        "token in {}",
        server, session.user.handle, format_rfc3339(session.expires_at_ms), file.string()));
  });

  auto logout_options = std::make_shared<LogoutOptions>();
  auto* logout = app.add_subcommand(
      "logout",
      "Revoke the login (every token of the user, on the server) and forget it here");
  logout->add_option("handle", logout_options->handle,
                     "The user to log out (else the acting user)")
      ->type_name("HANDLE");
  logout->callback([&context, logout_options] {
    auto server = server_of(context, "logout");
    auto file = logins_path(server);
    auto logins = read_logins(server, file);
    auto handle = logout_options->handle ? logout_options->handle : context.acting_handle();
    const SavedLogin* found = handle ? logins.find(*handle) : nullptr;
    if (found == nullptr) {
      throw Failure({Code::not_found,
                     handle ? fmt::format("not logged in to {} as @{}", server, handle_part(*handle))
                            : fmt::format("not logged in to {}", server)});
    }
    SavedLogin gone = *found;
    logins.remove(gone.handle);
    if (logins.current && !logins.find(*logins.current)) {
      logins.current = logins.logins.empty() ? std::nullopt
                                             : std::optional(logins.logins.back().handle);
    }
    write_logins(logins, file);
    // The saved server stays while someone is logged in there.
    if (logins.logins.empty() && saved_value(config_path(), "server") == server) {
      save_value(config_path(), "server", std::nullopt);
    }
    // Forgotten here first: a server out of reach should not keep a login one asked to end.
    Result<void> revoked;
    try {
      revoked = log_out(server, gone.token);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format(
          "{}; the login of @{} is forgotten here, but its token stays valid until it expires",
          e.what(), gone.handle));
    }
    if (!revoked && revoked.error().code != Code::unauthenticated) expect(std::move(revoked));
    context.note(revoked ? fmt::format("logged out of {} as @{}: every token of @{} is revoked",
                                       server, gone.handle, gone.handle)
                         : fmt::format("logged out of {} as @{} (the token was no longer valid)",
                                       server, gone.handle));
  });
}

}  // namespace chirp::cli
