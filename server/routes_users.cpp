// /users/{id}...: profiles, follows, and the timelines.
#include "http.hpp"
#include "routes.hpp"

#include <chirp/json.hpp>

namespace chirp::server {

namespace {

std::string json_list(const std::vector<User>& users) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& user : users) out.push_back(to_json(user));
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void send_user_list(const httplib::Request& req, httplib::Response& res,
                    Result<Page<User>> (Core::*list)(Id, const PageRequest&)) {
  auto page = page_request(req, res);
  if (!page) return;
  auto user = path_user(req, res);
  if (!user) return;
  auto users = (core().*list)(user->id, *page);
  if (!users) return send_error(res, users.error());
  send_page(req, res, json_list(users->items), users->next_max_id, page->limit);
}

}  // namespace

void register_user_routes(httplib::Server& server, ServerState&) {
  add_route(server, "GET", R"(/users/([^/]+))", "/users/{id}", [](const auto& req, auto& res) {
    if (auto user = path_user(req, res)) send_json(res, 200, to_json(*user));
  });

  add_route(server, "GET", R"(/users/([^/]+)/timeline)", "/users/{id}/timeline",
            [](const auto& req, auto& res) {
              auto page = page_request(req, res);
              if (!page) return;
              auto reader = require_login(res);
              if (!reader) return;
              auto owner = path_user_or(*reader, req, res);
              if (!owner) return;
              if (owner->id != reader->id) {
                send_error(res, 403, "forbidden", "only its owner may read a home timeline");
                return;
              }
              auto timeline = core().home_timeline(reader->id, *page);
              if (!timeline) return send_error(res, timeline.error());
              send_page(req, res, json_array_of(timeline->items), timeline->next_max_id,
                        page->limit);
            });

  add_route(server, "GET", R"(/users/([^/]+)/tweets)", "/users/{id}/tweets",
            [](const auto& req, auto& res) {
              auto page = page_request(req, res);
              if (!page) return;
              auto owner = path_user(req, res);
              if (!owner) return;
              auto viewer = request_context().user;
              auto tweets = core().user_timeline(owner->id, *page, viewer ? viewer->id : 0);
              if (!tweets) return send_error(res, tweets.error());
              send_page(req, res, json_array_of(tweets->items), tweets->next_max_id, page->limit);
            });

  add_route(server, "GET", R"(/users/([^/]+)/followers)", "/users/{id}/followers",
            [](const auto& req, auto& res) { send_user_list(req, res, &Core::followers); });
  add_route(server, "GET", R"(/users/([^/]+)/following)", "/users/{id}/following",
            [](const auto& req, auto& res) { send_user_list(req, res, &Core::following); });

  for (const char* method : {"POST", "DELETE"}) {
    add_route(server, method, R"(/users/([^/]+)/follow)", "/users/{id}/follow",
              [follow = std::string(method) == "POST"](const auto& req, auto& res) {
                auto actor = require_login(res);
                if (!actor) return;
                auto target = path_user(req, res);
                if (!target) return;
                auto done = follow ? core().follow(actor->id, target->id)
                                   : core().unfollow(actor->id, target->id);
                if (!done) return send_error(res, done.error());
                auto fresh = core().user_by_id(target->id);
                if (!fresh) return send_error(res, fresh.error());
                send_json(res, 200, {{"following", follow}, {"user", to_json(*fresh)}});
              });
  }
}

}  // namespace chirp::server
