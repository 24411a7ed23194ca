// chirp follow | unfollow | followers | following
#include "app.hpp"
#include "completion.hpp"
#include "options.hpp"

#include <fmt/core.h>

namespace chirp::cli {

namespace {

struct FollowOptions {
  std::vector<std::string> handles;
};

struct ListOptions {
  std::string handle;
  PageRequest page;
};

using FollowAction = Result<void> (Graph::*)(Id, Id);

/// FOLLOW or UNFOLLOW each handle in turn, stopping at the first refusal.
void change_follows(Context& context, const FollowOptions& options, FollowAction action,
                    std::string_view verb) {
  auto me = context.acting_user();
  for (const auto& handle : options.handles) {
    auto other = expect(context.core().users().find(handle));
    expect((context.core().graph().*action)(me.id, other.id));
    context.note(fmt::format("{} @{}", verb, other.handle));
  }
}

using ListAction = Result<Page<User>> (Graph::*)(Id, const PageRequest&);

CLI::App* add_list_command(CLI::App& app, Context& context, const std::string& name,
                           const std::string& help, ListAction action) {
  auto options = std::make_shared<ListOptions>();
  auto* command = app.add_subcommand(name, help);
  add_handle(*command, options->handle, "The user (handle or id)");
  add_page_options(*command, options->page, false);
  command->callback([&context, options, action] {
    auto user = expect(context.core().users().find(options->handle));
    auto page = expect((context.core().graph().*action)(user.id, options->page));
    context.printer().users(page.items);
  });
  return command;
}

}  // namespace

void add_graph_commands(CLI::App& app, Context& context) {
  auto follow_options = std::make_shared<FollowOptions>();
  auto* follow = app.add_subcommand("follow", "Follow users");
  follow->add_option("handles", follow_options->handles, "The users to follow")
      ->required()
      ->type_name("HANDLE")
      ->check(completes(Completion::handle));
  follow->callback([&context, follow_options] {
    change_follows(context, *follow_options, &Graph::follow, "following");
  });

  auto unfollow_options = std::make_shared<FollowOptions>();
  auto* unfollow = app.add_subcommand("unfollow", "Stop following users");
  unfollow->add_option("handles", unfollow_options->handles, "The users to unfollow")
      ->required()
      ->type_name("HANDLE")
      ->check(completes(Completion::handle));
  unfollow->callback([&context, unfollow_options] {
    change_follows(context, *unfollow_options, &Graph::unfollow, "no longer following");
  });

  add_list_command(app, context, "followers", "List a user's followers", &Graph::followers);
  add_list_command(app, context, "following", "List the users a user follows",
                   &Graph::following);
}

}  // namespace chirp::cli
