#include "storage/migrations.hpp"

#include "storage/db.hpp"

#include <chirp/error.hpp>

#include <fmt/core.h>

namespace chirp::detail {

namespace {

std::int64_t user_version(Db& db) { return db.statement("PRAGMA user_version").single_int(); }

}  // namespace

void migrate(Db& db, const std::function<void(int version)>& after_sql) {
  int latest = k_migrations.empty() ? 0 : k_migrations.back().version;
  std::int64_t current = user_version(db);
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
      if (user_version(db) >= migration.version) return;
      db.exec(migration.sql);
      if (after_sql) after_sql(migration.version);
      db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    });
  }
}

}  // namespace chirp::detail
