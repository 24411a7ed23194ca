// The Settings service: reading and changing the settings of a database.
#include "session.hpp"
#include "storage/counters.hpp"
#include "storage/settings.hpp"

#include <chirp/settings.hpp>

#include <fmt/core.h>

#include <charconv>

namespace chirp {

namespace {

Setting make_setting(const SettingSpec& spec, std::optional<std::int64_t> stored) {
  return Setting{spec.key, stored.value_or(spec.default_value), !stored.has_value(), &spec};
}

Result<const SettingSpec*> spec_of(std::string_view key) {
  const SettingSpec* spec = find_setting_spec(key);
  if (spec == nullptr) return fail(Code::invalid, fmt::format("unknown setting '{}'", key));
  return spec;
}

}  // namespace

std::vector<Setting> Settings::list() {
  auto& db = m_session.db;
  return db.read([&] {
    std::vector<Setting> out;
    for (const auto& spec : setting_specs()) {
      out.push_back(make_setting(spec, detail::stored_setting(db, spec.key)));
    }
    return out;
  });
}

Result<Setting> Settings::get(std::string_view key) {
  auto spec = spec_of(key);
  if (!spec) return std::unexpected(spec.error());
  return make_setting(**spec, detail::stored_setting(m_session.db, key));
}

Result<Setting> Settings::set(std::string_view key, std::string_view value) {
  auto spec = spec_of(key);
  if (!spec) return std::unexpected(spec.error());
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return fail(Code::invalid, fmt::format("{} must be a whole number (got '{}')", key, value));
  }
  if (number < (*spec)->min || number > (*spec)->max) {
    return fail(Code::invalid, fmt::format("{} must be between {} and {} (got {})", key,
                                           (*spec)->min, (*spec)->max, number));
  }
  auto& db = m_session.db;
  db.write([&] {
    db.statement(
          "INSERT INTO settings(key, value) VALUES (?, ?) "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(key, std::to_string(number))
        .exec();
    if (key == setting::celebrity_threshold) detail::bump_celebrity_epoch(db);
    if (key == setting::inactive_days) detail::set_inactive_days_changed_at(db, m_session.now_ms());
  });
  return make_setting(**spec, number);
}

std::int64_t Settings::value(std::string_view key) { return m_session.setting(key); }

}  // namespace chirp
