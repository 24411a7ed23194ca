#include "archive/records.hpp"

#include <chirp/validate.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <utf8.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace chirp::detail {

namespace {

using nlohmann::json;

/// The fields of one object, each looked up by name, with unknown ones refused.
class Fields {
public:
  Fields(const json& object, std::string_view type) : m_object(object), m_type(type) {}

  /// invalid naming the first field not in KNOWN.
  template <std::size_t N>
  Result<void> only(const std::array<std::string_view, N>& known) const {
    for (const auto& [key, value] : m_object.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return fail(Code::invalid, fmt::format("unknown field '{}' in a {}", key, m_type));
      }
    }
    return {};
  }

  const json* find(std::string_view name) const {
    auto it = m_object.find(name);
    return it == m_object.end() ? nullptr : &*it;
  }

  Result<const json*> required(std::string_view name) const {
    if (const json* value = find(name)) return value;
    return fail(Code::invalid, fmt::format("a {} needs the field '{}'", m_type, name));
  }

  /// An id: a string of decimal digits (as export writes it) or a positive integer.
  Result<Id> id(std::string_view name) const {
    auto value = required(name);
    if (!value) return std::unexpected(value.error());
    return id_value(name, **value);
  }

  Result<std::optional<Id>> optional_id(std::string_view name) const {
    const json* value = find(name);
    if (value == nullptr || value->is_null()) return std::optional<Id>();
    auto id = id_value(name, *value);
    if (!id) return std::unexpected(id.error());
    return std::optional<Id>(*id);
  }

  /// A time in ms since the epoch, not after NOW_MS.
  Result<std::int64_t> time(std::string_view name, std::int64_t now_ms) const {
    auto value = required(name);
    if (!value) return std::unexpected(value.error());
    return time_value(name, **value, now_ms);
  }

  Result<std::optional<std::int64_t>> optional_time(std::string_view name,
                                                    std::int64_t now_ms) const {
    const json* value = find(name);
    if (value == nullptr || value->is_null()) return std::optional<std::int64_t>();
    auto ms = time_value(name, *value, now_ms);
    if (!ms) return std::unexpected(ms.error());
    return std::optional<std::int64_t>(*ms);
  }

  Result<std::string> text(std::string_view name, bool needed) const {
    const json* value = find(name);
    if (value == nullptr) {
      if (needed) return fail(Code::invalid, fmt::format("a {} needs the field '{}'", m_type, name));
      return std::string();
    }
    if (!value->is_string()) return wrong_type(name, "a string");
    return value->get<std::string>();
  }

private:
  std::unexpected<Error> wrong_type(std::string_view name, std::string_view what) const {
    return fail(Code::invalid, fmt::format("the field '{}' of a {} must be {}", name, m_type, what));
  }

  Result<Id> id_value(std::string_view name, const json& value) const {
    Id id = 0;
    if (value.is_number_integer()) {
      id = value.get<Id>();
    } else if (value.is_string()) {
      const auto& s = value.get_ref<const std::string&>();
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size()) id = 0;
    }
    if (id <= 0) return wrong_type(name, "an id (a positive integer, or a string of digits)");
    return id;
  }

  Result<std::int64_t> time_value(std::string_view name, const json& value,
                                  std::int64_t now_ms) const {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
      return wrong_type(name, "a time (milliseconds since 1970, an integer)");
    }
    auto ms = value.get<std::int64_t>();
    if (ms > now_ms) {
      return fail(Code::invalid,
                  fmt::format("the field '{}' of a {} is in the future ({})", name, m_type, ms));
    }
    return ms;
  }

  const json& m_object;
  std::string_view m_type;
};

#define CHIRP_TRY(var, expr)                          \
  auto var = (expr);                                  \
  if (!var) return std::unexpected(var.error())

