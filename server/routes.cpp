#include "routes.hpp"

#include "http.hpp"

#include <string>

namespace chirp::server {

void add_route(httplib::Server& server, const char* method, const char* pattern,
               const char* route, RouteHandler handler) {
  auto wrapped = [route = std::string(method) + " " + route, handler = std::move(handler)](
                     const httplib::Request& req, httplib::Response& res) {
    request_context().route = route;
    try {
      handler(req, res);
    } catch (const FieldError&) {
      send_error(res, 400, "bad_request", "a field of the body has the wrong type");
    }
  };
  std::string m = method;
  if (m == "GET") {
    server.Get(pattern, wrapped);
  } else if (m == "POST") {
    server.Post(pattern, wrapped);
  } else if (m == "DELETE") {
    server.Delete(pattern, wrapped);
  } else if (m == "PUT") {
    server.Put(pattern, wrapped);
  }
}

void register_routes(httplib::Server& server, ServerState& state) {
  register_auth_routes(server, state);
  register_user_routes(server, state);
  register_tweet_routes(server, state);
  register_ops_routes(server, state);
}

}  // namespace chirp::server
