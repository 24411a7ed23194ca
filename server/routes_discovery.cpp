// /tags/{name}, /trends and /search: reading what core stores with each tweet.
#include "routes.hpp"

#include <chirp/json.hpp>

#include <fmt/core.h>


namespace chirp::server {

namespace {

/// A refusal of the request's query (a tag, a search, a limit) is a bad request (400),
/// as malformed paging is: the input is in the URL, not a body that breaks a rule.
void send_query_error(Exchange& x, const Error& error) {
  if (error.code == Code::invalid) return send_error(x.res, 400, "bad_request", error.message);
  send_error(x.res, error);
}

/// Sends {"data": DATA_JSON, "next_cursor": CURSOR}, and a Link header to the next page:
/// this request's parameters with the cursor replaced.
void send_cursor_page(Exchange& x, std::string_view data_json,
                      const std::optional<std::string>& cursor) {
  std::string body = "{\"data\":";
  body += data_json;
  body += ",\"next_cursor\":";
  if (cursor) {
    append_json_string(body, *cursor);
    std::string link = "<" + percent_encoded(x.req.path, true) + "?";
    for (const auto& [name, value] : x.req.params) {
      if (name == "cursor") continue;
      link += percent_encoded(name) + "=" + percent_encoded(value) + "&";
    }
    x.res.set_header("Link", link + "cursor=" + percent_encoded(*cursor) + ">; rel=\"next\"");
  } else {
    body += "null";
  }
  body += '}';
  send_json_text(x.res, 200, std::move(body));
}

}  // namespace

void register_discovery_routes(httplib::Server& server, ServerState& state) {
  add_route(server, state, {"GET", R"(/tags/([^/]+))", "/tags/{name}"}, [](Exchange& x) {
    auto page = page_request(x);
    if (!page) return;
    auto tweets = x.core.discovery().tag(x.req.matches[1].str(), *page, x.viewer());
    if (!tweets) return send_query_error(x, tweets.error());
    send_page(x, json_array_of(tweets->items), tweets->next);
  });

  add_route(server, state, {"GET", "/trends", "/trends"}, [](Exchange& x) {
    int limit = k_default_trends;
    if (x.req.has_param("limit")) {
      auto page = page_request(x);
      if (!page) return;
      limit = page->limit;
    }
    auto trends = x.core.discovery().trends(limit);
    if (!trends) return send_query_error(x, trends.error());
    nlohmann::json data = nlohmann::json::array();
    for (const auto& t : *trends) data.push_back({{"tag", t.tag}, {"count", t.count}});
    send_json(x.res, 200, {{"data", data}});
  });

  add_route(server, state, {"GET", "/search", "/search"}, [](Exchange& x) {
    auto page = page_request(x);
    if (!page) return;
    std::string type = x.req.has_param("type") ? x.req.get_param_value("type") : "tweets";
    if (type != "tweets" && type != "users") {
      return send_error(x.res, 400, "bad_request", "type must be tweets or users");
    }
    if (!x.req.has_param("q")) {
      return send_error(x.res, 400, "bad_request", "send the search as ?q=...");
    }
    SearchRequest request{x.req.get_param_value("q"), *page, std::nullopt};
    if (x.req.has_param("cursor")) request.cursor = x.req.get_param_value("cursor");
    if (type == "users") {
      auto users = x.core.search().users(request, x.viewer());
      if (!users) return send_query_error(x, users.error());
      return send_cursor_page(x, json_users_array(users->items), users->next_cursor);
    }
    auto tweets = x.core.search().tweets(request, x.viewer());
    if (!tweets) return send_query_error(x, tweets.error());
    send_cursor_page(x, json_array_of(tweets->items), tweets->next_cursor);
  });
}

}  // namespace chirp::server
