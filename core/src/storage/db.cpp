#include "storage/db.hpp"

#include <SQLiteCpp/Exception.h>

#include <chirp/error.hpp>

#include <sqlite3.h>

namespace chirp::detail {

Db::ProcessSetup::ProcessSetup() {
  static const bool done = [] {
    // Memory statistics take a process-wide mutex on every SQLite allocation, which
    // server threads contend for; nothing here reads them. Only possible before SQLite
    // initializes, hence before the first connection.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

Db::Db(const std::string& path, int busy_timeout_ms)
    // NOMUTEX: a Core (and so its connection) is used by one thread at a time, as
    // core.hpp documents, so SQLite's per-call connection mutex is pure cost.
    : m_db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
           busy_timeout_ms) {
  // WAL lets readers and one writer (CLI and server processes) work at once.
  // synchronous=NORMAL in WAL keeps every committed transaction across a process
  // crash; only an OS crash or power loss may drop the last commits.
  m_db.exec("PRAGMA journal_mode=WAL");
  m_db.exec("PRAGMA synchronous=NORMAL");
  m_db.exec("PRAGMA foreign_keys=ON");
  m_db.exec("PRAGMA cache_size=-65536");  // 64 MiB page cache
  m_db.exec("PRAGMA temp_store=MEMORY");
  // mmap stays off: SQLite before 3.51.3 has a WAL-reset bug with mmap.
  m_db.exec("PRAGMA mmap_size=0");
}

void Db::exec(const std::string& sql) { m_db.exec(sql); }

StatementLease Db::statement(const char* sql) {
  auto& slot = m_statements[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(m_db, sql);
  return StatementLease(*slot);
}

bool Db::is_busy(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

void Db::rollback_quietly() noexcept {
  try {
    if (!m_db.getHandle() || sqlite3_get_autocommit(m_db.getHandle()) != 0) return;
    m_db.exec("ROLLBACK");
  } catch (...) {
    // The connection is already out of the transaction.
  }
}

}  // namespace chirp::detail

namespace chirp {

bool is_storage_full(const std::exception& e) {
  const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
  if (sqlite == nullptr) return false;
  int code = sqlite->getExtendedErrorCode();
  // SQLITE_FULL: no space (ENOSPC) or a page cap; SQLITE_IOERR_WRITE: the system
  // refused the write (EFBIG past a file size limit).
  return (code & 0xff) == SQLITE_FULL || code == SQLITE_IOERR_WRITE;
}

}  // namespace chirp
