#pragma once
// The one RAII layer over SQLite (SQLiteCpp): the connection, statements prepared once
// per connection and reused, and write transactions that start with BEGIN IMMEDIATE.

#include "read_cache.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

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

private:
  SQLite::Statement* m_statement;
};

class Db {
public:
  Db(const std::string& path, int busy_timeout_ms);

  SQLite::Database& connection() { return m_db; }

  /// The statement for SQL, prepared on first use and reused after. SQL must be a
  /// string literal (its address is the cache key).
  StatementLease statement(const char* sql);

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

  bool in_transaction() const { return m_depth > 0; }

  /// The celebrities (users above the threshold), cached per connection and reloaded
  /// when the database's celebrity_epoch or the threshold changes.
  struct CelebrityCache {
    std::int64_t epoch = -1;
    std::int64_t threshold = -1;
    std::vector<std::int64_t> sorted_ids;
  };
  CelebrityCache& celebrity_cache() { return m_celebrities; }

  /// The connection's cache of tweets and settings, brought up to date with this read
  /// transaction's snapshot; nullptr outside a read transaction (a write transaction
  /// sees its own uncommitted changes, which must never be cached).
  ReadCache* read_cache();

private:
  template <class F>
  auto run_transaction(const char* begin, bool writing, F&& work) -> decltype(work()) {
    if (m_depth > 0) return work();  // nested: part of the outer transaction
    for (int attempt = 0;; ++attempt) {
      try {
        statement(begin)->exec();
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
          statement("COMMIT")->exec();
          return;
        } else {
        auto result = work();
        --m_depth;
        if (ok(result)) {
          statement("COMMIT")->exec();
        } else {
          statement("ROLLBACK")->exec();
        }
        return result;
        }
      } catch (const SQLite::Exception& e) {
        --m_depth;
        rollback_quietly();
        if (is_busy(e) && attempt < k_busy_retries) continue;
        throw;
      } catch (...) {
        --m_depth;
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

  static bool is_busy(const SQLite::Exception& e);
  void rollback_quietly() noexcept;

  /// Process-wide SQLite settings, applied once before the first connection opens.
  struct ProcessSetup {
    ProcessSetup();
  };

  static constexpr int k_busy_retries = 20;
  /// Tweets cached per connection: about 1.5 MiB at a typical 300 bytes each.
  static constexpr std::size_t k_cached_tweets = 5000;

  [[no_unique_address]] ProcessSetup m_setup;  // before m_db: it must run first
  SQLite::Database m_db;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> m_statements;
  int m_depth = 0;
  CelebrityCache m_celebrities;
  bool m_writing = false;
  std::uint64_t m_serial = 0;  // counts outermost transactions
  ReadCache m_cache{k_cached_tweets};
  std::uint64_t m_cache_synced_serial = 0;
  bool m_cache_started = false;
};

}  // namespace chirp::detail
