#include "maintenance/notifications_check.hpp"

#include "storage/rows.hpp"

#include <fmt/core.h>

#include <string>
#include <vector>

namespace chirp::detail {

namespace {

// Over notifications n LEFT JOIN users r (recipient), users a (actor), tweets t.
constexpr const char* k_stale_notification =
    "r.id IS NULL OR a.id IS NULL OR (n.tweet IS NOT NULL AND t.id IS NULL) "
    "OR t.deleted_at IS NOT NULL OR ((n.kind = 'follow') = (n.tweet IS NOT NULL))";

constexpr const char* k_notification_joins =
    "FROM notifications n LEFT JOIN users r ON r.id = n.recipient "
    "LEFT JOIN users a ON a.id = n.actor LEFT JOIN tweets t ON t.id = n.tweet WHERE ";

}  // namespace

void find_stale_notifications(Db& db, ProblemList& problems) {
  static const std::string sql =
      std::string("SELECT n.id, n.kind, n.recipient, n.actor, n.tweet, r.id IS NULL, a.id IS NULL, "
                  "t.id IS NULL, t.deleted_at IS NOT NULL ") +
      k_notification_joins + k_stale_notification + " ORDER BY n.id";
  auto q = db.statement(sql.c_str());
  while (q.step()) {
    Cursor c(*q);
    Problem p;
    p.kind = ProblemKind::notification_stale;
    p.table = "notifications";
    p.id = c.integer();
    std::string kind = c.text();
    Id recipient = c.integer();
    Id actor = c.integer();
    auto tweet = c.optional_integer();
    p.ref = tweet.value_or(0);
    bool no_recipient = c.integer() != 0;
    bool no_actor = c.integer() != 0;
    bool no_tweet = c.integer() != 0;
    bool deleted = c.integer() != 0;
    std::vector<std::string> why;
    if (no_recipient) why.push_back(fmt::format("the recipient, user {}, does not exist", recipient));
    if (no_actor) why.push_back(fmt::format("the actor, user {}, does not exist", actor));
    if (tweet && no_tweet) why.push_back(fmt::format("tweet {} does not exist", *tweet));
    if (deleted) why.push_back(fmt::format("tweet {} is deleted", *tweet));
    if (kind == "follow" && tweet) why.push_back("a follow notification names a tweet");
    if (kind != "follow" && !tweet) why.push_back(fmt::format("a {} notification names no tweet", kind));
    std::string reasons;
    for (const auto& w : why) reasons += (reasons.empty() ? "" : "; ") + w;
    p.message = fmt::format("notifications {} ({} for user {} by user {}): {}", p.id, kind,
                            recipient, actor, reasons);
    problems.add(std::move(p));
  }
}

std::int64_t delete_stale_notifications(Db& db) {
  static const std::string sql = std::string("DELETE FROM notifications WHERE id IN (SELECT n.id ") +
                                 k_notification_joins + k_stale_notification + ")";
  return db.statement(sql.c_str()).exec();
}

}  // namespace chirp::detail
