// /notifications: the caller's notifications, and marking them read.
#include "routes.hpp"

#include <chirp/json.hpp>

namespace chirp::server {

void register_notification_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state, {"GET", "/notifications", "/notifications", Access::login},
            [](Exchange& x) {
              auto page = page_request(x);
              if (!page) return;
              bool unread = false;
              if (x.req.has_param("unread")) {
                auto value = x.req.get_param_value("unread");
                if (value != "true" && value != "false") {
                  send_error(x.res, 400, "bad_request", "unread must be true or false");
                  return;
                }
                unread = value == "true";
              }
              auto list = x.core.notifications().list(x.caller().id, *page, unread);
              if (!list) return send_error(x.res, list.error());
              send_page(x, json_list(list->items), list->next);
            });

  add_route(server, state,
            {"POST", "/notifications/read", "/notifications/read", Access::login},
            [](Exchange& x) {
              auto body = json_body(x);
              if (!body) return;
              if (!only_known_fields(x, *body, {"up_to"})) return;
              auto up_to = id_field(*body, "up_to");
              if (!up_to) {
                send_error(x.res, 400, "bad_request", "send {\"up_to\": NOTIFICATION_ID}");
                return;
              }
              auto& notifications = x.core.notifications();
              auto marked = notifications.mark_read(x.caller().id, *up_to);
              if (!marked) return send_error(x.res, marked.error());
              send_json(x.res, 200,
                        {{"marked", *marked},
                         {"unread_notifications", notifications.unread_count(x.caller().id)}});
            });
}

}  // namespace chirp::server
