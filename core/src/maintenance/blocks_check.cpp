#include "maintenance/blocks_check.hpp"

#include "storage/rows.hpp"

#include <fmt/core.h>

#include <string>

namespace chirp::detail {

namespace {

/// "@handle (id)", or "user id" for a user without a row.
std::string user_label(Id id, const std::optional<std::string>& handle) {
  return handle ? fmt::format("@{} ({})", *handle, id) : fmt::format("user {}", id);
}

// A row of follows that a block stands between.
constexpr const char* k_blocked_follow =
    "EXISTS (SELECT 1 FROM blocks k WHERE "
    "(k.blocker = follows.follower AND k.blocked = follows.followee) OR "
    "(k.blocker = follows.followee AND k.blocked = follows.follower))";

// A hider: someone whose hidden_users is not empty (visibility.cpp).
constexpr const char* k_stale_stamp =
    "u.hides_version = 0 AND (EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = u.id) "
    "OR EXISTS (SELECT 1 FROM blocks b WHERE b.blocked = u.id) "
    "OR EXISTS (SELECT 1 FROM mutes m WHERE m.muter = u.id))";

}  // namespace

void find_blocked_follows(Db& db, ProblemList& problems) {
  static const std::string query =
      "SELECT follows.follower, follows.followee, a.handle, b.handle, "
      "EXISTS (SELECT 1 FROM blocks k WHERE k.blocker = follows.follower "
      "AND k.blocked = follows.followee) "
      "FROM follows LEFT JOIN users a ON a.id = follows.follower "
      "LEFT JOIN users b ON b.id = follows.followee WHERE " +
      std::string(k_blocked_follow) + " ORDER BY follows.follower, follows.followee";
  auto q = db.statement(query.c_str());
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::blocked_follow;
    p.table = "follows";
    p.id = c.integer();
    p.ref = c.integer();
    std::string follower = user_label(p.id, c.optional_text());
    std::string followee = user_label(p.ref, c.optional_text());
    bool follower_blocks = c.integer() != 0;
    p.message = fmt::format("follows (follower {}, followee {}): {} blocks {}, and a block ends "
                            "the follows both ways",
                            p.id, p.ref, follower_blocks ? follower : followee,
                            follower_blocks ? followee : follower);
    problems.add(std::move(p));
  }
}

std::int64_t delete_blocked_follows(Db& db) {
  static const std::string bump =
      std::string("UPDATE users SET follows_version = follows_version + 1 WHERE id IN "
                  "(SELECT follower FROM follows WHERE ") +
      k_blocked_follow + ")";
  static const std::string remove = std::string("DELETE FROM follows WHERE ") + k_blocked_follow;
  db.statement(bump.c_str()).exec();
  return db.statement(remove.c_str()).exec();
}

void find_self_relations(Db& db, ProblemList& problems) {
  auto q = db.statement(
      "SELECT 'follows', 'follows', r.follower, u.handle FROM follows r "
      "LEFT JOIN users u ON u.id = r.follower WHERE r.follower = r.followee "
      "UNION ALL SELECT 'blocks', 'blocks', r.blocker, u.handle FROM blocks r "
      "LEFT JOIN users u ON u.id = r.blocker WHERE r.blocker = r.blocked "
      "UNION ALL SELECT 'mutes', 'mutes', r.muter, u.handle FROM mutes r "
      "LEFT JOIN users u ON u.id = r.muter WHERE r.muter = r.muted ORDER BY 1, 3");
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::self_relation;
    p.table = c.text();
    std::string verb = c.text();
    p.id = c.integer();
    p.ref = p.id;
    p.message = fmt::format("{} (user {}): {} {} themselves", p.table, p.id,
                            user_label(p.id, c.optional_text()), verb);
    problems.add(std::move(p));
  }
}

std::int64_t delete_self_relations(Db& db) {
  db.statement(
        "UPDATE users SET follows_version = follows_version + 1 WHERE id IN "
        "(SELECT follower FROM follows WHERE follower = followee)")
      .exec();
  db.statement(
        "UPDATE users SET hides_version = hides_version + 1 WHERE id IN "
        "(SELECT blocker FROM blocks WHERE blocker = blocked "
        "UNION SELECT muter FROM mutes WHERE muter = muted)")
      .exec();
  std::int64_t deleted = db.statement("DELETE FROM follows WHERE follower = followee").exec();
  deleted += db.statement("DELETE FROM blocks WHERE blocker = blocked").exec();
  deleted += db.statement("DELETE FROM mutes WHERE muter = muted").exec();
  return deleted;
}

void find_stale_hides_stamps(Db& db, ProblemList& problems) {
  static const std::string sql =
      std::string("SELECT u.id, u.handle FROM users u WHERE ") + k_stale_stamp + " ORDER BY u.id";
  auto q = db.statement(sql.c_str());
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::cache_stamp;
    p.table = "users";
    p.column = "hides_version";
    p.id = c.integer();
    std::string handle = c.text();
    p.expected = 1;  // at least
    p.found = 0;
    p.message = fmt::format("users {} (@{}): hides_version is 0 though they block, are blocked "
                            "or mute, so their reads hide nobody",
                            p.id, handle);
    problems.add(std::move(p));
  }
}

std::int64_t fix_stale_hides_stamps(Db& db) {
  static const std::string sql =
      std::string("UPDATE users SET hides_version = 1 WHERE id IN (SELECT u.id FROM users u WHERE ") +
      k_stale_stamp + ")";
  return db.statement(sql.c_str()).exec();
}

}  // namespace chirp::detail