Result<std::optional<Record>> user_record(const Fields& f, std::int64_t now_ms) {
  if (auto ok = f.only(std::array<std::string_view, 7>{"type", "id", "handle", "name", "bio",
                                                       "created_at", "password_hash"});
      !ok) {
    return std::unexpected(ok.error());
  }
  UserRecord user;
  CHIRP_TRY(id, f.id("id"));
  user.id = *id;
  CHIRP_TRY(handle_text, f.text("handle", true));
  CHIRP_TRY(handle, validate_handle(*handle_text));
  user.handle = *handle;
  CHIRP_TRY(name_text, f.text("name", false));
  CHIRP_TRY(name, validate_name(*name_text));
  user.name = *name;
  CHIRP_TRY(bio_text, f.text("bio", false));
  CHIRP_TRY(bio, validate_bio(*bio_text));
  user.bio = *bio;
  CHIRP_TRY(created, f.time("created_at", now_ms));
  user.created_at_ms = *created;
  if (f.find("password_hash") != nullptr) {
    CHIRP_TRY(hash, f.text("password_hash", true));
    // What crypto_pwhash_str writes: anything else could never match a password.
    bool printable = std::all_of(hash->begin(), hash->end(),
                                 [](unsigned char c) { return c > ' ' && c < 0x7f; });
    if (!hash->starts_with("$argon2id$") || hash->size() > 255 || !printable) {
      return fail(Code::invalid, "the password_hash of a user must be an argon2id hash "
                                 "(\"$argon2id$...\")");
    }
    user.password_hash = *hash;
  }
  return std::optional<Record>(std::move(user));
}

Result<std::optional<Record>> follow_record(const Fields& f, std::int64_t now_ms) {
  if (auto ok = f.only(std::array<std::string_view, 4>{"type", "follower", "followee", "created_at"});
      !ok) {
    return std::unexpected(ok.error());
  }
  CHIRP_TRY(follower, f.id("follower"));
  CHIRP_TRY(followee, f.id("followee"));
  CHIRP_TRY(created, f.time("created_at", now_ms));
  if (*follower == *followee) return fail(Code::invalid, fmt::format("user {} follows themselves", *follower));
  return std::optional<Record>(FollowRecord{*follower, *followee, *created});
}

Result<std::optional<Record>> like_record(const Fields& f, std::int64_t now_ms) {
  if (auto ok = f.only(std::array<std::string_view, 4>{"type", "liker", "tweet", "created_at"}); !ok) {
    return std::unexpected(ok.error());
  }
  CHIRP_TRY(liker, f.id("liker"));
  CHIRP_TRY(tweet, f.id("tweet"));
  CHIRP_TRY(created, f.time("created_at", now_ms));
  return std::optional<Record>(LikeRecord{*liker, *tweet, *created});
}

/// A block or a mute: two users (not the same one) and a time. FIRST and SECOND name
/// the fields ("blocker", "blocked"; "muter", "muted"); VERB says what oneself cannot be.
template <typename R>
Result<std::optional<Record>> pair_record(const Fields& f, std::int64_t now_ms,
                                          std::string_view first, std::string_view second,
                                          std::string_view verb) {
  if (auto ok = f.only(std::array<std::string_view, 4>{"type", first, second, "created_at"}); !ok) {
    return std::unexpected(ok.error());
  }
  CHIRP_TRY(a, f.id(first));
  CHIRP_TRY(b, f.id(second));
  CHIRP_TRY(created, f.time("created_at", now_ms));
  if (*a == *b) return fail(Code::invalid, fmt::format("user {} {} themselves", *a, verb));
  return std::optional<Record>(R{*a, *b, *created});
}

Result<std::optional<Record>> tweet_record(const Fields& f, std::int64_t now_ms) {
  if (auto ok = f.only(std::array<std::string_view, 9>{"type", "id", "author", "created_at", "text",
                                                       "reply_to", "retweet_of", "media",
                                                       "deleted_at"});
      !ok) {
    return std::unexpected(ok.error());
  }
  TweetRecord tweet;
  CHIRP_TRY(id, f.id("id"));
  tweet.id = *id;
  CHIRP_TRY(author, f.id("author"));
  tweet.author = *author;
  CHIRP_TRY(created, f.time("created_at", now_ms));
  tweet.created_at_ms = *created;
  CHIRP_TRY(reply_to, f.optional_id("reply_to"));
  tweet.reply_to = *reply_to;
  CHIRP_TRY(retweet_of, f.optional_id("retweet_of"));
  tweet.retweet_of = *retweet_of;
  CHIRP_TRY(deleted, f.optional_time("deleted_at", now_ms));
  tweet.deleted_at_ms = *deleted;
  if (tweet.reply_to && tweet.retweet_of) {
    return fail(Code::invalid, "a tweet is a reply or a retweet, not both");
  }
  const char* bare = tweet.deleted_at_ms ? "a deleted tweet" : tweet.retweet_of ? "a retweet" : nullptr;
  if (bare != nullptr) {
    // A retweet's text is its original's; a deleted tweet's text is not exported.
    if (f.find("text") != nullptr || f.find("media") != nullptr) {
      return fail(Code::invalid, fmt::format("{} carries no text or media", bare));
    }
    return std::optional<Record>(std::move(tweet));
  }
  CHIRP_TRY(raw_text, f.text("text", true));
  CHIRP_TRY(text, validate_tweet_text(*raw_text));
  tweet.text = *text;
  if (const json* media = f.find("media")) {
    std::vector<std::string> urls;
    if (!media->is_array()) return fail(Code::invalid, "the field 'media' of a tweet must be an array of URLs");
    for (const auto& url : *media) {
      if (!url.is_string()) return fail(Code::invalid, "the field 'media' of a tweet must be an array of URLs");
      urls.push_back(url.get<std::string>());
    }
    CHIRP_TRY(valid, validate_media_urls(urls));
    if (!valid->empty()) tweet.media_json = json(*valid).dump();
  }
  return std::optional<Record>(std::move(tweet));
}

