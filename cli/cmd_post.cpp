// chirp post | reply | retweet | unretweet | like | unlike | delete | show
#include "app.hpp"
#include "options.hpp"

#include <fmt/core.h>

#include <optional>
#include <span>

namespace chirp::cli {

namespace {

struct PostOptions {
  std::string text;
  std::vector<std::string> media;
  Id reply_to = 0;
};

struct TweetIdsOptions {
  std::vector<std::string> ids;
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
  auto tweet = expect(context.backend().post(
      author.id, {.text = text, .reply_to = reply_to, .media_urls = options.media}));
  return tweet;
}

/// A command taking tweet ids (or - for stdin) that runs ACTION on each as the acting
/// user (none with WITH_USER false): each refusal is reported, the rest still done.
/// What the actions return is printed after the last, by PRINT_ONE for a single id
/// and PRINT_MANY for more.
template <class T, class Action, class PrintOne, class PrintMany>
void add_tweets_command(CLI::App& app, Context& context, const std::string& name,
                        const std::string& help, bool with_user, Action action,
                        PrintOne print_one, PrintMany print_many) {
  auto options = std::make_shared<TweetIdsOptions>();
  auto* command = app.add_subcommand(name, help);
  add_tweet_ids(*command, options->ids, "The tweets");
  command->callback([&context, options, with_user, action, print_one, print_many] {
    auto refs = refs_with_stdin(options->ids);
    std::optional<User> user = with_user ? context.acting_user() : context.optional_acting_user();
    Id user_id = user ? user->id : 0;
    std::vector<T> done;
    auto print = [&] {
      if (refs.size() == 1 && options->ids.front() != "-") {
        for (const auto& item : done) print_one(context, item);
      } else {
        print_many(context, std::span<const T>(done));
      }
    };
    try {
      for_each_ref(refs, [&](const std::string& ref) {
        auto result = action(context, user_id, expect(parse_tweet_id(ref)));
        if (result) done.push_back(std::move(*result));
      });
    } catch (const Reported&) {
      print();
      throw;
    }
    print();
  });
}

/// Printers of what the tweet commands return.
void print_created(Context& c, const Tweet& t) { c.printer().created_tweet(t); }
void print_all_created(Context& c, std::span<const Tweet> t) { c.printer().created_tweets(t); }
void print_tweet(Context& c, const Tweet& t) { c.printer().tweet(t); }
void print_tweets(Context& c, std::span<const Tweet> t) { c.printer().tweets(t); }
void print_thread(Context& c, const Thread& t) { c.printer().thread(t); }
void print_threads(Context& c, std::span<const Thread> t) { c.printer().threads(t); }
void print_nothing(Context&, const Id&) {}
void print_none(Context&, std::span<const Id>) {}

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

  // Undoing what was not done is no failure: like and follow are idempotent, and so
  // are their undos. It says so (in the human format) and exits 0.
  add_tweets_command<Tweet>(
      app, context, "retweet", "Retweet tweets and print the retweets' ids", true,
      [](Context& c, Id user, Id id) -> std::optional<Tweet> {
        return expect(c.backend().retweet(user, id));
      },
      print_created, print_all_created);

  add_tweets_command<Id>(
      app, context, "unretweet", "Undo retweets (a tweet not retweeted is left as it is)", true,
      [](Context& c, Id user, Id id) -> std::optional<Id> {
        auto undone = c.backend().unretweet(user, id);
        if (!undone && undone.error().code == Code::not_found) {
          expect(c.backend().tweet(id, user));  // a missing tweet is still a failure
          c.note(fmt::format("you had not retweeted {}", id));
          return std::nullopt;
        }
        expect(std::move(undone));
        c.note(fmt::format("unretweeted {}", id));
        return id;
      },
      print_nothing, print_none);

  add_tweets_command<Tweet>(
      app, context, "like", "Like tweets and print them", true,
      [](Context& c, Id user, Id id) -> std::optional<Tweet> {
        return expect(c.backend().like(user, id));
      },
      print_tweet, print_tweets);

  add_tweets_command<Tweet>(
      app, context, "unlike", "Remove likes and print the tweets", true,
      [](Context& c, Id user, Id id) -> std::optional<Tweet> {
        bool liked = expect(c.backend().tweet(id, user)).liked;
        auto tweet = expect(c.backend().unlike(user, id));
        if (!liked) c.note(fmt::format("you had not liked {}", id));
        return tweet;
      },
      print_tweet, print_tweets);

  add_tweets_command<Id>(
      app, context, "delete", "Delete tweets of yours", true,
      [](Context& c, Id user, Id id) -> std::optional<Id> {
        expect(c.backend().remove_tweet(user, id));
        c.note(fmt::format("deleted {}", id));
        return id;
      },
      print_nothing, print_none);

  add_tweets_command<Thread>(
      app, context, "show", "Show tweets with the thread around each", false,
      [](Context& c, Id viewer, Id id) -> std::optional<Thread> {
        return expect(c.backend().thread(id, viewer));
      },
      print_thread, print_threads);
}

}  // namespace chirp::cli
