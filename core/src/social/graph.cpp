// The follow graph: follow, unfollow and the lists of followers and followees.
#include "feed/celebrities.hpp"
#include "feed/inbox.hpp"
#include "feed/visibility.hpp"
#include "social/follows.hpp"
#include "session.hpp"
#include "storage/counters.hpp"
#include "storage/rows.hpp"
#include "util/paging.hpp"

#include <chirp/graph.hpp>
#include <chirp/settings.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

namespace chirp {

using namespace detail;

namespace {

void add_follow_counts(Db& db, Id follower, Id followee, int delta) {
  db.statement(
        "UPDATE users SET following_count = following_count + ?, "
        "follows_version = follows_version + 1 WHERE id = ?")
      .bind(delta, follower)
      .exec();
  db.statement("UPDATE users SET followers_count = followers_count + ? WHERE id = ?")
      .bind(delta, followee)
      .exec();
}

}  // namespace

namespace detail {

Result<Page<User>> user_page(Db& db, const std::string& sql, Id user, const PageRequest& page) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
  auto q = db.statement(sql.c_str());
  q.bind(user, page.max_id.value_or(INT64_MAX), page.since_id.value_or(0), page.limit + 1);
  std::vector<User> users;
  while (q.step()) users.push_back(read_user_row(*q).user);
  return make_page(std::move(users), page);
}

bool end_follow(Session& session, Id follower, Id followee) {
  auto& db = session.db;
  auto target = load_reach(db, followee);
  if (!target) return false;
  if (db.statement("DELETE FROM follows WHERE follower = ? AND followee = ?")
          .bind(follower, followee)
          .exec() == 0) {
    return false;
  }
  add_follow_counts(db, follower, followee, -1);
  if (target->followers_count - 1 == session.setting(setting::celebrity_threshold)) {
    bump_celebrity_epoch(db);  // just dropped below
  }
  remove_author_from_inbox(db, follower, followee);
  return true;
}

}  // namespace detail

Result<void> Graph::follow(Id follower, Id followee) {
  if (follower == followee) return fail(Code::invalid, "you cannot follow yourself");
  auto& db = m_session.db;
  bool queued = false;
  auto followed = db.write([&]() -> Result<void> {
    queued = false;
    if (auto u = require_user(db, follower); !u) return std::unexpected(u.error());
    auto target = require_user(db, followee);
    if (!target) return std::unexpected(target.error());
    if (auto refused = refuse_blocked(db, follower, followee, "follow them")) {
      return std::unexpected(*refused);
    }
    std::int64_t now = m_session.now_ms();
    if (db.statement("INSERT INTO follows(follower, followee, created_at) VALUES (?, ?, ?) "
                     "ON CONFLICT DO NOTHING")
            .bind(follower, followee, now)
            .exec() == 0) {
      return {};  // already following
    }
    add_follow_counts(db, follower, followee, 1);
    queue_event(db, "follow", follower, std::nullopt, followee, now);
    queued = true;
    std::int64_t threshold = m_session.setting(setting::celebrity_threshold);
    if (target->followers_count == threshold) bump_celebrity_epoch(db);  // just crossed
    // A celebrity's tweets are pulled at read time; everyone else's are pushed.
    if (target->followers_count + 1 <= threshold) {
      backfill_inbox(db, follower, followee, m_session.setting(setting::inbox_cap));
    } else {
      // Not back-filled: this inbox lacks the followee's earlier tweets, so they must
      // stay pulled even once the followee is back under the threshold.
      mark_pulled(db, followee);
    }
    return {};
  });
  if (followed && queued) m_session.work_was_queued();  // the follow notification
  return followed;
}

Result<void> Graph::unfollow(Id follower, Id followee) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    if (auto u = require_user(db, follower); !u) return std::unexpected(u.error());
    if (auto target = require_user(db, followee); !target) return std::unexpected(target.error());
    end_follow(m_session, follower, followee);  // not following is no failure
    return {};
  });
}

Result<Page<User>> Graph::followers(Id user, const PageRequest& page) {
  static const std::string sql = "SELECT " + user_columns("u") +
                                 " FROM follows f JOIN users u ON u.id = f.follower "
                                 "WHERE f.followee = ?1 AND f.follower < ?2 AND f.follower > ?3 "
                                 "ORDER BY f.follower DESC LIMIT ?4";
  return user_page(m_session.db, sql, user, page);
}

Result<Page<User>> Graph::following(Id user, const PageRequest& page) {
  static const std::string sql = "SELECT " + user_columns("u") +
                                 " FROM follows f JOIN users u ON u.id = f.followee "
                                 "WHERE f.follower = ?1 AND f.followee < ?2 AND f.followee > ?3 "
                                 "ORDER BY f.followee DESC LIMIT ?4";
  return user_page(m_session.db, sql, user, page);
}

bool Graph::is_following(Id follower, Id followee) {
  return m_session.db.statement("SELECT 1 FROM follows WHERE follower = ? AND followee = ?")
      .bind(follower, followee)
      .step();
}

}  // namespace chirp
