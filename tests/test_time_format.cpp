// Time as people and scripts read it.

#include <chirp/time_format.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

namespace {
constexpr std::int64_t k_s = 1000;
constexpr std::int64_t k_m = 60 * k_s;
constexpr std::int64_t k_h = 60 * k_m;
constexpr std::int64_t k_d = 24 * k_h;
}  // namespace

TEST_CASE("chirp::format_rfc3339") {
  CHECK(chirp::format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(chirp::format_rfc3339(1000) == "1970-01-01T00:00:01.000Z");
  CHECK(chirp::format_rfc3339(7) == "1970-01-01T00:00:00.007Z");
  CHECK(chirp::format_rfc3339(1767225600000) == "2026-01-01T00:00:00.000Z");
  CHECK(chirp::format_rfc3339(1796031449123) == "2026-11-30T09:37:29.123Z");
  CHECK(chirp::format_rfc3339(1709251199999) == "2024-02-29T23:59:59.999Z");  // leap day
  CHECK(chirp::format_rfc3339(951868800000) == "2000-03-01T00:00:00.000Z");
  CHECK(chirp::format_rfc3339(946684799001) == "1999-12-31T23:59:59.001Z");
  CHECK(chirp::format_rfc3339(4102444800000) == "2100-01-01T00:00:00.000Z");
  CHECK(chirp::format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("chirp::parse_rfc3339 reads back what format_rfc3339 writes") {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{7}, std::int64_t{1709251199999},
                          std::int64_t{1796031449123}, std::int64_t{4102444800000},
                          std::int64_t{-1}}) {
    CAPTURE(ms);
    CHECK(chirp::parse_rfc3339(chirp::format_rfc3339(ms)) == ms);
  }
  for (const char* bad : {"", "2026-11-30", "2026-11-30T09:37:29Z", "2026-11-30T09:37:29.123+01:00",
                          "2026-02-30T00:00:00.000Z", "2026-11-30T24:00:00.000Z",
                          "2026-11-30T09:60:00.000Z", "2026-1x-30T09:37:29.123Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(chirp::parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("chirp::format_relative") {
  const std::int64_t now = 1781524800000;  // 2026-06-15T12:00:00Z

  SUBCASE("now") {
    CHECK(chirp::format_relative(now, now) == "now");
  }

  SUBCASE("seconds") {
    CHECK(chirp::format_relative(now - 42 * k_s, now) == "42s");
    CHECK(chirp::format_relative(now - 59 * k_s, now) == "59s");
    CHECK(chirp::format_relative(now - 42 * k_s - 999, now) == "42s");
  }

  SUBCASE("minutes") {
    CHECK(chirp::format_relative(now - 60 * k_s, now) == "1m");
    CHECK(chirp::format_relative(now - 5 * k_m, now) == "5m");
    CHECK(chirp::format_relative(now - 5 * k_m - 59 * k_s, now) == "5m");
    CHECK(chirp::format_relative(now - 59 * k_m, now) == "59m");
  }

  SUBCASE("hours") {
    CHECK(chirp::format_relative(now - k_h, now) == "1h");
    CHECK(chirp::format_relative(now - 3 * k_h - 10 * k_m, now) == "3h");
    CHECK(chirp::format_relative(now - 23 * k_h, now) == "23h");
  }

  SUBCASE("days") {
    CHECK(chirp::format_relative(now - k_d, now) == "1d");
    CHECK(chirp::format_relative(now - 2 * k_d - 5 * k_h, now) == "2d");
  }

  SUBCASE("a date in the same year") {
    CHECK(chirp::format_relative(1772438400000 /* 2026-03-02T08:00Z */, now) == "Mar 2");
    CHECK(chirp::format_relative(1767225600000 /* 2026-01-01T00:00Z */, now) == "Jan 1");
  }

  SUBCASE("a date in an earlier year") {
    CHECK(chirp::format_relative(1762171200000 /* 2025-11-03T12:00Z */, now) ==
          "Nov 3, 2025");
    CHECK(chirp::format_relative(1709251199999 /* 2024-02-29T23:59Z */, now) ==
          "Feb 29, 2024");
  }
}
