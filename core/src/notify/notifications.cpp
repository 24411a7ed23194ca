// Reading notifications and marking them read. The queue worker creates them
// (feed/notify.hpp).
#include "feed/hydrate.hpp"
#include "feed/visibility.hpp"
#include "session.hpp"
#include "storage/rows.hpp"
#include "util/paging.hpp"

#include <chirp/notifications.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <unordered_map>

namespace chirp {

using namespace detail;

namespace {

constexpr std::array<std::pair<NotificationKind, std::string_view>, 5> k_kind_names = {{
    {NotificationKind::mention, "mention"},
    {NotificationKind::reply, "reply"},
    {NotificationKind::like, "like"},
    {NotificationKind::retweet, "retweet"},
    {NotificationKind::follow, "follow"},
}};

NotificationKind kind_of(std::string_view name) {
  for (const auto& [kind, kind_name] : k_kind_names) {
    if (kind_name == name) return kind;
  }
  return NotificationKind::follow;  // the table's CHECK allows no other name
}

/// A notification row before its actor and tweet are hydrated.
struct NotificationRow {
  Id id = 0;
  std::string kind;
  Id actor = 0;
  std::optional<Id> tweet;
  std::int64_t created_at_ms = 0;
  bool read = false;
};

/// Reads rows of "SELECT id, kind, actor, tweet, created_at, read_at IS NOT NULL ...".
std::vector<NotificationRow> read_notification_rows(StatementLease& q) {
  std::vector<NotificationRow> rows;
  while (q.step()) {
    Cursor c(*q);
    NotificationRow row;
    row.id = c.integer();
    row.kind = c.text();
    row.actor = c.integer();
    row.tweet = c.optional_integer();
    row.created_at_ms = c.integer();
    row.read = c.integer() != 0;
    rows.push_back(std::move(row));
  }
  return rows;
}

/// ROWS with their actors and tweets, as VIEWER sees them: two batches, not a query a
/// row. A row whose tweet is gone (deleted meanwhile) is dropped.
std::vector<Notification> hydrate_notifications(Session& session, const std::vector<NotificationRow>& rows,
                                   Id viewer) {
  std::vector<Id> actor_ids;
  std::vector<Id> tweet_ids;
  for (const auto& row : rows) {
    actor_ids.push_back(row.actor);
    if (row.tweet) tweet_ids.push_back(*row.tweet);
  }
  std::unordered_map<Id, User> actors;
  for (auto& user : load_users(session.db, actor_ids)) actors.emplace(user.id, std::move(user));
  std::unordered_map<Id, Tweet> tweets;
  for (auto& tweet : hydrate(session, tweet_ids, viewer)) tweets.emplace(tweet.id, std::move(tweet));
  std::vector<Notification> out;
  for (const auto& row : rows) {
    auto actor = actors.find(row.actor);
    if (actor == actors.end()) continue;
    Notification n;
    n.id = row.id;
    n.kind = kind_of(row.kind);
    n.actor = actor->second;
    if (row.tweet) {
      auto tweet = tweets.find(*row.tweet);
      if (tweet == tweets.end()) continue;
      n.tweet = tweet->second;
    }
    n.created_at_ms = row.created_at_ms;
    n.read = row.read;
    out.push_back(std::move(n));
  }
  return out;
}

constexpr const char* k_notification_columns = "SELECT id, kind, actor, tweet, created_at, read_at IS NOT NULL ";

}  // namespace

std::string_view kind_name(NotificationKind kind) {
  for (const auto& [k, name] : k_kind_names) {
    if (k == kind) return name;
  }
  return "follow";
}

Result<Page<Notification>> Notifications::list(Id user, const PageRequest& page,
                                               bool unread_only) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  auto& db = m_session.db;
  return db.read([&]() -> Result<Page<Notification>> {
    auto reader = load_user_row(db, user);
    if (!reader) return fail(Code::not_found, fmt::format("no user with id {}", user));
    // Those from users the reader does not see are left out in the query itself, so
    // pages stay full.
    static const std::string sql =
        std::string(k_notification_columns) +
        "FROM notifications WHERE recipient = ?1 AND id < ?2 AND id > ?3 "
        "AND (?4 = 0 OR read_at IS NULL) "
        "AND actor NOT IN (SELECT value FROM json_each(?5)) ORDER BY id DESC LIMIT ?6";
    auto q = db.statement(sql.c_str());
    q.bind(user, page.max_id.value_or(INT64_MAX), page.since_id.value_or(0), unread_only,
           json_array(hidden_users(m_session, *reader)), page.limit + 1);
    auto rows = read_notification_rows(q);
    std::vector<Id> fetched;
    for (const auto& row : rows) fetched.push_back(row.id);
    rows.resize(std::min(rows.size(), static_cast<std::size_t>(page.limit)));
    return make_page(hydrate_notifications(m_session, rows, user), fetched, page);
  });
}

Result<std::vector<Notification>> Notifications::after(Id user, Id after, int limit) {
  if (auto ok = validate_page({.limit = limit}); !ok) return std::unexpected(ok.error());
  auto& db = m_session.db;
  return db.read([&]() -> Result<std::vector<Notification>> {
    auto reader = load_user_row(db, user);
    if (!reader) return fail(Code::not_found, fmt::format("no user with id {}", user));
    static const std::string sql =
        std::string(k_notification_columns) +
        "FROM notifications WHERE recipient = ?1 AND id > ?2 "
        "AND actor NOT IN (SELECT value FROM json_each(?3)) ORDER BY id LIMIT ?4";
    auto q = db.statement(sql.c_str());
    q.bind(user, after, json_array(hidden_users(m_session, *reader)), limit);
    return hydrate_notifications(m_session, read_notification_rows(q), user);
  });
}

Id Notifications::newest_id() {
  auto& db = m_session.db;
  return db.read([&] { return db.statement("SELECT coalesce(max(id), 0) FROM notifications").single_int(); });
}

Result<std::int64_t> Notifications::mark_read(Id user, Id up_to) {
  if (up_to <= 0) return fail(Code::invalid, "up_to must be a notification id (a positive integer)");
  auto& db = m_session.db;
  return db.write([&]() -> Result<std::int64_t> {
    if (auto u = require_user(db, user); !u) return std::unexpected(u.error());
    return db
        .statement(
            "UPDATE notifications SET read_at = ?3 "
            "WHERE recipient = ?1 AND id <= ?2 AND read_at IS NULL")
        .bind(user, up_to, m_session.now_ms())
        .exec();
  });
}

std::int64_t Notifications::unread_count(Id user) {
  auto& db = m_session.db;
  return db.read([&]() -> std::int64_t {
    auto reader = load_user_row(db, user);
    if (!reader) return 0;
    auto hidden = hidden_users(m_session, *reader);
    if (hidden.empty()) {
      return db.statement("SELECT count(*) FROM notifications WHERE recipient = ? AND read_at IS NULL")
          .bind(user)
          .single_int();
    }
    return db
        .statement(
            "SELECT count(*) FROM notifications WHERE recipient = ?1 AND read_at IS NULL "
            "AND actor NOT IN (SELECT value FROM json_each(?2))")
        .bind(user, json_array(hidden))
        .single_int();
  });
}

void Notifications::add_unread_count(User& user, Id viewer) {
  if (viewer != 0 && viewer == user.id) user.unread_notifications = unread_count(user.id);
}

}  // namespace chirp
