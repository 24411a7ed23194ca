// /users and /users/{id}...: the list of users, profiles, follows, and the timelines.
#include "routes.hpp"

#include <chirp/json.hpp>

namespace chirp::server {

namespace {

using UserList = Result<Page<User>> (Graph::*)(Id, const PageRequest&);

void send_user_list(Exchange& x, UserList list) {
  auto page = page_request(x);
  if (!page) return;
  auto user = path_user(x);
  if (!user) return;
  auto users = (x.core.graph().*list)(user->id, *page);
  if (!users) return send_error(x.res, users.error());
  send_page(x, json_users_array(users->items), users->next);
}

}  // namespace

void register_user_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state, {"GET", "/users", "/users"}, [](Exchange& x) {
    auto page = page_request(x);
    if (!page) return;
    auto users = x.core.users().list(*page);
    if (!users) return send_error(x.res, users.error());
    send_page(x, json_users_array(users->items), users->next);
  });

  add_route(server, state, {"GET", R"(/users/([^/]+))", "/users/{id}"}, [](Exchange& x) {
    auto user = path_user(x);
    if (!user) return;
    x.core.notifications().add_unread_count(*user, x.viewer());  // one's own profile only
    send_json(x.res, 200, to_json(*user));
  });

  add_route(server, state,
            {"GET", R"(/users/([^/]+)/timeline)", "/users/{id}/timeline", Access::login},
            [](Exchange& x) {
              auto page = page_request(x);
              if (!page) return;
              auto owner = path_user_or(x, x.caller());
              if (!owner) return;
              auto timeline = x.core.timelines().home(owner->id, *page, x.caller().id);
              if (!timeline) return send_error(x.res, timeline.error());
              send_page(x, json_array_of(timeline->items), timeline->next);
            });

  add_route(server, state, {"GET", R"(/users/([^/]+)/tweets)", "/users/{id}/tweets"},
            [](Exchange& x) {
              auto page = page_request(x);
              if (!page) return;
              auto owner = path_user(x);
              if (!owner) return;
              auto tweets = x.core.timelines().user(owner->id, *page, x.viewer());
              if (!tweets) return send_error(x.res, tweets.error());
              send_page(x, json_array_of(tweets->items), tweets->next);
            });

  add_route(server, state, {"GET", R"(/users/([^/]+)/followers)", "/users/{id}/followers"},
            [](Exchange& x) { send_user_list(x, &Graph::followers); });
  add_route(server, state, {"GET", R"(/users/([^/]+)/following)", "/users/{id}/following"},
            [](Exchange& x) { send_user_list(x, &Graph::following); });

  const char* follow = R"(/users/([^/]+)/follow)";
  // Whether the caller follows {id}, in the shape following and unfollowing answer.
  add_route(server, state, {"GET", follow, "/users/{id}/follow", Access::login}, [](Exchange& x) {
    auto target = path_user(x);
    if (!target) return;
    bool following = x.core.graph().is_following(x.caller().id, target->id);
    send_json(x.res, 200, {{"following", following}, {"user", to_json(*target)}});
  });
  for (const char* method : {"POST", "DELETE"}) {
    add_route(server, state, {method, follow, "/users/{id}/follow", Access::login},
              [following = std::string(method) == "POST"](Exchange& x) {
                auto target = path_user(x);
                if (!target) return;
                auto& graph = x.core.graph();
                auto done = following ? graph.follow(x.caller().id, target->id)
                                      : graph.unfollow(x.caller().id, target->id);
                if (!done) return send_error(x.res, done.error());
                auto fresh = x.core.users().by_id(target->id);
                if (!fresh) return send_error(x.res, fresh.error());
                send_json(x.res, 200, {{"following", following}, {"user", to_json(*fresh)}});
              });
  }
}

}  // namespace chirp::server
