#include <chirp/time_format.hpp>

#include <fmt/core.h>

#include <ctime>

namespace chirp {

namespace {

std::tm utc(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string format_rfc3339(std::int64_t ms) {
  std::tm tm = utc(ms);
  int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string format_relative(std::int64_t ms, std::int64_t now_ms) {
  std::int64_t seconds = (now_ms - ms) / 1000;
  if (seconds < 5) return "now";
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m", seconds / 60);
  if (seconds < 86400) return fmt::format("{}h", seconds / 3600);
  if (seconds < 7 * 86400) return fmt::format("{}d", seconds / 86400);
  std::tm then = utc(ms);
  std::tm now = utc(now_ms);
  if (then.tm_year == now.tm_year) return fmt::format("{} {}", k_months[then.tm_mon], then.tm_mday);
  return fmt::format("{} {}, {}", k_months[then.tm_mon], then.tm_mday, then.tm_year + 1900);
}

}  // namespace chirp
