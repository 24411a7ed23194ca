#pragma once
/// Settings kept in the database, each with a default and a valid range.

#include <chirp/error.hpp>
#include <chirp/service.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chirp {

struct SettingSpec {
  const char* key;
  std::int64_t default_value;
  std::int64_t min;
  std::int64_t max;
  const char* description;
};

/// Every known setting, sorted by key.
std::span<const SettingSpec> setting_specs();

/// The spec of KEY, or nullptr when no such setting exists.
const SettingSpec* find_setting_spec(std::string_view key);

struct Setting {
  std::string key;
  std::int64_t value = 0;
  bool is_default = true;
  const SettingSpec* spec = nullptr;
};

namespace setting {
inline constexpr const char* celebrity_threshold = "fanout.celebrity_threshold";
inline constexpr const char* inactive_days = "fanout.inactive_days";
inline constexpr const char* fanout_batch = "fanout.batch_size";
inline constexpr const char* fanout_batch_ms = "fanout.batch_ms";
inline constexpr const char* fanout_batch_max_ms = "fanout.batch_max_ms";
inline constexpr const char* fanout_sort_rows = "fanout.sort_rows";
inline constexpr const char* inbox_cap = "timeline.inbox_cap";
inline constexpr const char* node_id = "ids.node_id";
inline constexpr const char* token_ttl_hours = "auth.token_ttl_hours";
inline constexpr const char* rate_requests = "ratelimit.requests_per_5min";
inline constexpr const char* rate_logins = "ratelimit.logins_per_5min";
inline constexpr const char* rate_account_logins = "ratelimit.account_logins_per_5min";
inline constexpr const char* rate_posts = "ratelimit.posts_per_5min";
inline constexpr const char* stream_heartbeat_s = "stream.heartbeat_seconds";
inline constexpr const char* stream_max_open = "stream.max_open";
inline constexpr const char* stream_resume_minutes = "stream.resume_minutes";
inline constexpr const char* stream_retry_ms = "stream.retry_ms";
/// The window every ratelimit.*_per_5min setting counts in.
inline constexpr std::int64_t rate_window_ms = 5 * 60 * 1000;
}  // namespace setting

/// The settings of one database. Every change applies at once, to every connection
/// and process using the database.
class Settings : public Service {
public:
  using Service::Service;

  /// Every known setting with its current value, sorted by key.
  std::vector<Setting> list();
  /// invalid for an unknown key.
  Result<Setting> get(std::string_view key);
  /// Validates VALUE against the setting's range; invalid otherwise.
  Result<Setting> set(std::string_view key, std::string_view value);
  /// The current value of a known setting (the default when unset).
  std::int64_t value(std::string_view key);
};

}  // namespace chirp
