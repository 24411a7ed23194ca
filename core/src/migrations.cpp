#include "migrations.hpp"

#include "db.hpp"

#include <chirp/core.hpp>
#include <chirp/error.hpp>

#include <fmt/core.h>

namespace chirp::detail {

namespace {

int user_version(Db& db) { return db.connection().execAndGet("PRAGMA user_version").getInt(); }

}  // namespace

void migrate(Db& db) {
  int latest = k_migrations.empty() ? 0 : k_migrations.back().version;
  int current = user_version(db);
  if (current > latest) {
    throw SchemaError(fmt::format(
        "the database has schema version {} but this chirp only knows up to {}: "
        "upgrade chirp",
        current, latest));
  }
  for (const auto& migration : k_migrations) {
    if (migration.version <= current) continue;
    db.write([&] {
      // Another process may have migrated while we waited for the write lock.
      if (user_version(db) >= migration.version) return 0;
      db.connection().exec(migration.sql);
      db.connection().exec(fmt::format("PRAGMA user_version = {}", migration.version));
      return 0;
    });
  }
}

}  // namespace chirp::detail
