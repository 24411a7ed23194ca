// POST /login, POST /logout, POST /users (register).
#include "routes.hpp"

#include <chirp/json.hpp>
#include <chirp/time_format.hpp>

namespace chirp::server {

void register_auth_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state, {"POST", "/login", "/login", Access::open, RouteLimit::login},
            [](Exchange& x) {
              auto body = json_body(x);
              if (!body) return;
              auto username = string_field(*body, "username");
              auto password = string_field(*body, "password");
              if (!username || !password) {
                send_error(x.res, 400, "bad_request",
                           "send {\"username\": ..., \"password\": ...}");
                return;
              }
              auto login = x.core.auth().login(*username, *password);
              if (!login) return send_error(x.res, login.error());
              send_json(x.res, 200,
                        {{"token", login->token},
                         {"expires_at", format_rfc3339(login->expires_at_ms)},
                         {"user", to_json(login->user)}});
            });

  add_route(server, state, {"POST", "/logout", "/logout", Access::login}, [](Exchange& x) {
    if (auto done = x.core.auth().revoke_tokens(x.caller().id); !done) {
      return send_error(x.res, done.error());
    }
    x.res.status = 204;
  });

  add_route(server, state, {"POST", "/users", "/users"}, [](Exchange& x) {
    auto body = json_body(x);
    if (!body) return;
    auto handle = string_field(*body, "handle");
    auto password = string_field(*body, "password");
    if (!handle || !password) {
      send_error(x.res, 400, "bad_request",
                 "send {\"handle\": ..., \"password\": ..., \"display_name\"?: ...}");
      return;
    }
    NewUser input{*handle, string_field(*body, "display_name").value_or(""),
                  string_field(*body, "bio").value_or(""), *password};
    auto user = x.core.users().create(input);
    if (!user) return send_error(x.res, user.error());
    x.res.set_header("Location", "/users/" + std::to_string(user->id));
    send_json(x.res, 201, to_json(*user));
  });
}

}  // namespace chirp::server
