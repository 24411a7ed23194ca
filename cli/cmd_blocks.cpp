// chirp block | unblock | mute | unmute | blocks | mutes
#include "app.hpp"
#include "options.hpp"

#include <fmt/core.h>

namespace chirp::cli {

namespace {

struct RelationOptions {
  std::vector<std::string> handles;
};

struct RelationListOptions {
  PageRequest page;
};

/// How one of the four commands changes the acting user's relation to another.
struct RelationChange {
  Result<void> (Backend::*action)(Id, Id);
  Result<bool> (Backend::*holds)(Id, Id);  ///< whether the relation is in place now
  bool undoing;                   ///< unblock/unmute: undoing nothing is only a note
  const char* done;               ///< "blocked", ...
  const char* not_there;          ///< "you were not blocking", ...
};

/// CHANGE for each handle in turn; a refusal is reported and the rest done.
void change_relations(Context& context, const RelationOptions& options,
                      const RelationChange& change) {
  auto me = context.acting_user();
  auto handles = refs_with_stdin(options.handles);
  for_each_ref(handles, [&](const std::string& handle) {
    auto& backend = context.backend();
    auto other = expect(backend.find_user(handle));
    if (change.undoing && !expect((backend.*change.holds)(me.id, other.id))) {
      context.note(fmt::format("{} @{}", change.not_there, other.handle));
      return;
    }
    expect((backend.*change.action)(me.id, other.id));
    context.note(fmt::format("{} @{}", change.done, other.handle));
  });
}

void add_change_command(CLI::App& app, Context& context, const std::string& name,
                        const std::string& help, const std::string& handles_help,
                        RelationChange change) {
  auto options = std::make_shared<RelationOptions>();
  auto* command = app.add_subcommand(name, help);
  add_handles(*command, options->handles, handles_help);
  command->callback(
      [&context, options, change] { change_relations(context, *options, change); });
}

void add_own_list_command(CLI::App& app, Context& context, const std::string& name,
                      const std::string& help,
                      Result<Page<User>> (Backend::*list)(Id, const PageRequest&)) {
  auto options = std::make_shared<RelationListOptions>();
  auto* command = app.add_subcommand(name, help);
  add_page_options(*command, options->page);
  command->callback([&context, options, list] {
    auto me = context.acting_user();
    auto page = expect((context.backend().*list)(me.id, options->page));
    context.printer().users(page.items);
  });
}

}  // namespace

void add_block_commands(CLI::App& app, Context& context) {
  add_change_command(app, context, "block",
                     "Block users: ends the follows both ways; neither sees the other",
                     "The users to block",
                     {&Backend::block, &Backend::is_blocking, false, "blocked", ""});
  add_change_command(app, context, "unblock", "Stop blocking users", "The users to unblock",
                     {&Backend::unblock, &Backend::is_blocking, true, "unblocked",
                      "you were not blocking"});
  add_change_command(app, context, "mute",
                     "Mute users: hide their tweets and notifications from you",
                     "The users to mute",
                     {&Backend::mute, &Backend::is_muting, false, "muted", ""});
  add_change_command(app, context, "unmute", "Stop muting users", "The users to unmute",
                     {&Backend::unmute, &Backend::is_muting, true, "unmuted",
                      "you were not muting"});
  add_own_list_command(app, context, "blocks", "List the users you block", &Backend::blocked);
  add_own_list_command(app, context, "mutes", "List the users you mute", &Backend::muted);
}

}  // namespace chirp::cli
