// /tweets...: posting, reading, deleting, likes and retweets.
#include "http.hpp"
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
  add_route(server, "POST", "/tweets", "/tweets", [&state](const auto& req, auto& res) {
    auto author = require_login(res);
    if (!author) return;
    auto body = json_body(req, res);
    if (!body) return;
    auto text = string_field(*body, "text");
    if (!text) {
      send_error(res, 400, "bad_request", "send {\"text\": ..., \"reply_to\"?: ..., \"media_urls\"?: [...]}");
      return;
    }
    NewTweet input{*text, id_field(*body, "reply_to"), string_list_field(*body, "media_urls")};
    auto tweet = core().post(author->id, input);
    if (tweet) {
      res.set_header("Location", "/tweets/" + std::to_string(tweet->id));
      state.worker.notify();
    }
    send_tweet(res, 201, tweet);
  });

  add_route(server, "GET", R"(/tweets/([^/]+))", "/tweets/{id}", [](const auto& req, auto& res) {
    auto id = path_tweet_id(req, res);
    if (!id) return;
    auto viewer = request_context().user;
    auto thread = core().thread(*id, viewer ? viewer->id : 0);
    if (!thread) return send_error(res, thread.error());
    send_json(res, 200, to_json(*thread));
  });

  add_route(server, "DELETE", R"(/tweets/([^/]+))", "/tweets/{id}",
            [](const auto& req, auto& res) {
              auto actor = require_login(res);
              auto id = actor ? path_tweet_id(req, res) : std::nullopt;
              if (!id) return;
              if (auto done = core().delete_tweet(actor->id, *id); !done) {
                return send_error(res, done.error());
              }
              res.status = 204;
            });

  for (const char* method : {"POST", "DELETE"}) {
    bool add = std::string(method) == "POST";
    add_route(server, method, R"(/tweets/([^/]+)/like)", "/tweets/{id}/like",
              [add](const auto& req, auto& res) {
                auto actor = require_login(res);
                auto id = actor ? path_tweet_id(req, res) : std::nullopt;
                if (!id) return;
                send_tweet(res, 200, add ? core().like(actor->id, *id) : core().unlike(actor->id, *id));
              });
    add_route(server, method, R"(/tweets/([^/]+)/retweet)", "/tweets/{id}/retweet",
              [add, &state](const auto& req, auto& res) {
                auto actor = require_login(res);
                auto id = actor ? path_tweet_id(req, res) : std::nullopt;
                if (!id) return;
                if (add) {
                  auto retweet = core().retweet(actor->id, *id);
                  if (retweet) state.worker.notify();
                  return send_tweet(res, 201, retweet);
                }
                if (auto done = core().unretweet(actor->id, *id); !done) {
                  return send_error(res, done.error());
                }
                res.status = 204;
              });
  }
}

}  // namespace chirp::server
