#include "format.hpp"

#include <chirp/json.hpp>
#include <chirp/time_format.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

namespace chirp::cli {

namespace {

constexpr std::array<std::string_view, 11> k_tweet_columns = {
    "id",          "created_at",  "author",   "text",    "reply_to", "retweet_of",
    "like_count",  "retweet_count", "reply_count", "mentions", "hashtags"};
constexpr std::array<std::string_view, 7> k_user_columns = {
    "id", "handle", "name", "created_at", "followers_count", "following_count", "tweets_count"};
constexpr std::array<std::string_view, 6> k_setting_columns = {"key", "value", "default",
                                                                "min", "max", "description"};

/// WORDS joined by single spaces (handles and tags hold none).
template <class T, class Word>
std::string spaced(const std::vector<T>& items, Word word) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    out += word(item);
  }
  return out;
}

std::string optional_id(const std::optional<Id>& id) {
  return id ? std::to_string(*id) : std::string();
}

/// Writes TEXT with every line prefixed by INDENT.
void write_indented(std::ostream& out, std::string_view text, std::string_view indent) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out << indent << text.substr(start, end - start) << '\n';
    start = end + 1;
  }
}

/// Depth of each reply below the thread's tweet (1 = a direct reply), from reply_to.
std::map<Id, int> reply_depths(const Thread& thread) {
  std::map<Id, int> depth{{thread.tweet.id, 0}};
  for (const auto& reply : thread.replies) {  // oldest first: parents come before children
    auto parent = reply.reply_to ? depth.find(*reply.reply_to) : depth.end();
    depth[reply.id] = parent == depth.end() ? 1 : parent->second + 1;
  }
  return depth;
}

/// The replies in conversation order: each reply directly below its parent.
std::vector<const Tweet*> reply_order(const Thread& thread) {
  std::multimap<Id, const Tweet*> children;
  for (const auto& reply : thread.replies) {
    children.emplace(reply.reply_to.value_or(thread.tweet.id), &reply);
  }
  std::vector<const Tweet*> ordered;
  std::vector<const Tweet*> stack;
  auto push_children = [&](Id parent) {
    auto [first, last] = children.equal_range(parent);
    std::vector<const Tweet*> kids;
    for (auto it = first; it != last; ++it) kids.push_back(it->second);
    // Oldest first on output, so push newest first.
    std::sort(kids.begin(), kids.end(), [](auto* a, auto* b) { return a->id > b->id; });
    stack.insert(stack.end(), kids.begin(), kids.end());
  };
  push_children(thread.tweet.id);
  while (!stack.empty()) {
    const Tweet* next = stack.back();
    stack.pop_back();
    ordered.push_back(next);
    push_children(next->id);
  }
  // Replies whose parent is not in the thread (should not happen) still get shown.
  if (ordered.size() < thread.replies.size()) {
    for (const auto& reply : thread.replies) {
      if (std::find(ordered.begin(), ordered.end(), &reply) == ordered.end()) {
        ordered.push_back(&reply);
      }
    }
  }
  return ordered;
}

}  // namespace

