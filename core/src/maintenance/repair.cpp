// The Maintenance service's repair: what the check finds and a recount or a rebuild
// can put right, each step in a short write transaction of its own.
#include "feed/inbox.hpp"
#include "feed/inbox_check.hpp"
#include "maintenance/blocks_check.hpp"
#include "maintenance/notifications_check.hpp"
#include "maintenance/recount.hpp"
#include "maintenance/references.hpp"
#include "session.hpp"
#include "storage/counters.hpp"

#include <chirp/maintenance.hpp>

namespace chirp {

using namespace detail;

Result<RepairReport> Maintenance::repair() {
  auto& db = m_session.db;
  RepairReport report;
  report.before = check();
  if (!report.before.integrity_ok) {
    return fail(Code::conflict,
                "the database file is damaged (integrity_check failed): repair recounts "
                "counters and rebuilds inboxes but cannot mend a file; restore a backup");
  }
  if (report.before.clean()) {
    report.after = report.before;
    return report;
  }
  // Relations first: the counters are recounted from what remains of them.
  report.dangling_deleted = db.write([&] { return delete_dangling_relations(db); });
  report.relations_deleted = db.write([&] { return delete_self_relations(db) + delete_blocked_follows(db); });
  report.notifications_deleted = db.write([&] { return delete_stale_notifications(db); });
  // After the deletions, which restamp whom they concern.
  report.stamps_fixed = db.write([&] { return fix_stale_hides_stamps(db); });
  report.counters_fixed = db.write([&] {
    Recounted done = set_counters_to_recounts(db);
    // A changed follower count may move a user across the celebrity threshold: every
    // connection reloads its celebrity set. (Counter updates of tweets reach the read
    // caches through the cache_changes triggers.)
    if (done.followers) bump_celebrity_epoch(db);
    return done.values;
  });
  if (report.before.kind_counts[static_cast<std::size_t>(ProblemKind::counter)] > 0) {
    db.write([&] { return set_trend_counts_to_recounts(db); });
  }
  report.inbox_rows_deleted = db.write([&] { return delete_stale_inbox_rows(db); });
  // Found after the deletions and recounts, which change what an inbox must hold.
  auto gaps = db.read([&] { return find_inbox_gaps(m_session); });
  for (const auto& gap : gaps) {
    db.write([&] { rebuild_inbox(m_session, gap.reader); });
    ++report.inboxes_rebuilt;
  }
  report.after = check();
  return report;
}

}  // namespace chirp
