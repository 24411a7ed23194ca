// The Backend over a chirp server: each operation is one HTTP exchange (cpp-httplib),
// its JSON read back into the structs core returns, its error into the same Error.
// The only file of the CLI that includes httplib (compile time), with the server's
// JSON shapes read in one place each (user_of, tweet_of, thread_of, page_of).
#include "backend.hpp"
#include "remote_session.hpp"
#include "server_login.hpp"

#include <chirp/time_format.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <map>
#include <stdexcept>
#include <type_traits>

namespace chirp::cli {

namespace {

using nlohmann::json;

/// An answer that is not what a chirp server sends; caught where JSON is read.
struct NotChirp {};

Id id_in(const json& value) {
  auto text = value.get<std::string>();
  Id id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) throw NotChirp{};
  return id;
}

std::optional<Id> optional_id_in(const json& value) {
  if (value.is_null()) return std::nullopt;
  return id_in(value);
}

std::int64_t time_in(const json& value) {
  auto ms = parse_rfc3339(value.get<std::string>());
  if (!ms) throw NotChirp{};
  return *ms;
}

User user_of(const json& j) {
  return User{.id = id_in(j.at("id")),
              .handle = j.at("handle").get<std::string>(),
              .name = j.at("name").get<std::string>(),
              .bio = j.at("bio").get<std::string>(),
              .created_at_ms = time_in(j.at("created_at")),
              .followers_count = j.at("followers_count").get<std::int64_t>(),
              .following_count = j.at("following_count").get<std::int64_t>(),
              .tweets_count = j.at("tweets_count").get<std::int64_t>(),
              .likes_count = j.at("likes_count").get<std::int64_t>(),
              .unread_notifications = j.contains("unread_notifications")
                                          ? std::optional(j["unread_notifications"].get<std::int64_t>())
                                          : std::nullopt};
}

Tweet tweet_of(const json& j) {
  const json& author = j.at("author");
  Tweet tweet{.id = id_in(j.at("id")),
              .author = {.id = id_in(author.at("id")),
                         .handle = author.at("handle").get<std::string>(),
                         .name = author.at("name").get<std::string>()},
              .text = j.at("text").get<std::string>(),
              .created_at_ms = time_in(j.at("created_at")),
              .reply_to = optional_id_in(j.at("reply_to")),
              .retweet_of = optional_id_in(j.at("retweet_of")),
              .media_urls = j.at("media_urls").get<std::vector<std::string>>(),
              .like_count = j.at("like_count").get<std::int64_t>(),
              .retweet_count = j.at("retweet_count").get<std::int64_t>(),
              .reply_count = j.at("reply_count").get<std::int64_t>(),
              .liked = j.at("liked").get<bool>(),
              .retweeted = j.at("retweeted").get<bool>()};
  for (const auto& mention : j.at("mentions")) {
    tweet.mentions.push_back({.id = id_in(mention.at("id")), .handle = mention.at("handle").get<std::string>()});
  }
  tweet.hashtags = j.at("hashtags").get<std::vector<std::string>>();
  if (const json& original = j.at("retweeted_tweet"); !original.is_null()) {
    tweet.original = std::make_shared<const Tweet>(tweet_of(original));
    tweet.text.clear();  // a retweet has no text of its own; JSON shows its original's
  }
  return tweet;
}

std::vector<Tweet> tweets_of(const json& list) {
  std::vector<Tweet> out;
  for (const auto& item : list) out.push_back(tweet_of(item));
  return out;
}

Thread thread_of(const json& j) {
  return Thread{.ancestors = tweets_of(j.at("ancestors")),
                .tweet = tweet_of(j.at("tweet")),
                .replies = tweets_of(j.at("replies"))};
}

Notification notification_of(const json& j) {
  auto kind_text = j.at("kind").get<std::string>();
  std::optional<NotificationKind> kind;
  for (auto k : {NotificationKind::mention, NotificationKind::reply, NotificationKind::like,
                 NotificationKind::retweet, NotificationKind::follow}) {
    if (kind_name(k) == kind_text) kind = k;
  }
  if (!kind) throw NotChirp{};
  Notification n{.id = id_in(j.at("id")),
                 .kind = *kind,
                 .actor = user_of(j.at("actor")),
                 .tweet = std::nullopt,
                 .created_at_ms = time_in(j.at("created_at")),
                 .read = j.at("read").get<bool>()};
  if (const json& tweet = j.at("tweet"); !tweet.is_null()) n.tweet = tweet_of(tweet);
  return n;
}

TagCount tag_count_of(const json& j) {
  return TagCount{.tag = j.at("tag").get<std::string>(), .count = j.at("count").get<std::int64_t>()};
}

/// A ranked search page {"data": [...], "next_cursor": "opaque" | null}.
template <class T, class ItemOf>
SearchPage<T> search_page_of(const json& j, ItemOf item_of) {
  SearchPage<T> page;
  const json& data = j.at("data");
  if (!data.is_array()) throw NotChirp{};
  for (const auto& item : data) page.items.push_back(item_of(item));
  if (const json& cursor = j.at("next_cursor"); !cursor.is_null()) {
    page.next_cursor = cursor.get<std::string>();
  }
  return page;
}

/// A page of {"data": [...], "next_cursor": ...} answering REQUEST.
template <class T, class ItemOf>
Page<T> page_of(const json& j, const PageRequest& request, ItemOf item_of) {
  Page<T> page;
  const json& data = j.at("data");
  if (!data.is_array()) throw NotChirp{};
  for (const auto& item : data) page.items.push_back(item_of(item));
  if (auto cursor = optional_id_in(j.at("next_cursor"))) {
    page.next = PageRequest{.limit = request.limit, .max_id = cursor, .since_id = request.since_id};
  }
  return page;
}

Code code_named(std::string_view name) {
  for (Code code : {Code::invalid, Code::not_found, Code::forbidden, Code::conflict,
                    Code::unauthenticated}) {
    if (name == code_name(code)) return code;
  }
  return Code::invalid;  // the server's own refusals (rate_limited, storage_full...)
}

/// A path segment percent-encoded (handles and ids need none; anything typed might).
std::string segment(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || c == '-' || c == '.' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string page_query(const PageRequest& page) {
  std::string query = fmt::format("?limit={}", page.limit);
  if (page.max_id) query += fmt::format("&max_id={}", *page.max_id);
  if (page.since_id) query += fmt::format("&since_id={}", *page.since_id);
  return query;
}

std::string relogin_hint(const std::string& server, std::string_view handle) {
  return fmt::format("log in again: chirp --server {} login {}", server, handle);
}

/// HTTP with one chirp server: requests, and their answers as JSON or as an Error.
class Connection {
public:
  explicit Connection(std::string server) : m_server(std::move(server)), m_client(m_server) {
    m_client.set_tcp_nodelay(true);
    m_client.set_connection_timeout(5, 0);
    m_client.set_read_timeout(30, 0);
    m_client.set_write_timeout(30, 0);
    m_client.set_keep_alive(true);  // many ids, one connection
    m_client.set_url_encode(false);  // paths are encoded here (segment)
  }

  const std::string& server() const { return m_server; }

  /// METHOD PATH (with BODY, as TOKEN's user when TOKEN is not empty): the answer's
  /// JSON (null for 204), or the server's refusal. Throws std::runtime_error when no
  /// chirp answer came, and when the server refused TOKEN, the login of HANDLE (when
  /// given): every later request would be refused too, so the command stops there.
  Result<json> call(const std::string& method, const std::string& path,
                    const std::optional<json>& body = std::nullopt, const std::string& token = "",
                    std::string_view handle = "") {
    httplib::Headers headers{{"Accept", "application/json"}};
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    std::string text;
    try {
      if (body) text = body->dump();
    } catch (const json::type_error&) {
      return fail(Code::invalid, "text sent to a server must be valid UTF-8");
    }
    httplib::Result res = [&] {
      if (method == "GET") return m_client.Get(path, headers);
      if (method == "DELETE") return m_client.Delete(path, headers);
      return m_client.Post(path, headers, text, "application/json");
    }();
    if (!res) throw std::runtime_error(unreachable(res.error()));
    const int status = res->status;
    json answer;
    if (status != 204) {
      answer = json::parse(res->body, nullptr, false);
      if (answer.is_discarded() || !answer.is_object()) {
        throw std::runtime_error(fmt::format(
            "{} did not answer as a chirp server does (HTTP {}{}{}): is this the right URL?",
            m_server, status, res->has_header("Content-Type") ? ", " : "",
            res->get_header_value("Content-Type")));
      }
    }
    if (status >= 200 && status < 300) return answer;
    auto error = answer.find("error");
    if (error == answer.end() || !error->is_object() || !error->contains("message") ||
        !(*error)["message"].is_string()) {
      throw std::runtime_error(fmt::format("{} answered HTTP {} without a chirp error", m_server, status));
    }
    std::string code = error->value("code", std::string());
    std::string message = (*error)["message"].get<std::string>();
    if (status == 401 && !handle.empty()) {
      throw std::runtime_error(fmt::format(
          "{} refused the login of @{} (expired, or revoked by a logout or a new password): {}",
          m_server, handle, relogin_hint(m_server, handle)));
    }
    return fail(code_named(code), std::move(message));
  }

private:
  std::string unreachable(httplib::Error error) const {
    switch (error) {
      case httplib::Error::Connection:
        return fmt::format("cannot connect to {}: is `chirp serve` running there?", m_server);
      case httplib::Error::ConnectionTimeout:
        return fmt::format("cannot connect to {}: no answer within 5 s", m_server);
      case httplib::Error::Read:
        return fmt::format("{} did not answer (within 30 s, or it closed the connection)", m_server);
      default:
        return fmt::format("cannot talk to {}: {}", m_server, httplib::to_string(error));
    }
  }

  std::string m_server;
  httplib::Client m_client;
};

/// The value of ANSWER read by READ, its Error as it is, or a runtime_error when the
/// JSON is not what a chirp server sends (the one boundary of type errors).
template <class Read>
auto read_answer(Result<json> answer, const std::string& server, Read read_value)
    -> Result<decltype(read_value(std::declval<const json&>()))> {
  if (!answer) return std::unexpected(std::move(answer.error()));
  try {
    return read_value(*answer);
  } catch (const json::exception&) {
  } catch (const NotChirp&) {
  }
  throw std::runtime_error(fmt::format("{} answered with JSON this chirp cannot read: is it a chirp server of another version?", server));
}

Result<void> done(Result<json> answer) {
  if (!answer) return std::unexpected(std::move(answer.error()));
  return {};
}

class RemoteBackend final : public Backend {
public:
  explicit RemoteBackend(const std::string& server)
      : m_http(server), m_logins(read_logins(server, logins_path(server))) {}

  std::string where() const override { return m_http.server(); }

  Result<User> acting_user(std::string_view handle) override {
    const SavedLogin* login = m_logins.find(handle);
    if (login == nullptr) {
      return fail(Code::unauthenticated,
                  fmt::format("not logged in to {} as @{}: chirp --server {} login {}",
                              m_http.server(), handle_part(handle), m_http.server(),
                              handle_part(handle)));
    }
    auto user = find_user(login->handle);
    if (user) m_acting[user->id] = *login;
    return user;
  }

  std::optional<std::string> saved_acting_handle() const override {
    if (m_logins.current && m_logins.find(*m_logins.current)) return m_logins.current;
    return std::nullopt;
  }

  Result<std::pair<User, std::string>> save_acting_user(std::string_view handle) override {
    auto user = acting_user(handle);
    if (!user) return std::unexpected(std::move(user.error()));
    m_logins.current = user->handle;
    write_logins(m_logins, logins_path(m_http.server()));
    return std::pair{std::move(*user), logins_path(m_http.server()).string()};
  }

  Result<User> create_user(const NewUser& user) override {
    if (!user.password) {
      return fail(Code::invalid, "a user registered on a server needs a password (to log in)");
    }
    json body{{"handle", user.handle}, {"password", *user.password}};
    if (!user.name.empty()) body["name"] = user.name;
    if (!user.bio.empty()) body["bio"] = user.bio;
    return read_answer(m_http.call("POST", "/users", body), where(), user_of);
  }
  Result<User> find_user(std::string_view ref) override {
    return read_answer(m_http.call("GET", "/users/" + segment(ref)), where(), user_of);
  }
  Result<User> profile(std::string_view ref, Id viewer) override {
    return as(viewer, "GET", "/users/" + segment(ref), std::nullopt, user_of);
  }
  Result<Page<User>> list_users(const PageRequest& page) override {
    return users_page("/users" + page_query(page), page);
  }

  Result<Tweet> post(Id author, const NewTweet& tweet) override {
    // JSON cannot carry invalid UTF-8: core's own rule refuses it here, in its words.
    if (auto text = validate_tweet_text(tweet.text); !text) {
      return std::unexpected(std::move(text.error()));
    }
    json body{{"text", tweet.text}};
    if (tweet.reply_to) body["reply_to"] = std::to_string(*tweet.reply_to);
    if (!tweet.media_urls.empty()) body["media_urls"] = tweet.media_urls;
    return as(author, "POST", "/tweets", body, tweet_of);
  }
  Result<Tweet> retweet(Id user, Id tweet) override {
    return as(user, "POST", tweet_path(tweet, "/retweet"), std::nullopt, tweet_of);
  }
  Result<void> unretweet(Id user, Id tweet) override {
    return done(call_as(user, "DELETE", tweet_path(tweet, "/retweet")));
  }
  Result<Tweet> like(Id user, Id tweet) override {
    return as(user, "POST", tweet_path(tweet, "/like"), std::nullopt, tweet_of);
  }
  Result<Tweet> unlike(Id user, Id tweet) override {
    return as(user, "DELETE", tweet_path(tweet, "/like"), std::nullopt, tweet_of);
  }
  Result<void> remove_tweet(Id user, Id tweet) override {
    return done(call_as(user, "DELETE", tweet_path(tweet)));
  }
  Result<Tweet> tweet(Id id, Id viewer) override {
    auto whole = thread(id, viewer);
    if (!whole) return std::unexpected(std::move(whole.error()));
    return std::move(whole->tweet);
  }
  Result<Thread> thread(Id id, Id viewer) override {
    return as(viewer, "GET", tweet_path(id), std::nullopt, thread_of);
  }

  Result<void> follow(Id follower, Id followee) override {
    return done(call_as(follower, "POST", user_path(followee, "/follow")));
  }
  Result<void> unfollow(Id follower, Id followee) override {
    return done(call_as(follower, "DELETE", user_path(followee, "/follow")));
  }
  Result<bool> is_following(Id follower, Id followee) override {
    return as(follower, "GET", user_path(followee, "/follow"), std::nullopt,
              [](const json& j) { return j.at("following").get<bool>(); });
  }
  Result<Page<User>> followers(Id user, const PageRequest& page) override {
    return users_page(user_path(user, "/followers") + page_query(page), page);
  }
  Result<Page<User>> following(Id user, const PageRequest& page) override {
    return users_page(user_path(user, "/following") + page_query(page), page);
  }

  Result<Page<Tweet>> home_timeline(Id owner, const PageRequest& page, Id viewer) override {
    return tweets_page(viewer, user_path(owner, "/timeline") + page_query(page), page);
  }
  Result<Page<Tweet>> user_timeline(Id user, const PageRequest& page, Id viewer) override {
    return tweets_page(viewer, user_path(user, "/tweets") + page_query(page), page);
  }

  Result<Page<Tweet>> tag(std::string_view tag, const PageRequest& page, Id viewer) override {
    return tweets_page(viewer, "/tags/" + segment(tag) + page_query(page), page);
  }
  Result<std::vector<TagCount>> trends(int limit) override {
    return as(0, "GET", fmt::format("/trends?limit={}", limit), std::nullopt, [](const json& j) {
      std::vector<TagCount> out;
      for (const auto& item : j.at("data")) out.push_back(tag_count_of(item));
      return out;
    });
  }
  Result<SearchPage<Tweet>> search_tweets(const SearchRequest& request, Id viewer) override {
    return as(viewer, "GET", search_path(request, "tweets"), std::nullopt,
              [](const json& j) { return search_page_of<Tweet>(j, tweet_of); });
  }
  Result<SearchPage<User>> search_users(const SearchRequest& request, Id viewer) override {
    return as(viewer, "GET", search_path(request, "users"), std::nullopt,
              [](const json& j) { return search_page_of<User>(j, user_of); });
  }

  Result<void> block(Id user, Id other) override {
    return done(call_as(user, "POST", user_path(other, "/block")));
  }
  Result<void> unblock(Id user, Id other) override {
    return done(call_as(user, "DELETE", user_path(other, "/block")));
  }
  Result<void> mute(Id user, Id other) override {
    return done(call_as(user, "POST", user_path(other, "/mute")));
  }
  Result<void> unmute(Id user, Id other) override {
    return done(call_as(user, "DELETE", user_path(other, "/mute")));
  }
  Result<bool> is_blocking(Id user, Id other) override {
    return as(user, "GET", user_path(other, "/block"), std::nullopt,
              [](const json& j) { return j.at("blocking").get<bool>(); });
  }
  Result<bool> is_muting(Id user, Id other) override {
    return as(user, "GET", user_path(other, "/mute"), std::nullopt,
              [](const json& j) { return j.at("muting").get<bool>(); });
  }
  Result<Page<User>> blocked(Id user, const PageRequest& page) override {
    return as(user, "GET", "/blocks" + page_query(page), std::nullopt,
              [&](const json& j) { return page_of<User>(j, page, user_of); });
  }
  Result<Page<User>> muted(Id user, const PageRequest& page) override {
    return as(user, "GET", "/mutes" + page_query(page), std::nullopt,
              [&](const json& j) { return page_of<User>(j, page, user_of); });
  }

  Result<Page<Notification>> notifications(Id user, const PageRequest& page,
                                           bool unread_only) override {
    std::string path = "/notifications" + page_query(page) + (unread_only ? "&unread=true" : "");
    return as(user, "GET", path, std::nullopt,
              [&](const json& j) { return page_of<Notification>(j, page, notification_of); });
  }
  Result<std::int64_t> mark_read(Id user, Id up_to) override {
    return as(user, "POST", "/notifications/read", json{{"up_to", std::to_string(up_to)}},
              [](const json& j) { return j.at("marked").get<std::int64_t>(); });
  }

  std::unique_ptr<LiveHome> live_home(Id owner) override {
    return open_live<Tweet>(m_http.server(), "/stream/home", token_of(owner), "tweet",
                            [](const std::string& data) { return tweet_of(json::parse(data)); });
  }
  std::unique_ptr<LiveNotifications> live_notifications(Id user) override {
    return open_live<Notification>(
        m_http.server(), "/stream/notifications", token_of(user), "notification",
        [](const std::string& data) { return notification_of(json::parse(data)); });
  }

private:
  static std::string tweet_path(Id id, std::string_view rest = "") {
    return fmt::format("/tweets/{}{}", id, rest);
  }
  static std::string user_path(Id id, std::string_view rest = "") {
    return fmt::format("/users/{}{}", id, rest);
  }

  static std::string search_path(const SearchRequest& request, std::string_view type) {
    std::string path = fmt::format("/search?type={}&q={}&{}", type, segment(request.query),
                                   page_query(request.page).substr(1));
    if (request.cursor) path += "&cursor=" + segment(*request.cursor);
    return path;
  }

  const std::string& token_of(Id user) const {
    auto login = m_acting.find(user);
    if (login == m_acting.end()) throw std::logic_error("acting as a user acting_user() did not return");
    return login->second.token;
  }

  /// METHOD PATH as USER (an id acting_user() returned; 0: anonymous).
  Result<json> call_as(Id user, const std::string& method, const std::string& path,
                       const std::optional<json>& body = std::nullopt) {
    if (user == 0) return m_http.call(method, path, body);
    auto login = m_acting.find(user);
    if (login == m_acting.end()) throw std::logic_error("acting as a user acting_user() did not return");
    return m_http.call(method, path, body, login->second.token, login->second.handle);
  }

  template <class Read>
  Result<std::invoke_result_t<Read, const json&>> as(Id user, const std::string& method,
                                                     const std::string& path,
                                                     const std::optional<json>& body,
                                                     Read read_value) {
    return read_answer(call_as(user, method, path, body), where(), read_value);
  }

  Result<Page<User>> users_page(const std::string& path, const PageRequest& page) {
    return as(0, "GET", path, std::nullopt,
              [&](const json& j) { return page_of<User>(j, page, user_of); });
  }
  Result<Page<Tweet>> tweets_page(Id viewer, const std::string& path, const PageRequest& page) {
    return as(viewer, "GET", path, std::nullopt,
              [&](const json& j) { return page_of<Tweet>(j, page, tweet_of); });
  }

  Connection m_http;
  ServerLogins m_logins;
  std::map<Id, SavedLogin> m_acting;
};

}  // namespace

std::unique_ptr<Backend> make_remote_backend(const std::string& server) {
  return std::make_unique<RemoteBackend>(server);
}

Result<Login> log_in(const std::string& server, std::string_view handle, std::string_view password) {
  Connection http(server);
  return read_answer(http.call("POST", "/login", json{{"handle", handle}, {"password", password}}),
              server, [](const json& j) {
                auto expires = parse_rfc3339(j.at("expires_at").get<std::string>());
                if (!expires) throw NotChirp{};
                return Login{.token = j.at("token").get<std::string>(),
                             .expires_at_ms = *expires,
                             .user = user_of(j.at("user"))};
              });
}

Result<void> log_out(const std::string& server, const std::string& token) {
  Connection http(server);
  // Without a handle, a refused token is an answer (there is nothing left to revoke),
  // not a reason to log in again.
  return done(http.call("POST", "/logout", std::nullopt, token));
}

}  // namespace chirp::cli
