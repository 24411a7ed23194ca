#pragma once
/// The one serializer of tweets and users, shared by `--format json` and the HTTP API.
/// Ids are JSON strings (many JSON tools lose precision past 2^53); times RFC 3339 UTC.

#include <chirp/notifications.hpp>
#include <chirp/settings.hpp>
#include <chirp/types.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace chirp {

/// Appends TWEET as compact JSON (keys sorted, the layout nlohmann's dump() gives) to
/// OUT, without building a JSON tree: the serializer of the hot read paths. Invalid
/// UTF-8 (never stored, but never trusted either) is written as U+FFFD. A retweet's
/// "text" is its original's (as in "retweeted_tweet"): a retweet has none of its own.
void append_json(std::string& out, const Tweet& tweet);
/// TWEETS as a compact JSON array.
std::string json_array_of(const std::vector<Tweet>& tweets);
/// USERS as a compact JSON array (invalid UTF-8 written as U+FFFD).
std::string json_users_array(const std::vector<User>& users);
/// S as a JSON string literal, quotes included, appended to OUT.
void append_json_string(std::string& out, std::string_view s);

/// A user; "unread_notifications" only on one's own profile (when set).
nlohmann::json to_json(const User& user);
/// {"id","kind","actor":{user},"tweet":{tweet}|null,"created_at","read"}.
nlohmann::json to_json(const Notification& notification);
/// The same fields as append_json, as a JSON value (for the CLI's formats).
nlohmann::json to_json(const Tweet& tweet);
nlohmann::json to_json(const Setting& setting);
nlohmann::json to_json(const Thread& thread);

}  // namespace chirp
