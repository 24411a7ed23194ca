#pragma once
/// The chirp core: one object per database connection, used by the CLI and the server.
/// It opens the database and hands out the services, each a thin object over the one
/// connection: core.tweets().post(...), core.timelines().home(...).
///
/// Every service method either returns its result, returns an Error for an expected
/// refusal (nothing was changed), or throws for an infrastructure failure (SQLite I/O).
/// A Core is not thread-safe: use one per thread (they may share one database file).

#include <chirp/archive.hpp>
#include <chirp/auth.hpp>
#include <chirp/blocks.hpp>
#include <chirp/bulk.hpp>
#include <chirp/clock.hpp>
#include <chirp/discovery.hpp>
#include <chirp/error.hpp>
#include <chirp/fanout.hpp>
#include <chirp/graph.hpp>
#include <chirp/maintenance.hpp>
#include <chirp/search.hpp>
#include <chirp/notifications.hpp>
#include <chirp/settings.hpp>
#include <chirp/timelines.hpp>
#include <chirp/tweets.hpp>
#include <chirp/types.hpp>
#include <chirp/users.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace chirp {

class Core {
public:
  struct Options {
    std::filesystem::path path;                 ///< database file; ":memory:" for tests
    std::shared_ptr<Clock> clock;               ///< default: system clock
    int busy_timeout_ms = 10000;
    /// WAL pages after which a commit of this connection checkpoints the WAL into the
    /// database itself (SQLite's wal_autocheckpoint). 0: never; a Checkpointer running
    /// on the same file does it from its own thread (what `chirp serve` does).
    int autocheckpoint_pages = 1000;
    /// This connection's writes never go ahead of the process's other writers of the
    /// file: each waits until none of them writes or waits, then meets SQLite's write
    /// lock as another process's writer would. For the fan-out worker: the posts it
    /// would otherwise take turns with then get the lock first, and it works in the
    /// gaps between them, in fewer, larger transactions.
    bool background_writer = false;
    /// File holding the 256-bit token signing secret (created 0600 when missing).
    /// Default: the database path + ".secret"; in memory for ":memory:".
    std::optional<std::filesystem::path> secret_path;
    /// Called after a write that queued fan-out work committed (a post, a reply, a
    /// retweet, a bulk import), so the front end can run or wake the fan-out worker.
    std::function<void()> work_queued;
    /// Called by the queue worker (Fanout::drain) after a batch that created
    /// notifications committed, with each one's recipient and id, so the front end can
    /// wake whoever waits for them (a notification stream resuming after the last id it
    /// sent: Notifications::after).
    std::function<void(const std::vector<CreatedNotification>&)> notified;
  };

  /// Opens (creating file and parent folders when missing) and migrates the database.
  /// Throws SchemaError when the database is newer than this binary.
  static Core open(Options options);

  Core(Core&&) noexcept;
  Core& operator=(Core&&) noexcept;
  ~Core();

  /// The schema version this binary writes (the last sql/ migration).
  static int schema_version();
  const Clock& clock() const;

  Users& users();
  Auth& auth();
  Tweets& tweets();
  Graph& graph();
  Blocks& blocks();
  Notifications& notifications();
  Timelines& timelines();
  Fanout& fanout();
  Settings& settings();
  Bulk& bulk();
  Maintenance& maintenance();
  Archive& archive();
  Discovery& discovery();
  Search& search();

private:
  struct Services;
  explicit Core(std::unique_ptr<Services> services);
  std::unique_ptr<Services> m_services;
};

}  // namespace chirp
