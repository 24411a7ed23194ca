#pragma once
// Direct SQLite access for baselines and for reading the generated graph's shape.

#include <chirp/types.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <vector>

namespace chirp::bench {

/// A raw connection with the same pragmas as chirp's own (WAL, synchronous=NORMAL,
/// 64 MiB cache, mmap off), for baselines measured against the same file.
SQLite::Database open_raw(const std::filesystem::path& db);

struct UserRow {
  Id id;
  std::int64_t followers;
};
/// Every user with its follower count, in id order.
std::vector<UserRow> load_users(SQLite::Database& db);
std::vector<Id> followers_of(SQLite::Database& db, Id user);
/// The users USER follows whose tweets are pulled under THRESHOLD (celebrities, and
/// authors fan-out once skipped).
std::vector<Id> pulled_followees(SQLite::Database& db, Id user, std::int64_t threshold);

}  // namespace chirp::bench
