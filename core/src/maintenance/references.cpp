#include "maintenance/references.hpp"

#include "storage/rows.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <exception>
#include <string>

namespace chirp::detail {

bool check_integrity(Db& db, ProblemList& problems) {
  auto complain = [&](std::string message) {
    Problem p;
    p.kind = ProblemKind::integrity;
    p.message = "integrity_check: " + std::move(message);
    problems.add(std::move(p));
  };
  try {
    auto q = db.statement("PRAGMA integrity_check(100)");
    bool ok = true;
    while (q.step()) {
      std::string text = q->getColumn(0).getString();
      if (text == "ok") continue;
      ok = false;
      // One row may hold several complaints, a line each, under a header line.
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = std::min(text.find('\n', start), text.size());
        std::string line = text.substr(start, end - start);
        if (!line.empty() && !line.starts_with("*** ")) complain(std::move(line));
        start = end + 1;
      }
    }
    return ok;
  } catch (const std::exception& e) {
    // Damage to the schema or to the pages the check walks first stops the check
    // itself (SQLITE_CORRUPT): that is its answer.
    complain(e.what());
    return false;
  }
}

namespace {

void find_dangling_likes(Db& db, ProblemList& problems) {
  auto q = db.statement(
      "SELECT l.liker, l.tweet, u.id IS NULL, w.id IS NULL FROM likes l "
      "LEFT JOIN users u ON u.id = l.liker LEFT JOIN tweets w ON w.id = l.tweet "
      "WHERE u.id IS NULL OR w.id IS NULL ORDER BY l.liker, l.tweet");
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::foreign_key;
    p.table = "likes";
    p.id = c.integer();
    p.ref = c.integer();
    bool no_liker = c.integer() != 0;
    bool no_tweet = c.integer() != 0;
    p.message = fmt::format("likes (liker {}, tweet {}): {}", p.id, p.ref,
                            no_liker && no_tweet ? "neither the user nor the tweet exists"
                            : no_liker           ? fmt::format("user {} does not exist", p.id)
                                                 : fmt::format("tweet {} does not exist", p.ref));
    problems.add(std::move(p));
  }
}

void find_dangling_follows(Db& db, ProblemList& problems) {
  auto q = db.statement(
      "SELECT f.follower, f.followee, a.id IS NULL, b.id IS NULL FROM follows f "
      "LEFT JOIN users a ON a.id = f.follower LEFT JOIN users b ON b.id = f.followee "
      "WHERE a.id IS NULL OR b.id IS NULL ORDER BY f.follower, f.followee");
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::foreign_key;
    p.table = "follows";
    p.id = c.integer();
    p.ref = c.integer();
    bool no_follower = c.integer() != 0;
    bool no_followee = c.integer() != 0;
    Id missing = no_follower ? p.id : p.ref;
    p.message = fmt::format("follows (follower {}, followee {}): {}", p.id, p.ref,
                            no_follower && no_followee
                                ? std::string("neither user exists")
                                : fmt::format("user {} does not exist", missing));
    problems.add(std::move(p));
  }
}

/// Blocks and mutes: TABLE's pairs (FIRST, SECOND) of which a user does not exist.
struct UserPairTable {
  const char* table;
  const char* first;
  const char* second;
  std::string find;  ///< first, second, first missing, second missing
};

const UserPairTable& blocks_table() {
  static const UserPairTable t{"blocks", "blocker", "blocked",
                               "SELECT r.blocker, r.blocked, a.id IS NULL, b.id IS NULL FROM blocks r "
                               "LEFT JOIN users a ON a.id = r.blocker LEFT JOIN users b ON b.id = r.blocked "
                               "WHERE a.id IS NULL OR b.id IS NULL ORDER BY r.blocker, r.blocked"};
  return t;
}

const UserPairTable& mutes_table() {
  static const UserPairTable t{"mutes", "muter", "muted",
                               "SELECT r.muter, r.muted, a.id IS NULL, b.id IS NULL FROM mutes r "
                               "LEFT JOIN users a ON a.id = r.muter LEFT JOIN users b ON b.id = r.muted "
                               "WHERE a.id IS NULL OR b.id IS NULL ORDER BY r.muter, r.muted"};
  return t;
}

