// The Maintenance service's check: the file, its references, the rules of blocks and
// mutes, the notifications, every counter and every inbox, in one read transaction.
#include "feed/inbox_check.hpp"
#include "maintenance/blocks_check.hpp"
#include "maintenance/notifications_check.hpp"
#include "maintenance/problems.hpp"
#include "maintenance/recount.hpp"
#include "maintenance/references.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/maintenance.hpp>

#include <fmt/core.h>

#include <algorithm>

namespace chirp {

using namespace detail;

const char* problem_kind_name(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::integrity: return "integrity";
    case ProblemKind::foreign_key: return "foreign_key";
    case ProblemKind::counter: return "counter";
    case ProblemKind::inbox_stale: return "inbox_stale";
    case ProblemKind::inbox_unfollowed: return "inbox_unfollowed";
    case ProblemKind::inbox_missing: return "inbox_missing";
    case ProblemKind::blocked_follow: return "blocked_follow";
    case ProblemKind::self_relation: return "self_relation";
    case ProblemKind::notification_stale: return "notification_stale";
    case ProblemKind::cache_stamp: return "cache_stamp";
  }
  return "unknown";
}

Maintenance::Maintenance(Session& session, std::string secret)
    : Service(session), m_secret(std::move(secret)) {}

namespace {

std::string reader_name(Id reader, const std::string& handle) {
  return handle.empty() ? fmt::format("timeline of user {}", reader)
                        : fmt::format("timeline of @{} ({})", handle, reader);
}

void find_inbox_problems(Session& session, ProblemList& problems) {
  find_stale_inbox_rows(session.db, [&](const StaleInboxRow& row) {
    Problem p;
    p.table = "timeline";
    p.id = row.reader;
    p.ref = row.tweet;
    std::string where = reader_name(row.reader, row.reader_handle);
    switch (row.why) {
      case StaleInboxRow::Why::missing_tweet:
        p.kind = ProblemKind::inbox_stale;
        p.message = fmt::format("{}: tweet {} does not exist", where, row.tweet);
        break;
      case StaleInboxRow::Why::deleted_tweet:
        p.kind = ProblemKind::inbox_stale;
        p.message = fmt::format("{}: tweet {} is deleted", where, row.tweet);
        break;
      case StaleInboxRow::Why::not_followed:
        p.kind = ProblemKind::inbox_unfollowed;
        p.message = fmt::format("{}: tweet {} is by @{} ({}), whom the reader does not follow",
                                where, row.tweet, row.author_handle, row.author);
        break;
    }
    problems.add(std::move(p));
  });
  for (const auto& gap : find_inbox_gaps(session)) {
    Problem p;
    p.kind = ProblemKind::inbox_missing;
    p.table = "timeline";
    p.id = gap.reader;
    p.ref = gap.newest_missing;
    p.expected = gap.expected;
    p.found = gap.expected - gap.missing;
    p.message = fmt::format("{}: lacks {} of the {} tweets of pushed followees it must hold "
                            "(newest missing: {})",
                            reader_name(gap.reader, gap.handle), gap.missing, gap.expected,
                            gap.newest_missing);
    problems.add(std::move(p));
  }
}

std::int64_t count_rows(Db& db, const char* sql) { return db.statement(sql).single_int(); }

}  // namespace

CheckReport Maintenance::check() {
  auto& db = m_session.db;
  return db.read([&] {
    CheckReport report;
    ProblemList problems(report);
    report.integrity_ok = check_integrity(db, problems);
    // On a damaged file the queries below would stop at the first bad page, or count
    // from it: only the damage is reported.
    if (!report.integrity_ok) return report;
    report.users = count_rows(db, "SELECT count(*) FROM users");
    report.tweets = count_rows(db, "SELECT count(*) FROM tweets");
    report.follows = count_rows(db, "SELECT count(*) FROM follows");
    report.likes = count_rows(db, "SELECT count(*) FROM likes");
    report.inbox_rows = count_rows(db, "SELECT count(*) FROM timeline");
    report.blocks = count_rows(db, "SELECT count(*) FROM blocks");
    report.mutes = count_rows(db, "SELECT count(*) FROM mutes");
    report.notifications = count_rows(db, "SELECT count(*) FROM notifications");
    {
      auto q = db.statement("SELECT count(*), min(created_at) FROM fanout_queue");
      q.step();
      Cursor c(*q);
      report.queue.depth = c.integer();
      if (auto oldest = c.optional_integer()) {
        report.queue.oldest_age_ms = std::max<std::int64_t>(0, m_session.now_ms() - *oldest);
      }
    }
    find_dangling_references(db, problems);
    find_self_relations(db, problems);
    find_blocked_follows(db, problems);
    find_stale_hides_stamps(db, problems);
    find_stale_notifications(db, problems);
    find_counter_problems(db, problems);
    find_trend_count_problems(db, problems);
    find_inbox_problems(m_session, problems);
    return report;
  });
}

}  // namespace chirp
