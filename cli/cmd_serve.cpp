// chirp serve: the HTTP/JSON server on the same database.
#include "app.hpp"

#include <chirp/serve.hpp>

#include <iostream>

namespace chirp::cli {

void add_serve_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<server::ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Run the HTTP/JSON server (until SIGINT or SIGTERM)");
  serve->add_option("--bind", options->bind, "Address to listen on")
      ->type_name("ADDRESS")
      ->capture_default_str();
  serve->add_option("--port", options->port, "Port to listen on (0 picks a free one)")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--threads", options->threads, "HTTP worker threads (default 16)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024));
  serve->add_option("--log-level", options->log_level, "Log level")
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  serve->add_option("--request-timeout", options->request_timeout_s,
                    "Seconds a client may take to send a whole request; slower connections "
                    "are closed")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve->add_option("--trust-proxy", options->trusted_proxies,
                    "Address of a reverse proxy whose X-Forwarded-For names the client "
                    "(repeatable; see deploy/)")
      ->type_name("ADDRESS");
  serve->add_flag("--seed-demo", options->seed_demo,
                  "Fill an empty database with demo users alice, bob and carol");
  serve->callback([&context, options] {
    options->db_path = context.db_path();
    context.core();  // creates and migrates the database (and its token secret) first
    options->on_listening = [](int port) {
      // Scripts and tests read the port from here when --port 0 was given.
      std::cout << "listening on port " << port << std::endl;
    };
    int code = server::serve(*options);
    if (code != 0) throw Failure({Code::invalid, "the server could not start"});
  });
}

}  // namespace chirp::cli
