#include "storage/counters.hpp"

namespace chirp::detail {

std::int64_t celebrity_epoch(Db& db) {
  return db.statement("SELECT value FROM counters WHERE name = 'celebrity_epoch'").single_int();
}

void bump_celebrity_epoch(Db& db) {
  db.statement("UPDATE counters SET value = value + 1 WHERE name = 'celebrity_epoch'").exec();
}

std::int64_t inactive_days_changed_at(Db& db) {
  return db.statement("SELECT value FROM counters WHERE name = 'inactive_days_changed_at'")
      .single_int();
}

void set_inactive_days_changed_at(Db& db, std::int64_t ms) {
  db.statement("UPDATE counters SET value = ? WHERE name = 'inactive_days_changed_at'")
      .bind(ms)
      .exec();
}

}  // namespace chirp::detail
