// Opening the database and wiring the services over its connection.
#include "accounts/secret.hpp"
#include "entities/store.hpp"
#include "feed/feed_cache.hpp"
#include "session.hpp"
#include "storage/migrations.hpp"

#include <chirp/core.hpp>

#include <sodium.h>

#include <algorithm>
#include <optional>
#include <string>
#include <stdexcept>

namespace chirp {

struct Core::Services {
  explicit Services(const Options& options)
      : session(options.path.string(), options.busy_timeout_ms,
                options.clock ? options.clock : system_clock(), feed, options.work_queued,
                options.notified) {}

  detail::FeedCache feed;
  detail::Session session;  // before the services: every one refers to it
  Users users{session};
  std::optional<Auth> auth;  // once the token secret is read, after migrating
  Tweets tweets{session};
  Graph graph{session};
  Blocks blocks{session};
  Notifications notifications{session};
  Timelines timelines{session};
  Fanout fanout{session};
  Settings settings{session};
  Bulk bulk{session};
  std::optional<Maintenance> maintenance;  // copies the token secret into backups
  Archive archive{session};
  Discovery discovery{session};
  Search search{session};
};

Core::Core(std::unique_ptr<Services> services) : m_services(std::move(services)) {}
Core::Core(Core&&) noexcept = default;
Core& Core::operator=(Core&&) noexcept = default;
Core::~Core() = default;

Core Core::open(Options options) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  std::string path = options.path.string();
  bool in_memory = path == ":memory:";
  if (!in_memory && options.path.has_parent_path()) {
    std::filesystem::create_directories(options.path.parent_path());
  }
  auto services = std::make_unique<Services>(options);
  // Migrated (or refused as too new) before anything is written beside the database.
  detail::migrate(services->session.db, [&](int version) {
    // 006 added the entity tables: the tweets already there get their rows.
    if (version == 6) detail::index_existing_tweets(services->session.db);
  });
  std::string secret;
  if (options.secret_path) {
    secret = detail::load_or_create_secret(*options.secret_path);
  } else if (in_memory) {
    secret = detail::random_secret();
  } else {
    secret = detail::load_or_create_secret(path + ".secret");
  }
  services->session.db.exec(
      "PRAGMA wal_autocheckpoint=" + std::to_string(std::max(0, options.autocheckpoint_pages)));
  services->session.db.set_background_writer(options.background_writer);
  services->maintenance.emplace(services->session, secret);
  services->auth.emplace(services->session, std::move(secret));
  return Core(std::move(services));
}

int Core::schema_version() {
  return detail::k_migrations.empty() ? 0 : detail::k_migrations.back().version;
}

const Clock& Core::clock() const { return *m_services->session.clock; }
Users& Core::users() { return m_services->users; }
Auth& Core::auth() { return *m_services->auth; }
Tweets& Core::tweets() { return m_services->tweets; }
Graph& Core::graph() { return m_services->graph; }
Blocks& Core::blocks() { return m_services->blocks; }
Notifications& Core::notifications() { return m_services->notifications; }
Timelines& Core::timelines() { return m_services->timelines; }
Fanout& Core::fanout() { return m_services->fanout; }
Settings& Core::settings() { return m_services->settings; }
Bulk& Core::bulk() { return m_services->bulk; }
Maintenance& Core::maintenance() { return *m_services->maintenance; }
Archive& Core::archive() { return m_services->archive; }
Discovery& Core::discovery() { return m_services->discovery; }
Search& Core::search() { return m_services->search; }

}  // namespace chirp
