// Settings kept in the database: defaults, ranges, persistence.

#include "support.hpp"

#include <chirp/settings.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using chirp::Code;
using chirp::test::TempDir;
using chirp::test::TestDb;

namespace {

const chirp::Setting* find(const std::vector<chirp::Setting>& all, const std::string& key) {
  for (const auto& s : all) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("chirp::setting_specs") {
  auto specs = chirp::setting_specs();
  REQUIRE(specs.size() >= 5u);
  for (std::size_t i = 1; i < specs.size(); ++i) {
    CHECK(std::string(specs[i - 1].key) < std::string(specs[i].key));
  }
  for (const auto& spec : specs) {
    CAPTURE(spec.key);
    CHECK(spec.min <= spec.default_value);
    CHECK(spec.default_value <= spec.max);
    CHECK(std::string(spec.description).size() > 0u);
    CHECK(chirp::find_setting_spec(spec.key) == &spec);
  }
  for (const char* key : {chirp::setting::celebrity_threshold, chirp::setting::inactive_days,
                          chirp::setting::fanout_batch, chirp::setting::inbox_cap,
                          chirp::setting::node_id}) {
    CAPTURE(key);
    CHECK(chirp::find_setting_spec(key) != nullptr);
  }
  CHECK(chirp::find_setting_spec("no.such.setting") == nullptr);
  CHECK(chirp::find_setting_spec("") == nullptr);
  CHECK(chirp::find_setting_spec(chirp::setting::celebrity_threshold)->default_value == 5000);
  CHECK(chirp::find_setting_spec(chirp::setting::inbox_cap)->default_value == 800);
  CHECK(chirp::find_setting_spec(chirp::setting::node_id)->max == 1023);
}

TEST_CASE("chirp::settings") {
  TestDb db;

  SUBCASE("a fresh database lists every setting at its default") {
    auto all = db.core.settings().list();
    CHECK(all.size() == chirp::setting_specs().size());
    const auto* celebrity = find(all, chirp::setting::celebrity_threshold);
    REQUIRE(celebrity != nullptr);
    CHECK(celebrity->value == 5000);
    CHECK(celebrity->is_default);
    REQUIRE(celebrity->spec != nullptr);
    CHECK(std::string(celebrity->spec->key) == chirp::setting::celebrity_threshold);
    const auto* cap = find(all, chirp::setting::inbox_cap);
    REQUIRE(cap != nullptr);
    CHECK(cap->value == 800);
    CHECK(cap->is_default);
    CHECK(db.core.settings().value(chirp::setting::celebrity_threshold) == 5000);
    CHECK(db.core.settings().value(chirp::setting::inbox_cap) == 800);
    auto one = db.core.settings().get(chirp::setting::inbox_cap);
    REQUIRE(one.has_value());
    CHECK(one->value == 800);
    CHECK(one->is_default);
  }

  SUBCASE("set_setting stores a value in range") {
    auto set = db.core.settings().set(chirp::setting::celebrity_threshold, "2");
    REQUIRE(set.has_value());
    CHECK(set->key == chirp::setting::celebrity_threshold);
    CHECK(set->value == 2);
    CHECK_FALSE(set->is_default);
    CHECK(db.core.settings().value(chirp::setting::celebrity_threshold) == 2);
    auto all = db.core.settings().list();
    auto listed = find(all, chirp::setting::celebrity_threshold);
    REQUIRE(listed != nullptr);
    CHECK(listed->value == 2);
    CHECK_FALSE(listed->is_default);
    // the other settings are untouched
    CHECK(db.core.settings().value(chirp::setting::inbox_cap) == 800);
  }

  SUBCASE("the bounds of the range are accepted") {
    for (const auto& spec : chirp::setting_specs()) {
      CAPTURE(spec.key);
      auto low = db.core.settings().set(spec.key, std::to_string(spec.min));
      REQUIRE(low.has_value());
      CHECK(low->value == spec.min);
      auto high = db.core.settings().set(spec.key, std::to_string(spec.max));
      REQUIRE(high.has_value());
      CHECK(db.core.settings().value(spec.key) == spec.max);
    }
  }

  SUBCASE("values out of range or not integers are invalid and change nothing") {
    for (const auto& spec : chirp::setting_specs()) {
      CAPTURE(spec.key);
      std::vector<std::string> bad = {"", "abc", "12abc", "1.5", " ", "0x10",
                                      "99999999999999999999999"};
      if (spec.min > INT64_MIN) bad.push_back(std::to_string(spec.min - 1));
      if (spec.max < INT64_MAX) bad.push_back(std::to_string(spec.max + 1));
      for (const auto& value : bad) {
        CAPTURE(value);
        auto refused = db.core.settings().set(spec.key, value);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == Code::invalid);
        CHECK_FALSE(refused.error().message.empty());
      }
      CHECK(db.core.settings().value(spec.key) == spec.default_value);
    }
  }

  SUBCASE("the message gives the range") {
    const auto* spec = chirp::find_setting_spec(chirp::setting::node_id);
    auto refused = db.core.settings().set(chirp::setting::node_id, "1024");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find(std::to_string(spec->max)) != std::string::npos);
  }

  SUBCASE("unknown keys are invalid") {
    auto refused = db.core.settings().set("no.such.setting", "1");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Code::invalid);
    CHECK(db.core.settings().list().size() == chirp::setting_specs().size());
    CHECK_FALSE(db.core.settings().get("no.such.setting").has_value());
  }
}

TEST_CASE("chirp::settings persist") {
  TempDir dir;
  auto path = dir / "chirp.db";
  const auto* cap_spec = chirp::find_setting_spec(chirp::setting::inbox_cap);
  REQUIRE(cap_spec != nullptr);
  const std::int64_t cap_value = std::clamp<std::int64_t>(123, cap_spec->min, cap_spec->max);
  REQUIRE(cap_value != cap_spec->default_value);
  {
    auto core = chirp::Core::open({.path = path});
    REQUIRE(core.settings().set(chirp::setting::inbox_cap, std::to_string(cap_value)).has_value());
    REQUIRE(core.settings().set(chirp::setting::celebrity_threshold, "7").has_value());
    // A second connection to the same file sees the change at once.
    auto other = chirp::Core::open({.path = path});
    CHECK(other.settings().value(chirp::setting::inbox_cap) == cap_value);
  }
  auto reopened = chirp::Core::open({.path = path});
  CHECK(reopened.settings().value(chirp::setting::inbox_cap) == cap_value);
  CHECK(reopened.settings().value(chirp::setting::celebrity_threshold) == 7);
  auto cap = reopened.settings().get(chirp::setting::inbox_cap);
  REQUIRE(cap.has_value());
  CHECK_FALSE(cap->is_default);
  CHECK(reopened.settings().value(chirp::setting::inactive_days) ==
        chirp::find_setting_spec(chirp::setting::inactive_days)->default_value);
}
