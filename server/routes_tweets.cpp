// /tweets...: posting, reading, deleting, likes and retweets.
#include "routes.hpp"

#include <chirp/json.hpp>

namespace chirp::server {

namespace {

std::vector<std::string> string_list_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_array()) throw FieldError{};
  std::vector<std::string> out;
  for (const auto& item : *it) {
    if (!item.is_string()) throw FieldError{};
    out.push_back(item.get<std::string>());
  }
  return out;
}

void send_tweet(httplib::Response& res, int status, const Result<Tweet>& tweet) {
  if (!tweet) return send_error(res, tweet.error());
  std::string body;
  append_json(body, *tweet);
  send_json_text(res, status, std::move(body));
}

}  // namespace

void register_tweet_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state, {"POST", "/tweets", "/tweets", Access::login, RouteLimit::posting},
            [](Exchange& x) {
              auto body = json_body(x);
              if (!body) return;
              auto text = string_field(*body, "text");
              if (!text) {
                send_error(x.res, 400, "bad_request",
                           "send {\"text\": ..., \"reply_to\"?: ..., \"media_urls\"?: [...]}");
                return;
              }
              if (!only_known_fields(x, *body, {"text", "reply_to", "media_urls"})) return;
              NewTweet input{*text, id_field(*body, "reply_to"),
                             string_list_field(*body, "media_urls")};
              auto tweet = x.core.tweets().post(x.caller().id, input);
              if (tweet) x.res.set_header("Location", "/tweets/" + std::to_string(tweet->id));
              send_tweet(x.res, 201, tweet);
            });

  add_route(server, state, {"GET", R"(/tweets/([^/]+))", "/tweets/{id}"}, [](Exchange& x) {
    auto id = path_tweet_id(x);
    if (!id) return;
    auto thread = x.core.tweets().thread(*id, x.viewer());
    if (!thread) return send_error(x.res, thread.error());
    send_json(x.res, 200, to_json(*thread));
  });

  add_route(server, state, {"DELETE", R"(/tweets/([^/]+))", "/tweets/{id}", Access::login},
            [](Exchange& x) {
              auto id = path_tweet_id(x);
              if (!id) return;
              if (auto done = x.core.tweets().remove(x.caller().id, *id); !done) {
                return send_error(x.res, done.error());
              }
              x.res.status = 204;
            });

  const char* like = R"(/tweets/([^/]+)/like)";
  add_route(server, state, {"POST", like, "/tweets/{id}/like", Access::login}, [](Exchange& x) {
    if (auto id = path_tweet_id(x)) send_tweet(x.res, 200, x.core.tweets().like(x.caller().id, *id));
  });
  add_route(server, state, {"DELETE", like, "/tweets/{id}/like", Access::login}, [](Exchange& x) {
    if (auto id = path_tweet_id(x)) {
      send_tweet(x.res, 200, x.core.tweets().unlike(x.caller().id, *id));
    }
  });

  const char* retweet = R"(/tweets/([^/]+)/retweet)";
  add_route(server, state,
            {"POST", retweet, "/tweets/{id}/retweet", Access::login, RouteLimit::posting},
            [](Exchange& x) {
              if (auto id = path_tweet_id(x)) {
                send_tweet(x.res, 201, x.core.tweets().retweet(x.caller().id, *id));
              }
            });
  add_route(server, state, {"DELETE", retweet, "/tweets/{id}/retweet", Access::login},
            [](Exchange& x) {
              auto id = path_tweet_id(x);
              if (!id) return;
              if (auto done = x.core.tweets().unretweet(x.caller().id, *id); !done) {
                return send_error(x.res, done.error());
              }
              x.res.status = 204;
            });
}

}  // namespace chirp::server
