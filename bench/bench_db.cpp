#include "bench_db.hpp"

namespace chirp::bench {

SQLite::Database open_raw(const std::filesystem::path& db) {
  SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE, 10000);
  raw.exec("PRAGMA journal_mode=WAL");
  raw.exec("PRAGMA synchronous=NORMAL");
  raw.exec("PRAGMA cache_size=-65536");
  raw.exec("PRAGMA temp_store=MEMORY");
  raw.exec("PRAGMA mmap_size=0");
  return raw;
}

std::vector<UserRow> load_users(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT id, followers_count FROM users ORDER BY id");
  std::vector<UserRow> out;
  while (q.executeStep()) out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64()});
  return out;
}

std::vector<Id> pulled_followees(SQLite::Database& db, Id user, std::int64_t threshold) {
  SQLite::Statement q(db,
                      "SELECT f.followee FROM follows f JOIN users u ON u.id = f.followee "
                      "WHERE f.follower = ? AND (u.followers_count > ? OR u.pulled = 1)");
  q.bind(1, user);
  q.bind(2, threshold);
  std::vector<Id> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
  return out;
}

std::vector<Id> followers_of(SQLite::Database& db, Id user) {
  SQLite::Statement q(db, "SELECT follower FROM follows WHERE followee = ?");
  q.bind(1, user);
  std::vector<Id> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
  return out;
}

}  // namespace chirp::bench
