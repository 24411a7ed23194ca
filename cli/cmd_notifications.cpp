// chirp notifications [--unread] [--mark-read]
#include "app.hpp"
#include "options.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace chirp::cli {

namespace {

struct NotificationOptions {
  PageRequest page;
  bool unread = false;
  bool mark_read = false;
};

}  // namespace

void add_notification_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<NotificationOptions>();
  auto* command = app.add_subcommand(
      "notifications", "List your notifications (mentions, replies, likes, retweets, follows)");
  add_page_options(*command, options->page);
  command->add_flag("--unread", options->unread, "Only the unread ones");
  command->add_flag("--mark-read", options->mark_read,
                    "Then mark read every notification up to the newest one listed");
  command->callback([&context, options] {
    auto me = context.acting_user();
    auto& notifications = context.core().notifications();
    auto page = expect(notifications.list(me.id, options->page, options->unread));
    context.printer().notifications(page.items);
    if (options->mark_read && !page.items.empty()) {
      Id newest = page.items.front().id;  // newest first
      auto marked = expect(notifications.mark_read(me.id, newest));
      context.note(fmt::format("marked {} read", marked == 1 ? "1 notification"
                                                               : fmt::format("{} notifications", marked)));
    }
  });
}

}  // namespace chirp::cli
