#include "session.hpp"

#include "storage/settings.hpp"

namespace chirp::detail {

Session::Session(const std::string& path, int busy_timeout_ms, std::shared_ptr<Clock> clock_,
                 FeedCache& feed_, std::function<void()> work_queued,
                 std::function<void(const std::vector<CreatedNotification>&)> notified)
    : db(path, busy_timeout_ms),
      clock(std::move(clock_)),
      feed(&feed_),
      m_work_queued(std::move(work_queued)),
      m_notified(std::move(notified)) {}

std::int64_t Session::setting(std::string_view key) {
  return stored_setting(db, key).value_or(known_setting(key).default_value);
}

}  // namespace chirp::detail
