// POST /login, POST /logout, POST /users (register).
#include "http.hpp"
#include "routes.hpp"

#include <chirp/json.hpp>
#include <chirp/time_format.hpp>

namespace chirp::server {

void register_auth_routes(httplib::Server& server, ServerState&) {
  add_route(server, "POST", "/login", "/login", [](const auto& req, auto& res) {
    auto body = json_body(req, res);
    if (!body) return;
    auto username = string_field(*body, "username");
    auto password = string_field(*body, "password");
    if (!username || !password) {
      send_error(res, 400, "bad_request", "send {\"username\": ..., \"password\": ...}");
      return;
    }
    auto login = core().login(*username, *password);
    if (!login) return send_error(res, login.error());
    send_json(res, 200,
              {{"token", login->token},
               {"expires_at", format_rfc3339(login->expires_at_ms)},
               {"user", to_json(login->user)}});
  });

  add_route(server, "POST", "/logout", "/logout", [](const auto&, auto& res) {
    auto user = require_login(res);
    if (!user) return;
    if (auto done = core().revoke_tokens(user->id); !done) return send_error(res, done.error());
    res.status = 204;
  });

  add_route(server, "POST", "/users", "/users", [](const auto& req, auto& res) {
    auto body = json_body(req, res);
    if (!body) return;
    auto handle = string_field(*body, "handle");
    auto password = string_field(*body, "password");
    if (!handle || !password) {
      send_error(res, 400, "bad_request",
                 "send {\"handle\": ..., \"password\": ..., \"display_name\"?: ...}");
      return;
    }
    NewUser input{*handle, string_field(*body, "display_name").value_or(""),
                  string_field(*body, "bio").value_or(""), *password};
    auto user = core().create_user(input);
    if (!user) return send_error(res, user.error());
    res.set_header("Location", "/users/" + std::to_string(user->id));
    send_json(res, 201, to_json(*user));
  });
}

}  // namespace chirp::server
