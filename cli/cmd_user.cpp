// chirp user add | show | list | passwd | token
#include "app.hpp"
#include "options.hpp"
#include "password_prompt.hpp"

#include <iostream>

namespace chirp::cli {

namespace {

struct AddOptions {
  std::string handle;
  std::string name;
  std::string bio;
  bool password_stdin = false;
};

struct ShowOptions {
  std::vector<std::string> handles;
};

struct UserListOptions {
  PageRequest page;
};

struct HandleOptions {
  std::string handle;
};

}  // namespace

void add_user_commands(CLI::App& app, Context& context) {
  auto* user = app.add_subcommand("user", "Create and look up users");
  user->require_subcommand(1);

  auto add_options = std::make_shared<AddOptions>();
  auto* add = user->add_subcommand("add", "Create a user");
  add->add_option("handle", add_options->handle, "The new handle: [A-Za-z0-9_]{1,15}")
      ->required()
      ->type_name("HANDLE");
  add->add_option("--name", add_options->name, "Display name")->type_name("NAME");
  add->add_option("--bio", add_options->bio, "Short biography")->type_name("TEXT");
  add->add_flag("--password-stdin", add_options->password_stdin,
                "Read a login password from the first line of stdin (at a terminal, "
                "without this flag, it is asked for)");
  add->callback([&context, add_options] {
    NewUser new_user{.handle = add_options->handle,
                     .name = add_options->name,
                     .bio = add_options->bio,
                     .password = std::nullopt};
    if (add_options->password_stdin) {
      new_user.password = read_stdin_line();
    } else if (stdin_is_terminal()) {
      auto server = context.target().server;
      auto password = ask_new_password(
          server ? "Password for @" + add_options->handle + " on " + *server + ": "
                 : "Password for @" + add_options->handle +
                       " (to log in over HTTP; empty for none): ");
      if (!password) throw Failure({Code::invalid, "no password agreed on; no user created"});
      if (!password->empty()) new_user.password = std::move(*password);
    }
    auto created = expect(context.backend().create_user(new_user));
    context.printer().user(created);
    if (!new_user.password) {
      context.note("@" + created.handle + " has no password, so no HTTP login: set one with "
                   "`chirp user passwd " + created.handle + "`");
    }
  });

  auto show_options = std::make_shared<ShowOptions>();
  auto* show = user->add_subcommand("show", "Show users' profiles");
  add_handles(*show, show_options->handles, "The users (handles or ids)");
  show->callback([&context, show_options] {
    auto refs = refs_with_stdin(show_options->handles);
    std::vector<User> found;
    // One's own profile carries the unread notifications count; an acting user who
    // does not exist only means there is no own profile among these.
    Id me = 0;
    try {
      if (auto acting = context.optional_acting_user()) me = acting->id;
    } catch (const Failure&) {
    }
    auto print = [&] {
      if (refs.size() == 1 && show_options->handles.front() != "-") {
        for (const auto& user : found) context.printer().user(user);
      } else {
        context.printer().users(found);
      }
    };
    try {
      for_each_ref(refs, [&](const std::string& ref) {
        found.push_back(expect(context.backend().profile(ref, me)));
      });
    } catch (const Reported&) {
      print();
      throw;
    }
    print();
  });

  auto list_options = std::make_shared<UserListOptions>();
  auto* list = user->add_subcommand("list", "List users, newest first");
  add_page_options(*list, list_options->page, false);
  list->callback([&context, list_options] {
    auto page = expect(context.backend().list_users(list_options->page));
    context.printer().users(page.items);
  });

  // Local administration: whoever can write the database file may do these.
  auto passwd_options = std::make_shared<HandleOptions>();
  auto* passwd = user->add_subcommand(
      "passwd",
      "Set a user's password: asked for at a terminal, else the first line of stdin "
      "(logs out every session)");
  add_handle(*passwd, passwd_options->handle, "The user (handle or id)");
  passwd->callback([&context, passwd_options] {
    auto target = expect(context.core().users().find(passwd_options->handle));
    std::string password;
    if (stdin_is_terminal()) {
      auto asked = ask_new_password("New password for @" + target.handle + ": ");
      if (!asked) throw Failure({Code::invalid, "no password agreed on; nothing changed"});
      password = std::move(*asked);
    } else {
      password = read_stdin_line();
    }
    expect(context.core().users().set_password(target.id, password));
    context.note("password changed for @" + target.handle + "; earlier tokens are revoked");
  });

  auto token_options = std::make_shared<HandleOptions>();
  auto* token = user->add_subcommand(
      "token", "Print a new API token for a user (for scripts and curl; no password asked)");
  add_handle(*token, token_options->handle, "The user (handle or id)");
  token->callback([&context, token_options] {
    auto target = expect(context.core().users().find(token_options->handle));
    auto login = expect(context.core().auth().issue_token(target.id));
    std::cout << login.token << '\n';
  });
}

}  // namespace chirp::cli