const std::vector<std::string>& format_names() {
  static const std::vector<std::string> names = {"human", "json", "jsonl", "csv", "tsv"};
  return names;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "human") return Format::human;
  if (name == "json") return Format::json;
  if (name == "jsonl") return Format::jsonl;
  if (name == "csv") return Format::csv;
  if (name == "tsv") return Format::tsv;
  return std::nullopt;
}

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string tsv_field(std::string_view field) {
  std::string escaped;
  escaped.reserve(field.size());
  for (char c : field) {
    switch (c) {
      case '\t': escaped += "\\t"; break;
      case '\n': escaped += "\\n"; break;
      case '\r': escaped += "\\r"; break;
      case '\\': escaped += "\\\\"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

Printer::Printer(std::ostream& out, Format format, bool color, std::int64_t now_ms)
    : m_out(out), m_format(format), m_color(color), m_now_ms(now_ms) {}

std::string Printer::bold(std::string_view text) const {
  return m_color ? fmt::format("\x1b[1m{}\x1b[0m", text) : std::string(text);
}

std::string Printer::dim(std::string_view text) const {
  return m_color ? fmt::format("\x1b[2m{}\x1b[0m", text) : std::string(text);
}

// ---- tables ------------------------------------------------------------------

void Printer::table_header(std::span<const std::string_view> columns) {
  if (m_appending && m_header_written) return;
  m_header_written = true;
  std::vector<std::string> fields(columns.begin(), columns.end());
  table_row(fields);
}

void Printer::table_row(const std::vector<std::string>& fields) {
  const bool csv = m_format == Format::csv;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) m_out << (csv ? ',' : '\t');
    m_out << (csv ? csv_field(fields[i]) : tsv_field(fields[i]));
  }
  // RFC 4180 ends records with CRLF, but every consumer we know also accepts LF, and
  // LF keeps the output friendly to line-based Unix tools.
  m_out << '\n';
}

void Printer::tweet_row(const Tweet& t) {
  const std::string& text = t.original ? t.original->text : t.text;
  table_row({std::to_string(t.id), format_rfc3339(t.created_at_ms), t.author.handle, text,
             optional_id(t.reply_to), optional_id(t.retweet_of), std::to_string(t.like_count),
             std::to_string(t.retweet_count), std::to_string(t.reply_count),
             spaced(t.mentions, [](const Mention& m) { return m.handle; }),
             spaced(t.hashtags, [](const std::string& tag) { return tag; })});
}

void Printer::user_row(const User& u) {
  table_row({std::to_string(u.id), u.handle, u.name, format_rfc3339(u.created_at_ms),
             std::to_string(u.followers_count), std::to_string(u.following_count),
             std::to_string(u.tweets_count)});
}

void Printer::setting_row(const Setting& s) {
  table_row({s.key, std::to_string(s.value),
             s.spec ? std::to_string(s.spec->default_value) : std::string(),
             s.spec ? std::to_string(s.spec->min) : std::string(),
             s.spec ? std::to_string(s.spec->max) : std::string(),
             s.spec ? s.spec->description : std::string()});
}

// ---- human layout ----------------------------------------------------------

void Printer::human_tweet(const Tweet& t, int depth) {
  const std::string indent(static_cast<std::size_t>(depth) * 4, ' ');
  const Tweet* shown = &t;
  if (t.retweet_of) {
    m_out << indent << dim(fmt::format("⟲ @{} retweeted · {}", t.author.handle,
                                       format_relative(t.created_at_ms, m_now_ms)))
          << '\n';
    if (!t.original) {
      m_out << indent << dim("(the original tweet is gone)") << '\n';
      return;
    }
    shown = t.original.get();
  }
  std::string name = shown->author.name.empty() ? "" : fmt::format(" ({})", shown->author.name);
  m_out << indent << bold("@" + shown->author.handle) << name << ' '
        << dim(fmt::format("· {} · {}", format_relative(shown->created_at_ms, m_now_ms),
                           shown->id))
        << '\n';
  write_indented(m_out, shown->text, indent);
  for (const auto& url : shown->media_urls) m_out << indent << dim(url) << '\n';
  m_out << indent
        << dim(fmt::format("♥ {}  ⟲ {}  ↩ {}", shown->like_count, shown->retweet_count,
                           shown->reply_count))
        << '\n';
}

void Printer::human_user(const User& u) {
  std::string name = u.name.empty() ? "" : fmt::format(" ({})", u.name);
  m_out << bold("@" + u.handle) << name << ' ' << dim(fmt::format("· {}", u.id)) << '\n';
  if (!u.bio.empty()) m_out << u.bio << '\n';
  m_out << dim(fmt::format("{} following · {} followers · {} tweets · joined {}",
                           u.following_count, u.followers_count, u.tweets_count,
                           format_rfc3339(u.created_at_ms).substr(0, 10)))
        << '\n';
  if (u.unread_notifications) {
    m_out << dim(fmt::format("{} unread notifications", *u.unread_notifications)) << '\n';
  }
}

void Printer::human_notification(const Notification& n) {
  std::string what;
  switch (n.kind) {
    case NotificationKind::mention: what = "mentioned you"; break;
    case NotificationKind::reply: what = "replied to you"; break;
    case NotificationKind::like: what = "liked your tweet"; break;
    case NotificationKind::retweet: what = "retweeted your tweet"; break;
    case NotificationKind::follow: what = "followed you"; break;
  }
  std::string about;
  if (n.tweet) {
    const Tweet& shown = n.tweet->original ? *n.tweet->original : *n.tweet;
    std::string text = shown.text;
    std::replace(text.begin(), text.end(), '\n', ' ');
    about = fmt::format(": {}", text);
  }
  m_out << (n.read ? " " : bold("•")) << ' ' << bold("@" + n.actor.handle) << ' ' << what << about
        << ' '
        << dim(fmt::format("· {} · {}", format_relative(n.created_at_ms, m_now_ms), n.id))
        << '\n';
}

void Printer::human_settings(std::span<const Setting> settings) {
  std::size_t key_width = 3;
  std::size_t value_width = 5;
  for (const auto& s : settings) {
    key_width = std::max(key_width, s.key.size());
    value_width = std::max(value_width, std::to_string(s.value).size());
  }
  m_out << bold(fmt::format("{:<{}}  {:>{}}  {:>9}  {}", "KEY", key_width, "VALUE",
                            value_width, "DEFAULT", "DESCRIPTION"))
        << '\n';
  for (const auto& s : settings) {
    m_out << fmt::format("{:<{}}  {:>{}}  {:>9}  {}", s.key, key_width, s.value, value_width,
                         s.spec ? std::to_string(s.spec->default_value) : "",
                         s.spec ? s.spec->description : "")
          << '\n';
  }
}

// ---- public ------------------------------------------------------------------

void Printer::tweet(const Tweet& t) {
  switch (m_format) {
    case Format::human: human_tweet(t, 0); break;
    case Format::json: m_out << to_json(t).dump(2) << '\n'; break;
    case Format::jsonl: m_out << to_json(t).dump() << '\n'; break;
    case Format::csv:
    case Format::tsv:
      table_header(k_tweet_columns);
      tweet_row(t);
      break;
  }
}

void Printer::tweets(std::span<const Tweet> tweets) {
  switch (m_format) {
    case Format::human:
      for (const auto& t : tweets) {
        if (m_tweets_written++ > 0) m_out << '\n';
        human_tweet(t, 0);
      }
      if (!m_appending) m_tweets_written = 0;
      break;
    case Format::json: {
      if (m_appending) {
        for (const auto& t : tweets) m_out << to_json(t).dump(2) << '\n';
        break;
      }
      auto array = nlohmann::json::array();
      for (const auto& t : tweets) array.push_back(to_json(t));
      m_out << array.dump(2) << '\n';
      break;
    }
    case Format::jsonl:
      for (const auto& t : tweets) m_out << to_json(t).dump() << '\n';
      break;
    case Format::csv:
    case Format::tsv:
      table_header(k_tweet_columns);
      for (const auto& t : tweets) tweet_row(t);
      break;
  }
}

void Printer::thread(const Thread& thread) {
  switch (m_format) {
    case Format::human: {
      for (const auto& ancestor : thread.ancestors) {
        human_tweet(ancestor, 0);
        m_out << '\n';
      }
      human_tweet(thread.tweet, 0);
      auto depth = reply_depths(thread);
      for (const Tweet* reply : reply_order(thread)) {
        m_out << '\n';
        human_tweet(*reply, depth[reply->id]);
      }
      break;
    }
    case Format::json: m_out << to_json(thread).dump(2) << '\n'; break;
    case Format::jsonl: m_out << to_json(thread).dump() << '\n'; break;
    case Format::csv:
    case Format::tsv:
      table_header(k_tweet_columns);
      thread_rows(thread);
      break;
  }
}

void Printer::thread_rows(const Thread& thread) {
  for (const auto& t : thread.ancestors) tweet_row(t);
  tweet_row(thread.tweet);
  for (const auto& t : thread.replies) tweet_row(t);
}

void Printer::threads(std::span<const Thread> threads) {
  switch (m_format) {
    case Format::human:
    case Format::jsonl:
      for (std::size_t i = 0; i < threads.size(); ++i) {
        if (i > 0 && m_format == Format::human) m_out << '\n';
        thread(threads[i]);
      }
      break;
    case Format::json: {
      auto array = nlohmann::json::array();
      for (const auto& t : threads) array.push_back(to_json(t));
      m_out << array.dump(2) << '\n';
      break;
    }
    case Format::csv:
    case Format::tsv:
      table_header(k_tweet_columns);
      for (const auto& t : threads) thread_rows(t);
      break;
  }
}

void Printer::user(const User& u) {
  switch (m_format) {
    case Format::human: human_user(u); break;
    case Format::json: m_out << to_json(u).dump(2) << '\n'; break;
    case Format::jsonl: m_out << to_json(u).dump() << '\n'; break;
    case Format::csv:
    case Format::tsv:
      table_header(k_user_columns);
      user_row(u);
      break;
  }
}

void Printer::users(std::span<const User> users) {
  switch (m_format) {
    case Format::human:
      for (std::size_t i = 0; i < users.size(); ++i) {
        if (i > 0) m_out << '\n';
        human_user(users[i]);
      }
      break;
    case Format::json: {
      auto array = nlohmann::json::array();
      for (const auto& u : users) array.push_back(to_json(u));
      m_out << array.dump(2) << '\n';
      break;
    }
    case Format::jsonl:
      for (const auto& u : users) m_out << to_json(u).dump() << '\n';
      break;
    case Format::csv:
    case Format::tsv:
      table_header(k_user_columns);
      for (const auto& u : users) user_row(u);
      break;
  }
}

void Printer::notifications(std::span<const Notification> notifications) {
  static constexpr std::array<std::string_view, 6> k_notification_columns = {
      "id", "created_at", "kind", "actor", "tweet", "read"};
  switch (m_format) {
    case Format::human:
      for (const auto& n : notifications) human_notification(n);
      break;
    case Format::json: {
      if (m_appending) {
        for (const auto& n : notifications) m_out << to_json(n).dump(2) << '\n';
        break;
      }
      auto array = nlohmann::json::array();
      for (const auto& n : notifications) array.push_back(to_json(n));
      m_out << array.dump(2) << '\n';
      break;
    }
    case Format::jsonl:
      for (const auto& n : notifications) m_out << to_json(n).dump() << '\n';
      break;
    case Format::csv:
    case Format::tsv:
      table_header(k_notification_columns);
      for (const auto& n : notifications) {
        table_row({std::to_string(n.id), format_rfc3339(n.created_at_ms),
                   std::string(kind_name(n.kind)), n.actor.handle,
                   n.tweet ? std::to_string(n.tweet->id) : std::string(),
                   n.read ? "true" : "false"});
      }
      break;
  }
}

void Printer::setting(const Setting& s) {
  switch (m_format) {
    case Format::human: m_out << s.value << '\n'; break;
    case Format::json: m_out << to_json(s).dump(2) << '\n'; break;
    case Format::jsonl: m_out << to_json(s).dump() << '\n'; break;
    case Format::csv:
    case Format::tsv:
      table_header(k_setting_columns);
      setting_row(s);
      break;
  }
}

void Printer::settings(std::span<const Setting> settings) {
  switch (m_format) {
    case Format::human: human_settings(settings); break;
    case Format::json: {
      auto array = nlohmann::json::array();
      for (const auto& s : settings) array.push_back(to_json(s));
      m_out << array.dump(2) << '\n';
      break;
    }
    case Format::jsonl:
      for (const auto& s : settings) m_out << to_json(s).dump() << '\n';
      break;
    case Format::csv:
    case Format::tsv:
      table_header(k_setting_columns);
      for (const auto& s : settings) setting_row(s);
      break;
  }
}

void Printer::created_tweet(const Tweet& t) {
  if (m_format == Format::human) {
    m_out << t.id << '\n';
  } else {
    tweet(t);
  }
}

void Printer::created_tweets(std::span<const Tweet> tweets) {
  if (m_format == Format::human) {
    for (const auto& t : tweets) m_out << t.id << '\n';
  } else {
    this->tweets(tweets);
  }
}

void Printer::records(std::span<const std::string_view> columns, std::span<const Record> records,
                      std::span<const std::string> human) {
  auto object = [](const Record& record) {
    auto out = nlohmann::json::object();
    for (const auto& [name, value] : record) out[name] = value;
    return out;
  };
  switch (m_format) {
    case Format::human:
      for (const auto& line : human) m_out << line << '\n';
      break;
    case Format::json: {
      auto array = nlohmann::json::array();
      for (const auto& record : records) array.push_back(object(record));
      m_out << array.dump(2) << '\n';
      break;
    }
    case Format::jsonl:
      for (const auto& record : records) m_out << object(record).dump() << '\n';
      break;
    case Format::csv:
    case Format::tsv:
      table_header(columns);
      for (const auto& record : records) {
        std::vector<std::string> values;
        for (const auto& [name, value] : record) {
          values.push_back(value.is_string() ? value.get<std::string>() : value.dump());
        }
        table_row(values);
      }
      break;
  }
}

void Printer::record(const Record& record, std::string_view human) {
  switch (m_format) {
    case Format::human: m_out << human << '\n'; break;
    case Format::json:
    case Format::jsonl: {
      auto object = nlohmann::json::object();
      for (const auto& [name, value] : record) object[name] = value;
      m_out << (m_format == Format::json ? object.dump(2) : object.dump()) << '\n';
      break;
    }
    case Format::csv:
    case Format::tsv: {
      std::vector<std::string> names;
      std::vector<std::string> values;
      for (const auto& [name, value] : record) {
        names.push_back(name);
        values.push_back(value.is_string() ? value.get<std::string>() : value.dump());
      }
      table_row(names);
      table_row(values);
      break;
    }
  }
}

}  // namespace chirp::cli
