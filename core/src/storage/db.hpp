#pragma once
// The one layer over SQLite (SQLiteCpp): the connection, statements prepared once per
// connection and reused, values bound in one call, and transactions (writes start with
// BEGIN IMMEDIATE). Every statement chirp runs goes through a Db: this is where a second
// storage engine would plug in.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

struct sqlite3;

namespace chirp::detail {

/// A cached statement in use: reset and unbound again when the lease ends.
class StatementLease {
public:
  explicit StatementLease(SQLite::Statement& statement) : m_statement(&statement) {}
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  ~StatementLease() {
    m_statement->tryReset();
    m_statement->clearBindings();
  }
  SQLite::Statement* operator->() const { return m_statement; }
  SQLite::Statement& operator*() const { return *m_statement; }

  /// Binds VALUES to parameters 1, 2, ... in order (?1, ?2, ... or plain ?). An empty
  /// std::optional (or std::nullopt) binds NULL. Returns the lease for chaining.
  template <class... Values>
  StatementLease& bind(const Values&... values) {
    int index = 0;
    (bind_one(++index, values), ...);
    return *this;
  }

  /// Resets the statement for another run with new values (bindings are replaced).
  StatementLease& rebind() {
    m_statement->tryReset();
    return *this;
  }

  /// Runs a statement that returns no rows; the number of rows it changed.
  int exec() { return m_statement->exec(); }
  /// Steps to the next row; false when there is none.
  bool step() { return m_statement->executeStep(); }
  /// The first column of the first row as an integer, or FALLBACK when no row.
  std::int64_t single_int(std::int64_t fallback = 0) {
    return step() ? m_statement->getColumn(0).getInt64() : fallback;
  }

private:
  template <class T>
  void bind_one(int index, const T& value) {
    if constexpr (std::is_same_v<T, std::nullopt_t>) {
      m_statement->bind(index);
    } else if constexpr (requires { value.has_value(); *value; }) {
      if (value) {
        bind_one(index, *value);
      } else {
        m_statement->bind(index);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      m_statement->bind(index, value ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      m_statement->bind(index, static_cast<std::int64_t>(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      m_statement->bind(index, value);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      std::string_view text = value;
      m_statement->bind(index, std::string(text));
    } else {
      static_assert(sizeof(T) == 0, "no SQL binding for this type");
    }
  }

  SQLite::Statement* m_statement;
};

class Db {
public:
  Db(const std::string& path, int busy_timeout_ms);
  // The busy handler holds this object's address.
  Db(Db&&) = delete;
  Db& operator=(Db&&) = delete;

  /// The statement for SQL, prepared on first use and reused after. SQL must outlive
  /// the connection (a string literal, or a static string): its address is the key.
  StatementLease statement(const char* sql);
  /// Runs SQL (one or more statements, no results) once, without caching it.
  void exec(const std::string& sql);

  /// Runs WORK inside BEGIN IMMEDIATE ... COMMIT, rolling back when WORK throws or
  /// returns an error. Retries the whole transaction when SQLite reports BUSY.
  template <class F>
  auto write(F&& work) -> decltype(work()) {
    return run_transaction("BEGIN IMMEDIATE", true, std::forward<F>(work));
  }
  /// Runs WORK in a read transaction: one consistent snapshot for several queries.
  template <class F>
  auto read(F&& work) -> decltype(work()) {
    return run_transaction("BEGIN DEFERRED", false, std::forward<F>(work));
  }

  /// The database file ("" for an in-memory database).
  std::string path() const;

  /// What backup_to copied.
  struct BackupStats {
    std::int64_t pages = 0;
    std::int64_t page_size = 0;
    int restarts = 0;  ///< times another connection's write made the copy start over
  };
  /// Copies the whole database, one consistent snapshot, into a new database file at
  /// PATH with SQLite's online backup API, PAGES_PER_STEP pages at a time. Call outside
  /// any transaction. Throws SQLite::Exception when a file cannot be read or written.
  BackupStats backup_to(const std::string& path, int pages_per_step);

  /// What a WAL checkpoint did: frames in the WAL, frames now in the database, and
  /// whether it could not copy them all (BUSY: another checkpoint ran).
  struct CheckpointResult {
    int wal_frames = 0;
    int copied_frames = 0;
    bool busy = false;
  };
  /// A PASSIVE checkpoint (sqlite3_wal_checkpoint_v2): copies what it can of the WAL
  /// into the database without waiting for, or blocking, the writer or any reader.
  CheckpointResult checkpoint_passive();
  /// A RESTART checkpoint: takes its turn as a writer (counted in waiting_writers()
  /// meanwhile, so a fan-out batch gives the lock up), copies the rest of the WAL
  /// holding the write lock, then waits for the readers still on the WAL, so that the
  /// next write starts the log over. busy: it could not do all of that in time.
  CheckpointResult checkpoint_restart();

  /// Writes of this connection wait until no other writer of the process writes or
  /// waits (WriteGate), and then do not hold the others back (Core::Options).
  void set_background_writer(bool background);

  /// Write transactions of this process (any connection) waiting for the write lock
  /// right now: a long write (a fan-out batch) gives the lock up early when some wait.
  static int waiting_writers() { return s_waiting_writers.load(std::memory_order_relaxed); }

  /// Inside a read (not write) transaction: what it reads is committed data.
  bool in_read_transaction() const { return m_depth > 0 && !m_writing; }
  /// Counts outermost transactions: tells a cache when a new snapshot began.
  std::uint64_t transaction_serial() const { return m_serial; }

private:
  template <class F>
  auto run_transaction(const char* begin, bool writing, F&& work) -> decltype(work()) {
    if (m_depth > 0) return work();  // nested: part of the outer transaction
    WriteTurn turn;  // held to the end of the transaction, across BUSY retries
    for (int attempt = 0;; ++attempt) {
      try {
        WaitingWriter waiting(writing && !m_background_writer);
        if (writing && !turn) turn = take_write_turn();
        statement(begin).exec();
      } catch (const SQLite::Exception& e) {
        if (is_busy(e) && attempt < k_busy_retries) continue;
        throw;
      }
      ++m_depth;
      ++m_serial;
      m_writing = writing;
      try {
        if constexpr (std::is_void_v<decltype(work())>) {
          work();
          --m_depth;
          finish(writing, true);
          return;
        } else {
          auto result = work();
          --m_depth;
          finish(writing, ok(result));
          return result;
        }
      } catch (const SQLite::Exception& e) {
        // Back to the outermost level: m_depth may already be down, when the COMMIT in
        // finish() threw (a full disk), and counting it down twice would leave it at -1,
        // so that the next transaction's nested calls began transactions of their own.
        m_depth = 0;
        rollback_quietly();
        if (is_busy(e) && attempt < k_busy_retries) continue;
        throw;
      } catch (...) {
        m_depth = 0;
        rollback_quietly();
        throw;
      }
    }
  }

  template <class R>
  static bool ok(const R& result) {
    if constexpr (requires { result.has_value(); }) {
      return result.has_value();
    } else {
      return true;
    }
  }

  /// Commits (or rolls back) the outermost transaction. After an error that WORK
  /// caught (a damaged page, a full disk), SQLite may have ended the transaction itself,
  /// or may refuse to commit it: a read, which has nothing to commit, ends quietly with
  /// what it read; a write that would commit throws.
  void finish(bool writing, bool commit);
  static bool is_busy(const SQLite::Exception& e);
  void rollback_quietly() noexcept;
  /// sqlite3_wal_checkpoint_v2 in MODE on the main database.
  CheckpointResult checkpoint(int mode);

  /// Counts a write transaction in waiting_writers() while it waits to begin.
  class WaitingWriter {
  public:
    explicit WaitingWriter(bool writing) : m_writing(writing) {
      if (m_writing) s_waiting_writers.fetch_add(1, std::memory_order_relaxed);
    }
    ~WaitingWriter() {
      if (m_writing) s_waiting_writers.fetch_sub(1, std::memory_order_relaxed);
    }
    WaitingWriter(const WaitingWriter&) = delete;
    WaitingWriter& operator=(const WaitingWriter&) = delete;

  private:
    bool m_writing;
  };
  inline static std::atomic<int> s_waiting_writers{0};

  /// Writers of one database file in this process take turns here, first come first
  /// served, before SQLite's write lock. That lock is a try-lock polled by the busy
  /// handler: writers back to back kept a RESTART checkpoint from it for its whole
  /// timeout, and eight request threads polled for it at once. A background writer
  /// (the fan-out worker) takes no turn: it waits until the gate is idle, so that it
  /// never goes ahead of a post, and then meets SQLite's lock. Writers of other
  /// processes (the CLI) meet SQLite's lock and busy handler only.
  class WriteGate {
  public:
    /// Waits up to TIMEOUT_MS for the turn; false when it did not come.
    bool enter(int timeout_ms);
    void leave();
    /// Waits up to TIMEOUT_MS until no writer holds or waits for a turn (a background
    /// writer's way in, which takes none); false when that did not happen.
    bool wait_idle(int timeout_ms);

  private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_held = false;
    std::deque<std::uint64_t> m_queue;  // tickets of the writers waiting, in order
    std::uint64_t m_next_ticket = 0;
  };
  /// A turn at the gate, left when destroyed; empty for a database of its own (":memory:").
  class WriteTurn {
  public:
    WriteTurn() = default;
    /// A turn at GATE (null: a database that needs none).
    explicit WriteTurn(WriteGate* gate) : m_gate(gate), m_taken(true) {}
    WriteTurn(WriteTurn&& other) noexcept
        : m_gate(std::exchange(other.m_gate, nullptr)),
          m_taken(std::exchange(other.m_taken, false)) {}
    WriteTurn& operator=(WriteTurn&& other) noexcept {
      if (this != &other) {
        if (m_gate) m_gate->leave();
        m_gate = std::exchange(other.m_gate, nullptr);
        m_taken = std::exchange(other.m_taken, false);
      }
      return *this;
    }
    ~WriteTurn() {
      if (m_gate) m_gate->leave();
    }
    explicit operator bool() const { return m_taken; }

  private:
    WriteGate* m_gate = nullptr;
    bool m_taken = false;
  };
  /// This file's turn (the busy timeout at most); throws SQLITE_BUSY when it does not come.
  WriteTurn take_write_turn();
  /// The gate of the database file at PATH, shared by the connections of the process
  /// ("" for a private database: none).
  static std::shared_ptr<WriteGate> gate_for(const std::string& path);
  /// The connection's main database file as SQLite names it ("" when private).
  static std::string file_name(sqlite3* handle);

  /// Process-wide SQLite settings, applied once before the first connection opens.
  struct ProcessSetup {
    ProcessSetup();
  };

  static constexpr int k_busy_retries = 20;

  [[no_unique_address]] ProcessSetup m_setup;  // before m_db: it must run first
  SQLite::Database m_db;
  int m_busy_timeout_ms;
  std::shared_ptr<WriteGate> m_write_gate;  // null: a private (in-memory) database
  bool m_background_writer = false;
  std::chrono::steady_clock::time_point m_busy_since;  // of the wait on_busy is in
  /// The busy handler: short sleeps up to the busy timeout (see the constructor).
  static int on_busy(void* self, int count);
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> m_statements;
  int m_depth = 0;
  bool m_writing = false;
  std::uint64_t m_serial = 0;
};

}  // namespace chirp::detail
