// chirp notifications [--unread] [--mark-read]
#include "app.hpp"
#include "follow.hpp"
#include "options.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <unordered_set>

namespace chirp::cli {

namespace {

struct NotificationOptions {
  PageRequest page;
  bool unread = false;
  bool mark_read = false;
  bool follow = false;
};

/// Marks USER's notifications up to UP_TO read, and says so.
void mark_read_up_to(Context& context, Id user, Id up_to) {
  auto marked = expect(context.backend().mark_read(user, up_to));
  context.note(fmt::format("marked {} read", marked == 1 ? "1 notification"
                                                           : fmt::format("{} notifications", marked)));
}

/// chirp notifications --follow: the page asked for, oldest first, then each new one
/// as the worker creates it (Notifications::after), read from the database.
void follow_notifications(Context& context, const User& me, const NotificationOptions& options) {
  auto& notifications = context.core().notifications();
  Id start = notifications.newest_id();  // first: a new one is printed once
  auto first = expect(notifications.list(me.id, options.page, options.unread));
  std::reverse(first.items.begin(), first.items.end());
  Printer printer = context.printer();
  printer.append_lists();
  printer.notifications(first.items);
  if (options.mark_read && !first.items.empty()) mark_read_up_to(context, me.id, first.items.back().id);
  std::unordered_set<Id> printed;
  for (const auto& n : first.items) printed.insert(n.id);
  FollowSource source{
      [&] { return notifications.newest_id(); },
      [&](EventId cursor) {
        auto fresh = expect(notifications.after(me.id, cursor, k_max_page_limit));
        if (fresh.empty()) return FollowSource::Step{cursor, false};
        FollowSource::Step step{fresh.back().id,
                                fresh.size() == static_cast<std::size_t>(k_max_page_limit)};
        std::erase_if(fresh, [&](const Notification& n) { return printed.contains(n.id); });
        printer.notifications(fresh);
        if (options.mark_read && !fresh.empty()) mark_read_up_to(context, me.id, fresh.back().id);
        return step;
      }};
  follow(source, start, k_follow_interval);
}

/// chirp --server URL notifications --follow: GET /stream/notifications after the page.
void follow_notifications_remotely(Context& context, const User& me,
                                   const NotificationOptions& options, LiveNotifications& live) {
  Printer printer = context.printer();
  printer.append_lists();
  follow_live<Notification>(
      live,
      [&] {
        auto first = expect(context.backend().notifications(me.id, options.page, options.unread));
        std::reverse(first.items.begin(), first.items.end());
        return std::move(first.items);
      },
      [&](std::vector<Notification> fresh) {
        printer.notifications(fresh);
        if (options.mark_read && !fresh.empty()) mark_read_up_to(context, me.id, fresh.back().id);
      });
}

}  // namespace

void add_notification_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<NotificationOptions>();
  auto* command = app.add_subcommand(
      "notifications", "List your notifications (mentions, replies, likes, retweets, follows)");
  add_page_options(*command, options->page);
  command->add_flag("--unread", options->unread, "Only the unread ones");
  command->add_flag("--mark-read", options->mark_read,
                    "Then mark read every notification up to the newest one listed");
  add_follow_flag(*command, options->follow);
  command->callback([&context, options] {
    auto me = context.acting_user();
    if (options->follow) {
      if (auto live = context.backend().live_notifications(me.id)) {
        return follow_notifications_remotely(context, me, *options, *live);
      }
      return follow_notifications(context, me, *options);
    }
    auto page = expect(context.backend().notifications(me.id, options->page, options->unread));
    context.printer().notifications(page.items);
    if (options->mark_read && !page.items.empty()) {
      mark_read_up_to(context, me.id, page.items.front().id);  // newest first
    }
  });
}

}  // namespace chirp::cli