#undef CHIRP_TRY

bool blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace

Result<std::optional<Record>> parse_jsonl_line(std::string_view line, std::int64_t now_ms) {
  if (blank(line)) return std::optional<Record>();
  if (auto bad = utf8::find_invalid(line.begin(), line.end()); bad != line.end()) {
    return fail(Code::invalid, fmt::format("invalid UTF-8 at byte {}", bad - line.begin() + 1));
  }
  json object = json::parse(line, nullptr, false);
  if (object.is_discarded()) return fail(Code::invalid, "not valid JSON");
  if (!object.is_object()) return fail(Code::invalid, "not a JSON object");
  auto type = object.find("type");
  if (type == object.end() || !type->is_string()) {
    return fail(Code::invalid, "an object needs a \"type\" (user, block, mute, follow, tweet, like)");
  }
  const auto& name = type->get_ref<const std::string&>();
  Fields fields(object, name);
  if (name == "user") return user_record(fields, now_ms);
  if (name == "follow") return follow_record(fields, now_ms);
  if (name == "tweet") return tweet_record(fields, now_ms);
  if (name == "like") return like_record(fields, now_ms);
  if (name == "block") return pair_record<BlockRecord>(fields, now_ms, "blocker", "blocked", "blocks");
  if (name == "mute") return pair_record<MuteRecord>(fields, now_ms, "muter", "muted", "mutes");
  if (name == "chirp_export") {
    if (auto ok = fields.only(std::array<std::string_view, 2>{"type", "version"}); !ok) {
      return std::unexpected(ok.error());
    }
    auto version = object.find("version");
    if (version == object.end() || !version->is_number_integer()) {
      return fail(Code::invalid, "the chirp_export header needs an integer \"version\"");
    }
    auto number = version->get<std::int64_t>();
    if (number < k_oldest_archive_version || number > k_archive_version) {
      return fail(Code::invalid,
                  fmt::format("export format version {} (this chirp reads versions {} to {})",
                              version->dump(), k_oldest_archive_version, k_archive_version));
    }
    return std::optional<Record>(HeaderRecord{});
  }
  std::string shown = utf8::is_valid(name.begin(), name.end()) ? name : "?";
  return fail(Code::invalid,
              fmt::format("unknown type '{}' (expected user, block, mute, follow, tweet or like)",
                          shown));
}

Result<std::optional<Record>> parse_edge_line(std::string_view line) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  std::size_t i = 0;
  auto next_field = [&]() -> std::string_view {
    while (i < line.size() && is_space(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    return line.substr(start, i - start);
  };
  std::string_view first = next_field();
  if (first.empty() || first.front() == '#') return std::optional<Record>();
  std::string_view second = next_field();
  std::string_view extra = next_field();
  if (second.empty() || !extra.empty()) {
    return fail(Code::invalid, "expected two user numbers: FOLLOWER FOLLOWEE");
  }
  std::array<std::string, 2> numbers;
  std::array<std::string_view, 2> fields = {first, second};
  for (std::size_t k = 0; k < 2; ++k) {
    std::string_view field = fields[k];
    if (!std::all_of(field.begin(), field.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail(Code::invalid, "expected two user numbers: FOLLOWER FOLLOWEE (decimal digits)");
    }
    while (field.size() > 1 && field.front() == '0') field.remove_prefix(1);
    // "u" + the number must fit a handle.
    if (field.size() > static_cast<std::size_t>(k_max_handle_chars - 1)) {
      return fail(Code::invalid, fmt::format("the user number {} has more than {} digits", field,
                                             k_max_handle_chars - 1));
    }
    numbers[k] = std::string(field);
  }
  return std::optional<Record>(EdgeRecord{std::move(numbers[0]), std::move(numbers[1])});
}

}  // namespace chirp::detail
