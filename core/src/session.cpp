#include "session.hpp"

#include "storage/settings.hpp"

namespace chirp::detail {

Session::Session(const std::string& path, int busy_timeout_ms, std::shared_ptr<Clock> clock_,
                 std::function<void()> work_queued)
    : db(path, busy_timeout_ms), clock(std::move(clock_)), m_work_queued(std::move(work_queued)) {}

std::int64_t Session::setting(std::string_view key) {
  const SettingSpec& spec = known_setting(key);
  ReadCache* cache = read_cache();
  if (cache) {
    if (auto value = cache->find_setting(key)) return *value;
  }
  std::int64_t value = stored_setting(db, key).value_or(spec.default_value);
  if (cache) cache->insert_setting(key, value);
  return value;
}

ReadCache* Session::read_cache() {
  if (!db.in_read_transaction()) return nullptr;
  if (m_cache_synced_serial != db.transaction_serial()) {
    m_cache_synced_serial = db.transaction_serial();
    if (m_cache_started) {
      catch_up_read_cache(m_cache, db);
    } else {
      start_read_cache(m_cache, db);
      m_cache_started = true;
    }
  }
  return &m_cache;
}

}  // namespace chirp::detail
