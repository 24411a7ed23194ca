#pragma once
// The one output module of the CLI: every command prints through a Printer.
//
// Formats:
//   human  readable blocks (bold handles on a terminal, plain text otherwise)
//   json   one JSON value: an object for one item, an array for a list (chirp::to_json)
//   jsonl  one compact JSON object per line
//   csv    a header row, then RFC 4180 rows
//   tsv    a header row, then tab-separated rows; a tab, newline, carriage return or
//          backslash in a field is written as \t, \n, \r or \\ respectively
//
// csv/tsv columns:
//   tweets:   id,created_at,author,text,reply_to,retweet_of,like_count,retweet_count,reply_count,
//             mentions,hashtags (handles and tags, without @ and #, separated by spaces)
//   users:    id,handle,name,created_at,followers_count,following_count,tweets_count
//   notifications: id,created_at,kind,actor,tweet,read
//   settings: key,value,default,min,max,description
//   problems (chirp check): kind,table,column,id,ref,expected,found,message[,status]
// A retweet's text is its original's (as in JSON), so every row reads as a sentence;
// its author is the retweeter and retweet_of says whose tweet it passes on.
// Ids are plain numbers in human/csv/tsv and strings in JSON; times are RFC 3339 UTC.

#include <chirp/notifications.hpp>
#include <chirp/settings.hpp>
#include <chirp/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chirp::cli {

enum class Format { human, json, jsonl, csv, tsv };

/// The names accepted by --format, in help order.
const std::vector<std::string>& format_names();
std::optional<Format> parse_format(std::string_view name);

/// A row of a csv/tsv table, a quoted csv field, an escaped tsv field.
std::string csv_field(std::string_view field);
std::string tsv_field(std::string_view field);

/// A flat record (name, value) for results that are neither tweets nor users.
using Record = std::vector<std::pair<std::string, nlohmann::json>>;

class Printer {
public:
  /// COLOR enables bold/dim styling in the human format; NOW_MS anchors relative times.
  Printer(std::ostream& out, Format format, bool color, std::int64_t now_ms);

  /// From now on, lists are parts of one growing output (--follow): csv/tsv print
  /// their header once, json prints each item as its own document, human separates
  /// tweets across calls as within one list.
  void append_lists() { m_appending = true; }

  void tweet(const Tweet& tweet);
  void tweets(std::span<const Tweet> tweets);
  /// The tweet with its ancestors and (indented by depth) its replies.
  void thread(const Thread& thread);
  void user(const User& user);
  void users(std::span<const User> users);
  /// Notifications, one readable line each in the human format.
  void notifications(std::span<const Notification> notifications);
  void setting(const Setting& setting);
  void settings(std::span<const Setting> settings);
  /// Threads, one after another (a JSON array in the json format).
  void threads(std::span<const Thread> threads);
  /// A new tweet: its id alone in the human format, the tweet otherwise.
  void created_tweet(const Tweet& tweet);
  /// New tweets: their ids one a line in the human format, a list of tweets otherwise.
  void created_tweets(std::span<const Tweet> tweets);
  /// A flat record; HUMAN is the human format's line.
  void record(const Record& record, std::string_view human);
  /// A list of flat records, each with COLUMNS in that order (the csv/tsv header, also
  /// for an empty list); HUMAN holds each record's line in the human format.
  void records(std::span<const std::string_view> columns, std::span<const Record> records,
               std::span<const std::string> human);

private:
  void human_tweet(const Tweet& tweet, int depth);
  void human_user(const User& user);
  void human_notification(const Notification& notification);
  void human_settings(std::span<const Setting> settings);
  void table_header(std::span<const std::string_view> columns);
  void table_row(const std::vector<std::string>& fields);
  void tweet_row(const Tweet& tweet);
  void thread_rows(const Thread& thread);
  void user_row(const User& user);
  void setting_row(const Setting& setting);
  std::string bold(std::string_view text) const;
  std::string dim(std::string_view text) const;

  std::ostream& m_out;
  Format m_format;
  bool m_color;
  std::int64_t m_now_ms;
  bool m_appending = false;
  bool m_header_written = false;
  std::size_t m_tweets_written = 0;  ///< human tweets so far (for the separating lines)
};

}  // namespace chirp::cli
