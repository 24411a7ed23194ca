#pragma once
// The schema migrations embedded from sql/ at build time (see cmake/EmbedSql.cmake).

#include <functional>
#include <string>
#include <vector>

namespace chirp::detail {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

extern const std::vector<Migration> k_migrations;

class Db;
/// Applies every migration newer than the database's user_version, each in its own
/// transaction that also sets user_version. Throws SchemaError for a newer database.
/// AFTER_SQL (when set) runs in each migration's transaction after its SQL, with its
/// version: for the work a migration needs that SQL cannot do (parsing old rows).
void migrate(Db& db, const std::function<void(int version)>& after_sql = {});

}  // namespace chirp::detail
