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

using FollowAction = Result<void> (Backend::*)(Id, Id);

/// FOLLOW or UNFOLLOW each handle in turn; a refusal is reported and the rest done.
/// Unfollowing someone not followed is no failure (following is idempotent too): a
/// note says so.
void change_follows(Context& context, const FollowOptions& options, FollowAction action,
                    std::string_view verb) {
  auto me = context.acting_user();
  auto handles = refs_with_stdin(options.handles);
  for_each_ref(handles, [&](const std::string& handle) {
    auto other = expect(context.backend().find_user(handle));
    bool unfollowing = action == &Backend::unfollow;
    if (unfollowing && !expect(context.backend().is_following(me.id, other.id))) {
      context.note(fmt::format("you were not following @{}", other.handle));
      return;
    }
    expect((context.backend().*action)(me.id, other.id));
    context.note(fmt::format("{} @{}", verb, other.handle));
  });
}

using ListAction = Result<Page<User>> (Backend::*)(Id, const PageRequest&);

CLI::App* add_list_command(CLI::App& app, Context& context, const std::string& name,
                           const std::string& help, ListAction action) {
  auto options = std::make_shared<ListOptions>();
  auto* command = app.add_subcommand(name, help);
  add_handle(*command, options->handle, "The user (handle or id)");
  add_page_options(*command, options->page, false);
  command->callback([&context, options, action] {
    auto user = expect(context.backend().find_user(options->handle));
    auto page = expect((context.backend().*action)(user.id, options->page));
    context.printer().users(page.items);
  });
  return command;
}

}  // namespace

void add_graph_commands(CLI::App& app, Context& context) {
  auto follow_options = std::make_shared<FollowOptions>();
  auto* follow = app.add_subcommand("follow", "Follow users");
  add_handles(*follow, follow_options->handles, "The users to follow");
  follow->callback([&context, follow_options] {
    change_follows(context, *follow_options, &Backend::follow, "following");
  });

  auto unfollow_options = std::make_shared<FollowOptions>();
  auto* unfollow = app.add_subcommand("unfollow", "Stop following users");
  add_handles(*unfollow, unfollow_options->handles, "The users to unfollow");
  unfollow->callback([&context, unfollow_options] {
    change_follows(context, *unfollow_options, &Backend::unfollow, "no longer following");
  });

  add_list_command(app, context, "followers", "List a user's followers", &Backend::followers);
  add_list_command(app, context, "following", "List the users a user follows",
                   &Backend::following);
}

}  // namespace chirp::cli
