#include "cli_support.hpp"

#include "server_support.hpp"

#include <server_login.hpp>

namespace chirp::test::cli {

Sandbox::Sandbox(Mode mode) : mode(mode) {
  if (remote()) server = std::make_unique<ServerProcess>(db());
}

Sandbox::~Sandbox() = default;

std::string Sandbox::url() const {
  REQUIRE(server);
  return "http://127.0.0.1:" + std::to_string(server->port());
}

fs::path Sandbox::logins_file() const {
  return chirp::cli::logins_path(url(), dir / "state" / "chirp");
}

std::vector<std::string> Sandbox::args_of(const std::vector<std::string>& args) const {
  if (!remote()) return args;
  std::vector<std::string> out{"--server", url()};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

ProcessResult Sandbox::run(const std::vector<std::string>& args, const std::string& stdin_text,
                           const std::map<std::string, std::string>& extra_env) const {
  auto merged = env;
  for (const auto& [k, v] : extra_env) merged[k] = v;
  auto result = run_chirp(args_of(args), merged, stdin_text);
  if (remote()) {
    CHIRP_SERVER_LOG_ON_FAILURE(*server);
    auto client = server->client();
    REQUIRE(eventually([&] {
      auto health = get(client, "/healthz").json();
      return health.is_object() && health["fanout_queue_depth"] == 0;
    }));
  }
  return result;
}

void Sandbox::users(std::initializer_list<std::string> handles) const {
  auto core = open_core(db());
  std::optional<chirp::cli::ServerLogins> logins;
  auto file = remote() ? logins_file() : fs::path();
  if (remote()) logins = chirp::cli::read_logins(url(), file);
  for (const auto& handle : handles) {
    auto created = core.users().create({.handle = handle, .name = "Name " + handle});
    REQUIRE(created.has_value());
    if (!logins) continue;
    auto token = core.auth().issue_token(created->id);
    REQUIRE(token.has_value());
    logins->put({.handle = created->handle, .id = created->id, .token = token->token});
  }
  if (logins) chirp::cli::write_logins(*logins, file);
}

}  // namespace chirp::test::cli
