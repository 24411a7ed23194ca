// The HTTP baseline of figure 4: cpp-httplib with chirp serve's settings, returning a
// fixed JSON body, so the ratio isolates what chirp adds per request.
#include "figures.hpp"

#include <httplib.h>

#include <fmt/core.h>

#include <iostream>

namespace chirp::bench {

int run_http_stub(int port, std::size_t body_bytes, int threads) {
  std::string body = "{\"data\":[],\"pad\":\"";
  body.append(body_bytes > body.size() + 2 ? body_bytes - body.size() - 2 : 0, 'x');
  body += "\"}";
  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.Get(R"(/users/([^/]+)/timeline)", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  server.Get("/stop", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("bye", "text/plain");
    server.stop();
  });
  if (port == 0) {
    port = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0) {
    std::cerr << "cannot listen on 127.0.0.1\n";
    return 1;
  }
  std::cout << "listening on port " << port << std::endl;
  server.listen_after_bind();
  return 0;
}

}  // namespace chirp::bench
