// chirp timeline | tweets
#include "app.hpp"
#include "options.hpp"

#include <iostream>

namespace chirp::cli {

namespace {

struct TimelineOptions {
  PageRequest page;
};

struct TweetsOptions {
  std::string handle;
  PageRequest page;
};

}  // namespace

void add_timeline_commands(CLI::App& app, Context& context) {
  auto timeline_options = std::make_shared<TimelineOptions>();
  auto* timeline = app.add_subcommand(
      "timeline", "Show the acting user's home timeline: their tweets and those they follow");
  add_page_options(*timeline, timeline_options->page);
  timeline->callback([&context, timeline_options] {
    auto me = context.acting_user();
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
