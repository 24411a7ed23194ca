// chirp post | reply | retweet | unretweet | like | unlike | delete | show
#include "app.hpp"
#include "options.hpp"

#include <fmt/core.h>

namespace chirp::cli {

namespace {

struct PostOptions {
  std::string text;
  std::vector<std::string> media;
  Id reply_to = 0;
};

struct TweetOptions {
  Id id = 0;
};

void add_text_options(CLI::App& command, PostOptions& options) {
  command.add_option("text", options.text, "The text, or - to read it from stdin")
      ->required()
      ->type_name("TEXT");
  command.add_option("--media", options.media, "Attach a media URL (up to 4)")
      ->type_name("URL")
      ->allow_extra_args(false);
}

Tweet post(Context& context, const PostOptions& options, std::optional<Id> reply_to) {
  auto author = context.acting_user();
  auto text = text_or_stdin(options.text);
  auto tweet = expect(context.core().tweets().post(
      author.id, {.text = text, .reply_to = reply_to, .media_urls = options.media}));
  return tweet;
}

/// A command taking one tweet id, run as the acting user.
CLI::App* add_tweet_command(CLI::App& app, const std::string& name, const std::string& help,
                            const std::shared_ptr<TweetOptions>& options) {
  auto* command = app.add_subcommand(name, help);
  add_tweet_id(*command, options->id, "The tweet");
  return command;
}

}  // namespace

void add_post_commands(CLI::App& app, Context& context) {
  auto post_options = std::make_shared<PostOptions>();
  auto* post_command = app.add_subcommand("post", "Post a tweet and print its id");
  add_text_options(*post_command, *post_options);
  post_command->callback([&context, post_options] {
    context.printer().created_tweet(post(context, *post_options, std::nullopt));
  });

  auto reply_options = std::make_shared<PostOptions>();
  auto* reply = app.add_subcommand("reply", "Reply to a tweet and print the reply's id");
  add_tweet_id(*reply, reply_options->reply_to, "The tweet to reply to");
  add_text_options(*reply, *reply_options);
  reply->callback([&context, reply_options] {
    context.printer().created_tweet(post(context, *reply_options, reply_options->reply_to));
  });

  auto retweet_options = std::make_shared<TweetOptions>();
  add_tweet_command(app, "retweet", "Retweet a tweet and print the retweet's id",
                    retweet_options)
      ->callback([&context, retweet_options] {
        auto user = context.acting_user();
        auto retweet = expect(context.core().tweets().retweet(user.id, retweet_options->id));
        context.printer().created_tweet(retweet);
      });

  auto unretweet_options = std::make_shared<TweetOptions>();
  add_tweet_command(app, "unretweet", "Undo a retweet", unretweet_options)
      ->callback([&context, unretweet_options] {
        auto user = context.acting_user();
        expect(context.core().tweets().unretweet(user.id, unretweet_options->id));
        context.note(fmt::format("unretweeted {}", unretweet_options->id));
      });

  auto like_options = std::make_shared<TweetOptions>();
  add_tweet_command(app, "like", "Like a tweet and print it", like_options)
      ->callback([&context, like_options] {
        auto user = context.acting_user();
        auto tweet = expect(context.core().tweets().like(user.id, like_options->id));
        context.printer().tweet(tweet);
      });

  auto unlike_options = std::make_shared<TweetOptions>();
  add_tweet_command(app, "unlike", "Remove a like and print the tweet", unlike_options)
      ->callback([&context, unlike_options] {
        auto user = context.acting_user();
        auto tweet = expect(context.core().tweets().unlike(user.id, unlike_options->id));
        context.printer().tweet(tweet);
      });

  auto delete_options = std::make_shared<TweetOptions>();
  add_tweet_command(app, "delete", "Delete one of your tweets", delete_options)
      ->callback([&context, delete_options] {
        auto user = context.acting_user();
        expect(context.core().tweets().remove(user.id, delete_options->id));
        context.note(fmt::format("deleted {}", delete_options->id));
      });

  auto show_options = std::make_shared<TweetOptions>();
  add_tweet_command(app, "show", "Show a tweet with the thread around it", show_options)
      ->callback([&context, show_options] {
        auto viewer = context.optional_acting_user();
        auto thread = expect(context.core().tweets().thread(show_options->id, viewer ? viewer->id : 0));
        context.printer().thread(thread);
      });
}

}  // namespace chirp::cli
