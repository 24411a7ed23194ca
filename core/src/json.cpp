#include <chirp/json.hpp>
#include <chirp/time_format.hpp>

#include <string>

namespace chirp {

namespace {

nlohmann::json id_or_null(const std::optional<Id>& id) {
  return id ? nlohmann::json(std::to_string(*id)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const User& user) {
  return {
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
}

nlohmann::json to_json(const Tweet& tweet) {
  nlohmann::json out = {
      {"id", std::to_string(tweet.id)},
      {"author", {{"id", std::to_string(tweet.author.id)},
                  {"handle", tweet.author.handle},
                  {"name", tweet.author.name}}},
      {"text", tweet.text},
      {"created_at", format_rfc3339(tweet.created_at_ms)},
      {"reply_to", id_or_null(tweet.reply_to)},
      {"retweet_of", id_or_null(tweet.retweet_of)},
      {"media_urls", tweet.media_urls},
      {"like_count", tweet.like_count},
      {"retweet_count", tweet.retweet_count},
      {"reply_count", tweet.reply_count},
      {"liked", tweet.liked},
      {"retweeted", tweet.retweeted},
  };
  out["retweeted_tweet"] = tweet.original ? to_json(*tweet.original) : nlohmann::json(nullptr);
  return out;
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
