#include "storage/db.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Exception.h>

#include <chirp/error.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

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
           busy_timeout_ms),
      m_busy_timeout_ms(busy_timeout_ms),
      m_write_gate(gate_for(file_name(m_db.getHandle()))) {
  set_background_writer(false);  // installs on_busy
  // WAL lets readers and one writer (CLI and server processes) work at once.
  // synchronous=NORMAL in WAL keeps every committed transaction across a process
  // crash; only an OS crash or power loss may drop the last commits.
  // Turning a new file to WAL takes an exclusive lock, and SQLite answers BUSY at once
  // (without the busy handler) when another connection opening the same new file holds
  // a lock that could deadlock with it: seen when a Checkpointer and a Core opened a
  // fresh database together. It is retried as a busy transaction is.
  for (int attempt = 0;; ++attempt) {
    try {
      m_db.exec("PRAGMA journal_mode=WAL");
      break;
    } catch (const SQLite::Exception& e) {
      if (!is_busy(e) || attempt >= k_busy_retries) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  m_db.exec("PRAGMA synchronous=NORMAL");
  m_db.exec("PRAGMA foreign_keys=ON");
  m_db.exec("PRAGMA cache_size=-65536");  // 64 MiB page cache
  m_db.exec("PRAGMA temp_store=MEMORY");
  // mmap stays off: SQLite before 3.51.3 has a WAL-reset bug with mmap.
  m_db.exec("PRAGMA mmap_size=0");
  // When the WAL starts over, a file grown past this (a bulk import's, a backlog's)
  // is cut back to it rather than kept at its largest.
  m_db.exec("PRAGMA journal_size_limit=67108864");
}

void Db::exec(const std::string& sql) { m_db.exec(sql); }

void Db::set_background_writer(bool background) {
  m_background_writer = background;
  if (background) {
    // SQLite's own handler, whose sleeps grow to 100 ms: a writer that polls seldom
    // lets the posts that write between its tries go first, and it finds a longer
    // queue, which it writes in fewer, larger transactions.
    sqlite3_busy_timeout(m_db.getHandle(), m_busy_timeout_ms);
  } else {
    // SQLite's own handler would sleep 1, 2, 5, 10, ... up to 100 ms between tries: a
    // post behind a fan-out batch slept up to 25 ms past the lock's release. Of the
    // process's writers only the gate's holder polls (the others wait at the
    // WriteGate; a background writer keeps SQLite's handler), so short sleeps cost
    // little.
    sqlite3_busy_handler(m_db.getHandle(), &Db::on_busy, this);
  }
}

int Db::on_busy(void* self, int count) {
  constexpr auto k_poll = std::chrono::microseconds(250);
  auto& db = *static_cast<Db*>(self);
  auto now = std::chrono::steady_clock::now();
  if (count == 0) db.m_busy_since = now;
  if (now - db.m_busy_since >= std::chrono::milliseconds(db.m_busy_timeout_ms)) return 0;
  std::this_thread::sleep_for(k_poll);
  return 1;
}

Db::CheckpointResult Db::checkpoint(int mode) {
  CheckpointResult result;
  int rc = sqlite3_wal_checkpoint_v2(m_db.getHandle(), nullptr, mode, &result.wal_frames,
                                     &result.copied_frames);
  if (rc == SQLITE_BUSY) {
    result.busy = true;
  } else if (rc != SQLITE_OK) {
    throw SQLite::Exception(m_db.getHandle(), rc);
  }
  return result;
}

Db::CheckpointResult Db::checkpoint_passive() { return checkpoint(SQLITE_CHECKPOINT_PASSIVE); }

Db::CheckpointResult Db::checkpoint_restart() {
  // Counted until it is done: a fan-out batch (a background writer takes no turn, so
  // holding the turn does not keep it out) gives SQLite's lock up for it.
  WaitingWriter waiting(true);
  WriteTurn turn;
  try {
    turn = take_write_turn();
  } catch (const SQLite::Exception& e) {
    if (!is_busy(e)) throw;
    return CheckpointResult{.busy = true};
  }
  return checkpoint(SQLITE_CHECKPOINT_RESTART);
}

bool Db::WriteGate::enter(int timeout_ms) {
  std::unique_lock lock(m_mutex);
  if (!m_held && m_queue.empty()) {
    m_held = true;
    return true;
  }
  auto ticket = m_next_ticket++;
  m_queue.push_back(ticket);
  bool mine = m_changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                 [&] { return !m_held && m_queue.front() == ticket; });
  m_queue.erase(std::find(m_queue.begin(), m_queue.end(), ticket));
  if (!mine) {
    lock.unlock();
    m_changed.notify_all();  // the writer behind may be first now
    return false;
  }
  m_held = true;
  return true;
}

void Db::WriteGate::leave() {
  {
    std::lock_guard lock(m_mutex);
    m_held = false;
  }
  m_changed.notify_all();
}

bool Db::WriteGate::wait_idle(int timeout_ms) {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [&] { return !m_held && m_queue.empty(); });
}

