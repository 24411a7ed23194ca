// Blocks and mutes: the writes. What they hide is read in feed/visibility.hpp.
#include "feed/inbox.hpp"
#include "session.hpp"
#include "social/follows.hpp"
#include "storage/rows.hpp"

#include <chirp/blocks.hpp>

#include <fmt/core.h>

namespace chirp {

using namespace detail;

namespace {

void bump_hides_version(Db& db, Id user) {
  db.statement("UPDATE users SET hides_version = hides_version + 1 WHERE id = ?").bind(user).exec();
}

/// Checks both users exist (and are two), for block and mute.
Result<void> require_pair(Db& db, Id user, Id other, std::string_view verb) {
  if (user == other) return fail(Code::invalid, fmt::format("you cannot {} yourself", verb));
  if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
  if (auto o = require_user(db, other); !o) return std::unexpected(o.error());
  return {};
}

}  // namespace

Result<void> Blocks::block(Id user, Id other) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    if (auto ok = require_pair(db, user, other, "block"); !ok) return ok;
    if (db.statement("INSERT INTO blocks(blocker, blocked, created_at) VALUES (?, ?, ?) "
                     "ON CONFLICT DO NOTHING")
            .bind(user, other, m_session.now_ms())
            .exec() == 0) {
      return {};  // already blocking
    }
    // The follows end both ways, counters and inboxes with them, in this transaction.
    end_follow(m_session, user, other);
    end_follow(m_session, other, user);
    bump_hides_version(db, user);
    bump_hides_version(db, other);
    return {};
  });
}

Result<void> Blocks::unblock(Id user, Id other) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
    if (auto o = require_user(db, other); !o) return std::unexpected(o.error());
    if (db.statement("DELETE FROM blocks WHERE blocker = ? AND blocked = ?")
            .bind(user, other)
            .exec() == 0) {
      return {};  // was not blocking
    }
    bump_hides_version(db, user);
    bump_hides_version(db, other);
    // Fan-out left out, while blocked, retweets of the other's tweets by whoever each
    // follows: refilled, so the inboxes hold again all that fan-out would have pushed.
    rebuild_inbox(m_session, user);
    rebuild_inbox(m_session, other);
    return {};
  });
}

Result<void> Blocks::mute(Id user, Id other) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    if (auto ok = require_pair(db, user, other, "mute"); !ok) return ok;
    if (db.statement("INSERT INTO mutes(muter, muted, created_at) VALUES (?, ?, ?) "
                     "ON CONFLICT DO NOTHING")
            .bind(user, other, m_session.now_ms())
            .exec() == 0) {
      return {};  // already muting
    }
    bump_hides_version(db, user);
    return {};
  });
}

Result<void> Blocks::unmute(Id user, Id other) {
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
    if (auto o = require_user(db, other); !o) return std::unexpected(o.error());
    if (db.statement("DELETE FROM mutes WHERE muter = ? AND muted = ?").bind(user, other).exec() ==
        0) {
      return {};  // was not muting
    }
    bump_hides_version(db, user);
    // Fan-out skipped the muted user's tweets (and retweets of them): refilled.
    rebuild_inbox(m_session, user);
    return {};
  });
}

bool Blocks::is_blocking(Id user, Id other) {
  return m_session.db.statement("SELECT 1 FROM blocks WHERE blocker = ? AND blocked = ?")
      .bind(user, other)
      .step();
}

bool Blocks::is_muting(Id user, Id other) {
  return m_session.db.statement("SELECT 1 FROM mutes WHERE muter = ? AND muted = ?")
      .bind(user, other)
      .step();
}

Result<Page<User>> Blocks::blocked(Id user, const PageRequest& page) {
  static const std::string sql = "SELECT " + user_columns("u") +
                                 " FROM blocks b JOIN users u ON u.id = b.blocked "
                                 "WHERE b.blocker = ?1 AND b.blocked < ?2 AND b.blocked > ?3 "
                                 "ORDER BY b.blocked DESC LIMIT ?4";
  return user_page(m_session.db, sql, user, page);
}

Result<Page<User>> Blocks::muted(Id user, const PageRequest& page) {
  static const std::string sql = "SELECT " + user_columns("u") +
                                 " FROM mutes m JOIN users u ON u.id = m.muted "
                                 "WHERE m.muter = ?1 AND m.muted < ?2 AND m.muted > ?3 "
                                 "ORDER BY m.muted DESC LIMIT ?4";
  return user_page(m_session.db, sql, user, page);
}

}  // namespace chirp
