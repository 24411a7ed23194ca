// /users/{id}/block and /mute, /blocks and /mutes: the caller's blocks and mutes.
#include "routes.hpp"

#include <chirp/json.hpp>

namespace chirp::server {

namespace {

using RelationAction = Result<void> (Blocks::*)(Id, Id);
using RelationHolds = bool (Blocks::*)(Id, Id);
using RelationList = Result<Page<User>> (Blocks::*)(Id, const PageRequest&);

/// GET (whether the caller HOLDS it), POST (ACTION) or DELETE (UNDO) of one relation,
/// each answered with {FIELD: bool, "user"}.
void add_relation_routes(httplib::Server& server, ServerState& state, const char* pattern,
                         const char* label, const char* field, RelationHolds holds,
                         RelationAction action, RelationAction undo) {
  add_route(server, state, {"GET", pattern, label, Access::login}, [field, holds](Exchange& x) {
    auto target = path_user(x);
    if (!target) return;
    bool held = (x.core.blocks().*holds)(x.caller().id, target->id);
    send_json(x.res, 200, {{field, held}, {"user", to_json(*target)}});
  });
  for (const char* method : {"POST", "DELETE"}) {
    bool doing = std::string(method) == "POST";
    add_route(server, state, {method, pattern, label, Access::login},
              [doing, field, action = doing ? action : undo](Exchange& x) {
                auto target = path_user(x);
                if (!target) return;
                auto done = (x.core.blocks().*action)(x.caller().id, target->id);
                if (!done) return send_error(x.res, done.error());
                auto fresh = x.core.users().by_id(target->id);
                if (!fresh) return send_error(x.res, fresh.error());
                send_json(x.res, 200, {{field, doing}, {"user", to_json(*fresh)}});
              });
  }
}

void add_list_route(httplib::Server& server, ServerState& state, const char* path,
                    RelationList list) {
  add_route(server, state, {"GET", path, path, Access::login}, [list](Exchange& x) {
    auto page = page_request(x);
    if (!page) return;
    auto users = (x.core.blocks().*list)(x.caller().id, *page);
    if (!users) return send_error(x.res, users.error());
    send_page(x, json_list(users->items), users->next);
  });
}

}  // namespace

void register_block_routes(httplib::Server& server, ServerState& state) {
  add_relation_routes(server, state, R"(/users/([^/]+)/block)", "/users/{id}/block", "blocking",
                      &Blocks::is_blocking, &Blocks::block, &Blocks::unblock);
  add_relation_routes(server, state, R"(/users/([^/]+)/mute)", "/users/{id}/mute", "muting",
                      &Blocks::is_muting, &Blocks::mute, &Blocks::unmute);
  add_list_route(server, state, "/blocks", &Blocks::blocked);
  add_list_route(server, state, "/mutes", &Blocks::muted);
}

}  // namespace chirp::server