Db::WriteTurn Db::take_write_turn() {
  if (!m_write_gate) return WriteTurn(nullptr);
  // A background writer defers to the others for so long at most, then takes a turn
  // like them: a stream of writers that keeps the gate busy does not starve it.
  constexpr int k_background_patience_ms = 100;
  if (m_background_writer &&
      m_write_gate->wait_idle(std::min(m_busy_timeout_ms, k_background_patience_ms))) {
    return WriteTurn();  // none held: a BUSY retry waits for the gate to be idle again
  }
  if (!m_write_gate->enter(m_busy_timeout_ms)) {
    throw SQLite::Exception("database is locked (waited for this process's other writers)",
                            SQLITE_BUSY);
  }
  return WriteTurn(m_write_gate.get());
}

std::string Db::file_name(sqlite3* handle) {
  // SQLite's full path of the main database: one spelling per file, "" for ":memory:"
  // and temporary databases.
  const char* name = sqlite3_db_filename(handle, "main");
  return name ? name : "";
}

std::shared_ptr<Db::WriteGate> Db::gate_for(const std::string& path) {
  if (path.empty()) return nullptr;
  static std::mutex mutex;
  static std::unordered_map<std::string, std::weak_ptr<WriteGate>> gates;
  std::lock_guard lock(mutex);
  if (auto gate = gates[path].lock()) return gate;
  std::erase_if(gates, [](const auto& entry) { return entry.second.expired(); });
  auto gate = std::make_shared<WriteGate>();
  gates[path] = gate;
  return gate;
}

std::string Db::path() const { return m_db.getFilename(); }

StatementLease Db::statement(const char* sql) {
  auto& slot = m_statements[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(m_db, sql);
  return StatementLease(*slot);
}

Db::BackupStats Db::backup_to(const std::string& path, int pages_per_step) {
  if (m_depth > 0) throw std::logic_error("backup_to inside a transaction");
  // In WAL mode each step is a read transaction of its own: it never blocks the
  // writers of other connections, and short steps let checkpoints run between them.
  // But a write by another connection between two steps makes SQLite start the copy
  // over, so a server that keeps writing could keep a chunked copy from ever ending:
  // after a few restarts the rest is copied in one step, from one snapshot.
  constexpr int k_chunked_restarts = 3;
  constexpr int k_busy_waits = 500;  // 10 ms each: the destination is ours alone
  SQLite::Database destination(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  SQLite::Backup backup(destination, m_db);
  BackupStats stats;
  int busy = 0;
  int last_remaining = -1;
  for (;;) {
    int step = stats.restarts < k_chunked_restarts ? pages_per_step : -1;
    int rc = backup.executeStep(step);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (++busy > k_busy_waits) throw SQLite::Exception("the backup stayed locked out", rc);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    int remaining = backup.getRemainingPageCount();
    if (last_remaining >= 0 && remaining >= last_remaining) ++stats.restarts;
    last_remaining = remaining;
  }
  stats.pages = backup.getTotalPageCount();
  stats.page_size = destination.execAndGet("PRAGMA page_size").getInt64();
  return stats;
}

void Db::finish(bool writing, bool commit) {
  if (sqlite3_get_autocommit(m_db.getHandle()) != 0) {
    if (writing && commit) {
      throw std::runtime_error("SQLite rolled the write transaction back after an error");
    }
    return;
  }
  if (writing) {
    statement(commit ? "COMMIT" : "ROLLBACK").exec();
    return;
  }
  try {
    statement("COMMIT").exec();
  } catch (const SQLite::Exception&) {
    rollback_quietly();
  }
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
