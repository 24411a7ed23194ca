#include <chirp/json.hpp>
#include <chirp/time_format.hpp>

#include <fmt/format.h>
#include <utf8.h>

#include <algorithm>
#include <iterator>
#include <string>

namespace chirp {

nlohmann::json to_json(const User& user) {
  nlohmann::json out = {
      {"id", std::to_string(user.id)},
      {"handle", user.handle},
      {"name", user.name},
      {"bio", user.bio},
      {"created_at", format_rfc3339(user.created_at_ms)},
      {"followers_count", user.followers_count},
      {"following_count", user.following_count},
      {"tweets_count", user.tweets_count},
      {"likes_count", user.likes_count},
  };
  if (user.unread_notifications) out["unread_notifications"] = *user.unread_notifications;
  return out;
}

nlohmann::json to_json(const Notification& notification) {
  return {
      {"id", std::to_string(notification.id)},
      {"kind", std::string(kind_name(notification.kind))},
      {"actor", to_json(notification.actor)},
      {"tweet", notification.tweet ? to_json(*notification.tweet) : nlohmann::json(nullptr)},
      {"created_at", format_rfc3339(notification.created_at_ms)},
      {"read", notification.read},
  };
}

void append_json_string(std::string& out, std::string_view s) {
  // Most strings are printable ASCII with nothing to escape: one pass, copied whole.
  auto plain = [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
  };
  if (std::all_of(s.begin(), s.end(), plain)) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  std::string repaired;
  if (utf8::find_invalid(s.begin(), s.end()) != s.end()) {
    utf8::replace_invalid(s.begin(), s.end(), std::back_inserter(repaired));
    s = repaired;
  }
  out += '"';
  // Runs of characters that need no escape are copied whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

namespace {

void append_id(std::string& out, Id id) {
  out += '"';
  out += fmt::format_int(id).c_str();
  out += '"';
}

void append_id_or_null(std::string& out, const std::optional<Id>& id) {
  if (id) {
    append_id(out, *id);
  } else {
    out += "null";
  }
}

void append_int(std::string& out, std::int64_t value) { out += fmt::format_int(value).c_str(); }

}  // namespace

void append_json(std::string& out, const Tweet& tweet) {
  // Keys in sorted order, as nlohmann's std::map-backed objects print them.
  out += "{\"author\":{\"handle\":";
  append_json_string(out, tweet.author.handle);
  out += ",\"id\":";
  append_id(out, tweet.author.id);
  out += ",\"name\":";
  append_json_string(out, tweet.author.name);
  out += "},\"created_at\":\"";
  out += format_rfc3339(tweet.created_at_ms);
  out += "\",\"hashtags\":[";
  for (std::size_t i = 0; i < tweet.hashtags.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, tweet.hashtags[i]);
  }
  out += "],\"id\":";
  append_id(out, tweet.id);
  out += ",\"like_count\":";
  append_int(out, tweet.like_count);
  out += tweet.liked ? ",\"liked\":true" : ",\"liked\":false";
  out += ",\"media_urls\":[";
  for (std::size_t i = 0; i < tweet.media_urls.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, tweet.media_urls[i]);
  }
  out += "],\"mentions\":[";
  for (std::size_t i = 0; i < tweet.mentions.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"handle\":";
    append_json_string(out, tweet.mentions[i].handle);
    out += ",\"id\":";
    append_id(out, tweet.mentions[i].id);
    out += '}';
  }
  out += "],\"reply_count\":";
  append_int(out, tweet.reply_count);
  out += ",\"reply_to\":";
  append_id_or_null(out, tweet.reply_to);
  out += ",\"retweet_count\":";
  append_int(out, tweet.retweet_count);
  out += ",\"retweet_of\":";
  append_id_or_null(out, tweet.retweet_of);
  out += tweet.retweeted ? ",\"retweeted\":true" : ",\"retweeted\":false";
  out += ",\"retweeted_tweet\":";
  if (tweet.original) {
    append_json(out, *tweet.original);
  } else {
    out += "null";
  }
  // A retweet has no text of its own; it carries its original's, so that `.text` of
  // every timeline entry is something to read (`jq -r .text`).
  out += ",\"text\":";
  append_json_string(out, tweet.original ? tweet.original->text : tweet.text);
  out += '}';
}

std::string json_array_of(const std::vector<Tweet>& tweets) {
  std::string out;
  out.reserve(tweets.size() * 512);
  out += '[';
  for (std::size_t i = 0; i < tweets.size(); ++i) {
    if (i > 0) out += ',';
    append_json(out, tweets[i]);
  }
  out += ']';
  return out;
}

std::string json_users_array(const std::vector<User>& users) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& user : users) out.push_back(to_json(user));
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json to_json(const Tweet& tweet) {
  std::string text;
  append_json(text, tweet);
  return nlohmann::json::parse(text);
}

nlohmann::json to_json(const Setting& setting) {
  nlohmann::json out = {{"key", setting.key}, {"value", setting.value},
                        {"is_default", setting.is_default}};
  if (setting.spec != nullptr) {
    out["default"] = setting.spec->default_value;
    out["min"] = setting.spec->min;
    out["max"] = setting.spec->max;
    out["description"] = setting.spec->description;
  }
  return out;
}

nlohmann::json to_json(const Thread& thread) {
  nlohmann::json ancestors = nlohmann::json::array();
  for (const auto& t : thread.ancestors) ancestors.push_back(to_json(t));
  nlohmann::json replies = nlohmann::json::array();
  for (const auto& t : thread.replies) replies.push_back(to_json(t));
  return {{"ancestors", ancestors}, {"tweet", to_json(thread.tweet)}, {"replies", replies}};
}

}  // namespace chirp
