// chirp timeline | tweets
#include "app.hpp"
#include "follow.hpp"
#include "options.hpp"

#include <algorithm>
#include <iostream>
#include <unordered_set>

namespace chirp::cli {

namespace {

struct TimelineOptions {
  PageRequest page;
  bool follow = false;
};

struct TweetsOptions {
  std::string handle;
  PageRequest page;
};

/// chirp timeline --follow: the page asked for, oldest first, then each entry as it
/// becomes visible (Timelines::home_after), read from the database.
void follow_home(Context& context, const User& me, const PageRequest& page) {
  auto& timelines = context.core().timelines();
  // The event number first: an entry that arrives while the page is read is printed
  // once, from the page.
  EventId start = timelines.home_head();
  auto first = expect(timelines.home(me.id, page, me.id));
  std::reverse(first.items.begin(), first.items.end());
  std::unordered_set<Id> printed;
  for (const auto& tweet : first.items) printed.insert(tweet.id);
  Printer printer = context.printer();
  printer.append_lists();
  printer.tweets(first.items);
  FollowSource source{
      [&] { return timelines.home_head(); },
      [&](EventId cursor) {
        auto batch = expect(timelines.home_after(me.id, cursor, k_max_page_limit, me.id));
        std::vector<Tweet> fresh;
        for (auto& event : batch.events) {
          if (!printed.contains(event.item.id)) fresh.push_back(std::move(event.item));
        }
        printer.tweets(fresh);
        return FollowSource::Step{batch.next_after, batch.more};
      }};
  follow(source, start, k_follow_interval);
}

/// chirp --server URL timeline --follow: GET /stream/home after the page asked for.
void follow_home_remotely(Context& context, const User& me, const PageRequest& page, LiveHome& live) {
  Printer printer = context.printer();
  printer.append_lists();
  follow_live<Tweet>(
      live,
      [&] {
        auto first = expect(context.backend().home_timeline(me.id, page, me.id));
        std::reverse(first.items.begin(), first.items.end());
        return std::move(first.items);
      },
      [&](std::vector<Tweet> tweets) { printer.tweets(tweets); });
}

}  // namespace

void add_timeline_commands(CLI::App& app, Context& context) {
  auto timeline_options = std::make_shared<TimelineOptions>();
  auto* timeline = app.add_subcommand(
      "timeline", "Show the acting user's home timeline: their tweets and those they follow");
  add_page_options(*timeline, timeline_options->page);
  add_follow_flag(*timeline, timeline_options->follow);
  timeline->callback([&context, timeline_options] {
    auto me = context.acting_user();
    if (timeline_options->follow) {
      if (auto live = context.backend().live_home(me.id)) {
        return follow_home_remotely(context, me, timeline_options->page, *live);
      }
      return follow_home(context, me, timeline_options->page);
    }
    auto page = expect(context.backend().home_timeline(me.id, timeline_options->page, me.id));
    context.printer().tweets(page.items);
    if (page.items.empty()) {
      context.say_empty("no tweets in your timeline yet: post, or follow someone "
                         "(chirp follow HANDLE)");
    }
  });

  auto tweets_options = std::make_shared<TweetsOptions>();
  auto* tweets = app.add_subcommand("tweets", "Show the tweets and retweets of a user");
  add_handle(*tweets, tweets_options->handle, "The user (handle or id)");
  add_page_options(*tweets, tweets_options->page);
  tweets->callback([&context, tweets_options] {
    auto viewer = context.optional_acting_user();
    auto user = expect(context.backend().find_user(tweets_options->handle));
    auto page = expect(context.backend().user_timeline(user.id, tweets_options->page,
                                                    viewer ? viewer->id : 0));
    context.printer().tweets(page.items);
    if (page.items.empty()) context.say_empty("no tweets from @" + user.handle + " yet");
  });
}

}  // namespace chirp::cli