void find_dangling_user_pairs(Db& db, const UserPairTable& t, ProblemList& problems) {
  auto q = db.statement(t.find.c_str());
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::foreign_key;
    p.table = t.table;
    p.id = c.integer();
    p.ref = c.integer();
    bool no_first = c.integer() != 0;
    bool no_second = c.integer() != 0;
    Id missing = no_first ? p.id : p.ref;
    p.message = fmt::format("{} ({} {}, {} {}): {}", t.table, t.first, p.id, t.second, p.ref,
                            no_first && no_second ? std::string("neither user exists")
                                                  : fmt::format("user {} does not exist", missing));
    problems.add(std::move(p));
  }
}

}  // namespace

void find_dangling_references(Db& db, ProblemList& problems) {
  // foreign_key_check names rows by rowid; likes and follows have none (WITHOUT
  // ROWID), so they are looked up by their keys instead.
  auto q = db.statement(
      "SELECT c.\"table\", c.rowid, c.parent, coalesce(k.\"from\", '') "
      "FROM pragma_foreign_key_check() c "
      "LEFT JOIN pragma_foreign_key_list(c.\"table\") k ON k.id = c.fkid AND k.seq = 0");
  bool likes = false;
  bool follows = false;
  bool blocks = false;
  bool mutes = false;
  while (q.step()) {
    Cursor c(*q);
    std::string table = c.text();
    auto rowid = c.optional_integer();
    std::string parent = c.text();
    std::string column = c.text();
    if (table == "likes") {
      likes = true;
      continue;
    }
    if (table == "follows") {
      follows = true;
      continue;
    }
    if (table == "blocks" || table == "mutes") {
      (table == "blocks" ? blocks : mutes) = true;
      continue;
    }
    // Reported, with what else makes one stale, by find_stale_notifications.
    if (table == "notifications") continue;
    Problem p;
    p.kind = ProblemKind::foreign_key;
    p.table = table;
    p.column = column;
    p.id = rowid.value_or(0);
    p.message = fmt::format("{} {}: {} names a row of {} that does not exist", table,
                            rowid ? std::to_string(*rowid) : std::string("?"), column, parent);
    problems.add(std::move(p));
  }
  if (likes) find_dangling_likes(db, problems);
  if (follows) find_dangling_follows(db, problems);
  if (blocks) find_dangling_user_pairs(db, blocks_table(), problems);
  if (mutes) find_dangling_user_pairs(db, mutes_table(), problems);
}

std::int64_t delete_dangling_relations(Db& db) {
  std::int64_t deleted = db.statement(
                               "DELETE FROM likes WHERE liker NOT IN (SELECT id FROM users) "
                               "OR tweet NOT IN (SELECT id FROM tweets)")
                             .exec();
  db.statement(
        "UPDATE users SET follows_version = follows_version + 1 WHERE id IN ("
        "  SELECT follower FROM follows WHERE followee NOT IN (SELECT id FROM users))")
      .exec();
  deleted += db.statement(
                  "DELETE FROM follows WHERE follower NOT IN (SELECT id FROM users) "
                  "OR followee NOT IN (SELECT id FROM users)")
                 .exec();
  // The user left of a block or mute sees again whom it hid: restamped, as an unblock
  // or unmute does.
  db.statement(
        "UPDATE users SET hides_version = hides_version + 1 WHERE id IN ("
        "  SELECT blocker FROM blocks WHERE blocked NOT IN (SELECT id FROM users) "
        "  UNION SELECT blocked FROM blocks WHERE blocker NOT IN (SELECT id FROM users) "
        "  UNION SELECT muter FROM mutes WHERE muted NOT IN (SELECT id FROM users))")
      .exec();
  deleted += db.statement(
                  "DELETE FROM blocks WHERE blocker NOT IN (SELECT id FROM users) "
                  "OR blocked NOT IN (SELECT id FROM users)")
                 .exec();
  deleted += db.statement(
                  "DELETE FROM mutes WHERE muter NOT IN (SELECT id FROM users) "
                  "OR muted NOT IN (SELECT id FROM users)")
                 .exec();
  return deleted;
}

}  // namespace chirp::detail
