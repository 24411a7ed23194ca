// The follow graph: follow, unfollow and the lists of followers and followees.
#include "internal.hpp"

#include <chirp/core.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

namespace chirp {

using namespace detail;

namespace {

void add_follow_counts(Db& db, Id follower, Id followee, int delta) {
  auto a = db.statement(
      "UPDATE users SET following_count = following_count + ?, "
      "follows_version = follows_version + 1 WHERE id = ?");
  a->bind(1, delta);
  a->bind(2, follower);
  a->exec();
  auto b = db.statement("UPDATE users SET followers_count = followers_count + ? WHERE id = ?");
  b->bind(1, delta);
  b->bind(2, followee);
  b->exec();
}

}  // namespace

Result<void> Core::follow(Id follower, Id followee) {
  if (follower == followee) return fail(Code::invalid, "you cannot follow yourself");
  return m_db->write([&]() -> Result<void> {
    if (auto u = require_user(*m_db, follower); !u) return std::unexpected(u.error());
    auto target = require_user(*m_db, followee);
    if (!target) return std::unexpected(target.error());
    auto q = m_db->statement(
        "INSERT OR IGNORE INTO follows(follower, followee, created_at) VALUES (?, ?, ?)");
    q->bind(1, follower);
    q->bind(2, followee);
    q->bind(3, m_clock->now_ms());
    if (q->exec() == 0) return {};  // already following
    add_follow_counts(*m_db, follower, followee, 1);
    std::int64_t threshold = read_setting(*m_db, setting::celebrity_threshold);
    if (target->followers_count == threshold) bump_celebrity_epoch(*m_db);  // just crossed
    // A celebrity's tweets are pulled at read time; everyone else's are pushed.
    if (target->followers_count + 1 <= threshold) {
      backfill_inbox(*m_db, follower, followee, read_setting(*m_db, setting::inbox_cap));
    }
    return {};
  });
}

Result<void> Core::unfollow(Id follower, Id followee) {
  return m_db->write([&]() -> Result<void> {
    if (auto u = require_user(*m_db, follower); !u) return std::unexpected(u.error());
    auto target = require_user(*m_db, followee);
    if (!target) return std::unexpected(target.error());
    auto q = m_db->statement("DELETE FROM follows WHERE follower = ? AND followee = ?");
    q->bind(1, follower);
    q->bind(2, followee);
    if (q->exec() == 0) return {};  // was not following
    add_follow_counts(*m_db, follower, followee, -1);
    if (target->followers_count - 1 == read_setting(*m_db, setting::celebrity_threshold)) {
      bump_celebrity_epoch(*m_db);  // just dropped below
    }
    auto purge = m_db->statement(
        "DELETE FROM timeline WHERE user = ?1 AND tweet IN ("
        "  SELECT t.tweet FROM timeline t JOIN tweets w ON w.id = t.tweet"
        "  WHERE t.user = ?1 AND w.author = ?2)");
    purge->bind(1, follower);
    purge->bind(2, followee);
    purge->exec();
    return {};
  });
}

namespace {

Result<Page<User>> user_page(Db& db, const char* sql, Id user, const PageRequest& page) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
  auto q = db.statement(sql);
  q->bind(1, user);
  q->bind(2, page.max_id.value_or(INT64_MAX));
  q->bind(3, page.since_id.value_or(0));
  q->bind(4, page.limit + 1);
  Page<User> out;
  while (q->executeStep()) out.items.push_back(read_user(*q));
  if (out.items.size() > static_cast<std::size_t>(page.limit)) {
    out.items.pop_back();
    out.next_max_id = out.items.back().id;
  }
  return out;
}

}  // namespace

Result<Page<User>> Core::followers(Id user, const PageRequest& page) {
  return user_page(*m_db,
                   "SELECT " CHIRP_USER_COLUMNS
                   " FROM follows f JOIN users u ON u.id = f.follower "
                   "WHERE f.followee = ?1 AND f.follower < ?2 AND f.follower > ?3 "
                   "ORDER BY f.follower DESC LIMIT ?4",
                   user, page);
}

Result<Page<User>> Core::following(Id user, const PageRequest& page) {
  return user_page(*m_db,
                   "SELECT " CHIRP_USER_COLUMNS
                   " FROM follows f JOIN users u ON u.id = f.followee "
                   "WHERE f.follower = ?1 AND f.followee < ?2 AND f.followee > ?3 "
                   "ORDER BY f.followee DESC LIMIT ?4",
                   user, page);
}

bool Core::is_following(Id follower, Id followee) {
  auto q = m_db->statement("SELECT 1 FROM follows WHERE follower = ? AND followee = ?");
  q->bind(1, follower);
  q->bind(2, followee);
  return q->executeStep();
}

}  // namespace chirp
