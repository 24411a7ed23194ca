// POST /login, POST /logout, POST /users (register).
#include "routes.hpp"

#include <chirp/json.hpp>
#include <chirp/time_format.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <cctype>

namespace chirp::server {

namespace {

/// The account a login names, as its throttle knows it: handles are case-insensitive
/// (and a handle is short; anything longer names no account but is bounded anyway).
std::string account_key(std::string_view username) {
  std::string key(handle_part(username).substr(0, 64));
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

/// Failed logins are limited per client address and per account; successful ones are
/// not counted. A throttled account still lets in the addresses that logged in to it
/// before, so an attacker guessing from elsewhere cannot lock its owner out. Sends the
/// 429 and returns false when this attempt may not go on.
bool may_try_login(Exchange& x, const std::string& account) {
  const auto& rules = x.context.rules;
  auto by_address = x.state.limiter.peek("login:" + x.context.client, rules.logins);
  if (!answer_rate_decision(x.state, x.res, "login", rules.logins, by_address)) return false;
  if (x.state.known_login_address(account, x.context.client)) return true;
  auto by_account = x.state.limiter.peek("login_account:" + account, rules.account_logins);
  return answer_rate_decision(x.state, x.res, "login_account", rules.account_logins, by_account);
}

/// The field NAME of BODY, or its earlier name OLD_NAME (still accepted from clients
/// written against it); both, with different values, are answered 422 (nullopt, sent).
/// SENT tells an answered request from an absent field.
std::optional<std::string> field_or_earlier(Exchange& x, const nlohmann::json& body,
                                            const char* name, const char* old_name, bool& sent) {
  auto value = string_field(body, name);
  auto old_value = string_field(body, old_name);
  if (value && old_value && *value != *old_value) {
    send_error(x.res, 422, "invalid",
               fmt::format("'{}' and '{}' name one field: send '{}' alone", name, old_name, name));
    sent = true;
    return std::nullopt;
  }
  return value ? value : old_value;
}

void count_failed_login(Exchange& x, const std::string& account) {
  const auto& rules = x.context.rules;
  auto by_address = x.state.limiter.take("login:" + x.context.client, rules.logins);
  x.state.limiter.take("login_account:" + account, rules.account_logins);
  set_rate_headers(x.res, rules.logins, by_address);
}

}  // namespace

void register_auth_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state, {"POST", "/login", "/login"}, [](Exchange& x) {
              auto body = json_body(x);
              if (!body) return;
              // "handle", as everywhere else; "username" is the original design's name
              // for it, and stays.
              bool sent = false;
              auto username = field_or_earlier(x, *body, "handle", "username", sent);
              if (sent) return;
              auto password = string_field(*body, "password");
              if (!username || !password) {
                send_error(x.res, 400, "bad_request",
                           "send {\"handle\": ..., \"password\": ...}");
                return;
              }
              if (!only_known_fields(x, *body, {"handle", "password"}, {"username"})) return;
              const std::string account = account_key(*username);
              if (!may_try_login(x, account)) return;
              auto login = x.core.auth().login(*username, *password);
              if (!login) {
                if (login.error().code == Code::unauthenticated) count_failed_login(x, account);
                return send_error(x.res, login.error());
              }
              x.state.remember_login_address(account, x.context.client);
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
                 "send {\"handle\": ..., \"password\": ..., \"name\"?: ..., \"bio\"?: ...}");
      return;
    }
    // "name", as a profile shows it; "display_name" is its earlier name here.
    bool sent = false;
    auto name = field_or_earlier(x, *body, "name", "display_name", sent);
    if (sent) return;
    if (!only_known_fields(x, *body, {"handle", "password", "name", "bio"}, {"display_name"})) {
      return;
    }
    NewUser input{*handle, name.value_or(""), string_field(*body, "bio").value_or(""), *password};
    auto user = x.core.users().create(input);
    if (!user) return send_error(x.res, user.error());
    x.res.set_header("Location", "/users/" + std::to_string(user->id));
    send_json(x.res, 201, to_json(*user));
  });
}

}  // namespace chirp::server
