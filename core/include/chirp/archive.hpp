#pragma once
/// Export and import: a whole database as JSON Lines, and plain follower edge lists.
///
/// The JSONL format (docs in README, "Export and import"): a header line, then one
/// object per line, typed by its "type" field, in an order that imports back:
///   {"type":"chirp_export","version":2}
///   {"type":"user","id":"…","handle":"…","name":"…","bio":"…","created_at":MS,
///    "password_hash":"$argon2id$…"}                      (hash only when set and kept)
///   {"type":"block","blocker":"…","blocked":"…","created_at":MS}
///   {"type":"mute","muter":"…","muted":"…","created_at":MS}
///   {"type":"follow","follower":"…","followee":"…","created_at":MS}
///   {"type":"tweet","id":"…","author":"…","created_at":MS,"text":"…",
///    "reply_to":"…","retweet_of":"…","media":["…"],"deleted_at":MS}  (optional ones last)
///   {"type":"like","liker":"…","tweet":"…","created_at":MS}
/// Users by id, then blocks by (blocker, blocked), mutes by (muter, muted), follows by
/// (follower, followee), tweets by id (ids grow with time, so a tweet comes before its
/// replies and retweets), likes by (liker, tweet). Blocks come before follows so that
/// the import knows them when it meets a follow one forbids. Times are milliseconds
/// since the Unix epoch; ids are strings, as in the HTTP API. A deleted tweet is
/// written as a tombstone without its text, so replies and likes that name it still
/// import. Counters, inboxes, notifications and settings are not written: import
/// derives the first two, notifications are the system's messages about the data
/// rather than the data (as in Mastodon's export), settings belong to each deployment.
/// Version 1 (before blocks and mutes) still imports.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>

namespace chirp {

/// Rows of each kind.
struct ArchiveCounts {
  std::int64_t users = 0;
  std::int64_t follows = 0;
  std::int64_t tweets = 0;
  std::int64_t likes = 0;
  std::int64_t blocks = 0;
  std::int64_t mutes = 0;

  std::int64_t total() const { return users + follows + tweets + likes + blocks + mutes; }
};

struct ExportOptions {
  /// Write users' argon2id password hashes, so that they can log in after an import.
  bool password_hashes = true;
};

struct ImportOptions {
  /// Lines per batch: each batch is one transaction, written whole or not at all.
  std::size_t batch_lines = 100'000;
  /// Called after each line read, now and then: (bytes read so far, lines read so far).
  std::function<void(std::int64_t bytes, std::int64_t lines)> progress;
};

struct ImportReport {
  std::int64_t lines = 0;    ///< lines read (blank and comment lines included)
  std::int64_t batches = 0;  ///< transactions committed
  ArchiveCounts added;       ///< rows written
  ArchiveCounts present;     ///< rows skipped because the database already held them
  std::int64_t self_follows = 0;  ///< edge lists: lines "N N", skipped
};

class Archive : public Service {
public:
  using Service::Service;

  /// Writes the whole database to OUT, one consistent snapshot, in the format above.
  /// The same database always gives the same bytes. Returns what was written; throws
  /// when OUT fails.
  ArchiveCounts export_jsonl(std::ostream& out, const ExportOptions& options = {});

  /// Loads a JSONL export from IN in batches of options.batch_lines lines, each in one
  /// transaction through the bulk path. A row the database already holds (same id;
  /// for follows, likes, blocks and mutes, the same pair) is skipped, so a second
  /// import adds nothing. A block is applied as Blocks::block applies it: the follows
  /// between the two end and both users' hides_version moves (a mute moves the muter's).
  /// A line that is not valid UTF-8, not a JSON object, of an unknown type, lacking or
  /// adding a field, breaking an input rule (tweet length, handle, blocking oneself),
  /// naming a user or tweet neither the database nor an earlier line holds, or a follow
  /// that a block (in the database or on an earlier line) forbids, is refused as invalid with
  /// "line N: " before the reason; nothing of its batch is written, the batches before
  /// it stay. Counters are recounted and inboxes filled (through the fan-out queue and
  /// back-fill) as if the rows had been written one by one.
  Result<ImportReport> import_jsonl(std::istream& in, const ImportOptions& options = {});

  /// Loads a plain edge list: one "FOLLOWER FOLLOWEE" pair of decimal numbers per line,
  /// separated by white space; '#' starts a comment line (SNAP's edge files). Number N
  /// is the user with handle "u" + N (leading zeros dropped), created when missing (N
  /// at most 14 digits, so the handle fits). Self-follows are skipped and counted.
  /// Batches, idempotence and errors as import_jsonl.
  Result<ImportReport> import_edges(std::istream& in, const ImportOptions& options = {});
};

}  // namespace chirp
