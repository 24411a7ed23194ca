#include "routes.hpp"

#include "http.hpp"

#include <regex>
#include <string>
#include <vector>

namespace chirp::server {

namespace {

struct RouteLabel {
  std::string method;
  std::regex pattern;
  std::string label;
};

std::vector<RouteLabel>& route_labels() {
  static std::vector<RouteLabel> labels;
  return labels;
}

}  // namespace

std::string route_label(const httplib::Request& req) {
  for (const auto& route : route_labels()) {
    if (route.method == req.method && std::regex_match(req.path, route.pattern)) {
      return route.label;
    }
  }
  return "unmatched";
}

void add_route(httplib::Server& server, const char* method, const char* pattern,
               const char* route, RouteHandler handler) {
  route_labels().push_back({method, std::regex(pattern), std::string(method) + " " + route});
  auto wrapped = [route = std::string(method) + " " + route, handler = std::move(handler)](
                     const httplib::Request& req, httplib::Response& res) {
    request_context().route = route;
    if (int status = request_context().refused_status) {
      res.status = status;  // refused before routing; the response is already set
      return;
    }
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
