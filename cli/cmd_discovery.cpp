// chirp tag | trends | search
#include "app.hpp"
#include "options.hpp"

#include <chirp/discovery.hpp>
#include <chirp/search.hpp>

#include <fmt/core.h>

#include <array>
#include <iostream>

namespace chirp::cli {

namespace {

struct TagOptions {
  std::string tag;
  PageRequest page;
};

struct TrendsOptions {
  int limit = k_default_trends;
};

struct SearchOptions {
  std::vector<std::string> words;
  bool users = false;
  PageRequest page;
  std::optional<std::string> cursor;
};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

/// Where the next page starts, on stderr: data stays alone on stdout.
void tell_next(const std::optional<std::string>& cursor) {
  if (cursor) std::cerr << "next page: --cursor " << *cursor << '\n';
}

constexpr std::array<std::string_view, 2> k_trend_columns = {"tag", "count"};

}  // namespace

void add_discovery_commands(CLI::App& app, Context& context) {
  auto tag_options = std::make_shared<TagOptions>();
  auto* tag = app.add_subcommand("tag", "Show the tweets with a hashtag, newest first");
  tag->add_option("tag", tag_options->tag, "The hashtag, with or without its # (any case)")
      ->required();
  add_page_options(*tag, tag_options->page);
  tag->callback([&context, tag_options] {
    auto viewer = context.optional_acting_user();
    auto page = expect(context.backend().tag(tag_options->tag, tag_options->page,
                                                      viewer ? viewer->id : 0));
    context.printer().tweets(page.items);
    if (page.items.empty()) context.say_empty("no tweets with #" + tag_options->tag);
  });

  auto trends_options = std::make_shared<TrendsOptions>();
  auto* trends = app.add_subcommand(
      "trends", fmt::format("Show the most used hashtags of the last {} hours", k_trend_hours));
  trends->add_option("--limit", trends_options->limit, "How many tags to show")
      ->check(CLI::Range(1, k_max_trends))
      ->capture_default_str();
  trends->callback([&context, trends_options] {
    auto tags = expect(context.backend().trends(trends_options->limit));
    std::vector<Record> records;
    std::vector<std::string> lines;
    for (const auto& t : tags) {
      records.push_back({{"tag", t.tag}, {"count", t.count}});
      lines.push_back(fmt::format("#{}  {}", t.tag, t.count));
    }
    context.printer().records(k_trend_columns, records, lines);
    if (tags.empty()) context.say_empty("no hashtags used in the last day");
  });

  auto search_options = std::make_shared<SearchOptions>();
  auto* search = app.add_subcommand(
      "search",
      "Search tweets (words, \"phrases\", prefix*, -word, from:HANDLE, #tag) or, with --users, "
      "users by handle or name prefix");
  search->add_option("query", search_options->words,
                     "The query; several arguments are joined by spaces (quote a -word: "
                     "chirp search 'coffee -tea')")
      ->required();
  search->add_flag("--users", search_options->users, "Search users instead of tweets");
  add_page_options(*search, search_options->page);
  search->add_option("--cursor", search_options->cursor,
                     "Continue after a page: the cursor it printed on stderr");
  search->callback([&context, search_options] {
    SearchRequest request{joined(search_options->words), search_options->page,
                          search_options->cursor};
    auto viewer = context.optional_acting_user();
    if (search_options->users) {
      auto page = expect(context.backend().search_users(request, viewer ? viewer->id : 0));
      context.printer().users(page.items);
      if (page.items.empty()) context.say_empty("no users found");
      tell_next(page.next_cursor);
      return;
    }
    auto page = expect(context.backend().search_tweets(request, viewer ? viewer->id : 0));
    context.printer().tweets(page.items);
    if (page.items.empty()) context.say_empty("no tweets found");
    tell_next(page.next_cursor);
  });
}

}  // namespace chirp::cli
