#pragma once
/// Keeping a database sound: online backups, a consistency check, and its repair.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace chirp {

struct BackupReport {
  std::filesystem::path path;         ///< the backup: a complete chirp database
  std::filesystem::path secret_path;  ///< the token secret beside it: PATH + ".secret"
  std::int64_t pages = 0;
  std::int64_t page_size = 0;
  std::int64_t bytes = 0;             ///< the size of the backup file
  int restarts = 0;  ///< times a write by another connection made the copy start over
  std::int64_t elapsed_ms = 0;
};

enum class ProblemKind {
  integrity,         ///< PRAGMA integrity_check: the file itself is damaged
  foreign_key,       ///< a row names a user or tweet that does not exist
  counter,           ///< a stored counter differs from a recount of what it counts
  inbox_stale,       ///< an inbox row points at a deleted or missing tweet
  inbox_unfollowed,  ///< an inbox row holds a tweet by someone the reader does not follow
  inbox_missing,     ///< an inbox lacks tweets fan-out or back-fill would have put there
  blocked_follow,    ///< a follow between two users a block stands between (either way)
  self_relation,     ///< a user follows, blocks or mutes themselves
  notification_stale,  ///< a notification of a deleted or missing tweet, or of/for a
                       ///< user that does not exist
  cache_stamp,       ///< a user who blocks, is blocked or mutes has hides_version 0, so
                     ///< reads take them to hide nobody
};
inline constexpr std::size_t k_problem_kinds = 10;

/// Stable machine-readable name of a kind ("inbox_missing", ...).
const char* problem_kind_name(ProblemKind kind);

/// One thing wrong with a database.
struct Problem {
  ProblemKind kind = ProblemKind::integrity;
  std::string table;   ///< "users", "tweets", "likes", "follows", "timeline", "blocks",
                       ///< "mutes", "notifications"; "" for the file
  std::string column;  ///< the counter (counter problems), the stamp (cache_stamp), else ""
  Id id = 0;   ///< the row: a user or tweet; the reader (inbox), the liker or follower,
               ///< the blocker or muter; a notification's id
  Id ref = 0;  ///< the other side: an inbox row's tweet, the liked tweet, the followee,
               ///< the blocked or muted user; a notification's tweet
  std::int64_t expected = 0;  ///< counters: the recount; inbox_missing: rows it must hold
  std::int64_t found = 0;     ///< counters: the stored value; inbox_missing: rows it has
  std::string message;        ///< one line for a person
};

struct CheckReport {
  /// The problems found, in the order checked, at most k_max_listed of them.
  std::vector<Problem> problems;
  static constexpr std::size_t k_max_listed = 1000;
  /// Every problem found, listed or not, and per kind (indexed by ProblemKind).
  std::int64_t problem_count = 0;
  std::array<std::int64_t, k_problem_kinds> kind_counts{};
  /// False when integrity_check failed: the other checks were then skipped.
  bool integrity_ok = true;
  /// What was checked.
  std::int64_t users = 0;
  std::int64_t tweets = 0;
  std::int64_t follows = 0;
  std::int64_t likes = 0;
  std::int64_t inbox_rows = 0;
  std::int64_t blocks = 0;
  std::int64_t mutes = 0;
  std::int64_t notifications = 0;
  /// Fan-out work still queued: not a problem (tweets it will push are not missing).
  QueueStatus queue;

  bool clean() const { return problem_count == 0; }
  std::int64_t count(ProblemKind kind) const {
    return kind_counts[static_cast<std::size_t>(kind)];
  }
};

struct RepairReport {
  CheckReport before;
  std::int64_t dangling_deleted = 0;    ///< likes, follows, blocks and mutes naming a missing
                                        ///< user or tweet
  std::int64_t relations_deleted = 0;   ///< follows a block forbids; self-follows, -blocks, -mutes
  std::int64_t notifications_deleted = 0;  ///< stale notifications
  std::int64_t stamps_fixed = 0;        ///< hides_version stamps moved off 0
  std::int64_t counters_fixed = 0;      ///< counters set to their recount
  std::int64_t inbox_rows_deleted = 0;  ///< stale and unfollowed inbox rows
  std::int64_t inboxes_rebuilt = 0;     ///< inboxes that lacked rows, rebuilt by pull
  CheckReport after;                    ///< a check after the repair: what remains
};

/// Backup, check and repair of the whole database. Safe while other connections and
/// processes (a running server) use it.
class Maintenance : public Service {
public:
  /// SECRET is the token signing secret the Core loaded, copied beside each backup.
  Maintenance(detail::Session& session, std::string secret);

  /// Copies the database, one consistent snapshot, to a new file TO with SQLite's online
  /// backup API, and the token secret to TO + ".secret" (mode 0600). Both are written
  /// beside their place and linked into it when complete, so a backup that exists is
  /// whole. invalid when TO is the database itself or its folder does not exist;
  /// conflict when TO or TO + ".secret" already exists (nothing is overwritten).
  Result<BackupReport> backup(const std::filesystem::path& to);

  /// Checks, in one read transaction, the file (integrity_check), the references
  /// (foreign_key_check), the rules of blocks and mutes (no follow across a block,
  /// nobody following, blocking or muting themselves, hides_version off 0 for whoever
  /// they concern), the notifications against their tweets and users, every counter
  /// against a recount, and every inbox against the follows and tweets it is pushed
  /// from. Changes nothing.
  CheckReport check();

  /// Deletes likes, follows, blocks and mutes that name a missing user or tweet,
  /// follows a block forbids, self-relations and stale notifications; moves stale
  /// hides_version stamps; sets every counter to its recount, deletes inbox rows that
  /// should not be there and rebuilds the inboxes that lack rows, in short write
  /// transactions; then checks again. conflict (and nothing changed) when the file
  /// fails integrity_check: restore a backup.
  Result<RepairReport> repair();

private:
  std::string m_secret;
};

}  // namespace chirp
