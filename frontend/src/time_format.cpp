#include <chirp/time_format.hpp>

#include <fmt/core.h>

#include <chrono>
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
  // Calendar arithmetic, not gmtime_r: that one takes glibc's time-zone lock, which
  // every server thread serializing tweets would contend for.
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds{ms}};
  auto day = floor<days>(t);
  year_month_day date{day};
  hh_mm_ss time{t - day};
  // Written digit by digit: this runs for every tweet of every page served.
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&](std::size_t at, int width, long long value) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
  };
  int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year,
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       time.hours().count(), time.minutes().count(), time.seconds().count(),
                       time.subseconds().count());
  }
  put(0, 4, year);
  put(5, 2, static_cast<unsigned>(date.month()));
  put(8, 2, static_cast<unsigned>(date.day()));
  put(11, 2, time.hours().count());
  put(14, 2, time.minutes().count());
  put(17, 2, time.seconds().count());
  put(20, 3, time.subseconds().count());
  return out;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != k_shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (k_shape[i] == 'd' ? !digit : text[i] != k_shape[i]) return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t width) {
    int value = 0;
    for (std::size_t i = at; i < at + width; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  using namespace std::chrono;
  year_month_day date{year{number(0, 4)}, month{static_cast<unsigned>(number(5, 2))},
                      day{static_cast<unsigned>(number(8, 2))}};
  int hours = number(11, 2);
  int minutes = number(14, 2);
  int seconds = number(17, 2);
  if (!date.ok() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  auto t = sys_days{date} + std::chrono::hours{hours} + std::chrono::minutes{minutes} +
           std::chrono::seconds{seconds} + milliseconds{number(20, 3)};
  return t.time_since_epoch().count();
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
