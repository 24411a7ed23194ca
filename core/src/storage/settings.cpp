// The settings table: every known setting with its default and range, and the
// Settings service that reads and changes them.
#include "storage/settings.hpp"

#include "feed/celebrities.hpp"
#include "session.hpp"

#include <chirp/settings.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace chirp {

namespace {

// Sorted by key.
constexpr std::array k_specs = {
    SettingSpec{setting::token_ttl_hours, 24, 1, 8760, "hours a login token stays valid"},
    SettingSpec{setting::fanout_batch_ms, 100, 1, 10000,
                "longest a fan-out transaction holds the write lock, in milliseconds"},
    SettingSpec{setting::fanout_batch, 4096, 1, 100000,
                "most queue items fanned out per transaction (group commit)"},
    SettingSpec{setting::celebrity_threshold, 5000, 0, 1000000000,
                "authors with more followers than this are pulled at read time, not pushed (0 = pull all)"},
    SettingSpec{setting::inactive_days, 30, 0, 36500,
                "followers not seen for this many days are skipped by fan-out and rebuilt "
                "when they return (0 = never skip)"},
    SettingSpec{setting::node_id, 0, 0, 1023,
                "node id written into new ids (distinct per writer node)"},
    SettingSpec{setting::rate_logins, 10, 0, 1000000,
                "login attempts per client address per 5 minutes (0 = unlimited)"},
    SettingSpec{setting::rate_posts, 60, 0, 1000000,
                "tweets, replies and retweets per user per 5 minutes (0 = unlimited)"},
    SettingSpec{setting::rate_requests, 300, 0, 1000000,
                "HTTP requests per user and per client address per 5 minutes (0 = unlimited)"},
    SettingSpec{setting::inbox_cap, 800, 20, 100000,
                "entries kept per pushed inbox; older pages are pulled"},
};

}  // namespace

std::span<const SettingSpec> setting_specs() { return k_specs; }

const SettingSpec* find_setting_spec(std::string_view key) {
  auto it = std::find_if(k_specs.begin(), k_specs.end(),
                         [&](const SettingSpec& spec) { return key == spec.key; });
  return it == k_specs.end() ? nullptr : &*it;
}

namespace detail {

std::optional<std::int64_t> stored_setting(Db& db, std::string_view key) {
  auto q = db.statement("SELECT value FROM settings WHERE key = ?");
  q.bind(key);
  if (!q.step()) return std::nullopt;
  std::string text = q->getColumn(0).getString();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const SettingSpec& known_setting(std::string_view key) {
  const SettingSpec* spec = find_setting_spec(key);
  if (spec == nullptr) throw std::logic_error(fmt::format("unknown setting {}", key));
  return *spec;
}

}  // namespace detail

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
    if (key == setting::inactive_days) {
      db.statement("UPDATE counters SET value = ? WHERE name = 'inactive_days_changed_at'")
          .bind(m_session.now_ms())
          .exec();
    }
  });
  return make_setting(**spec, number);
}

std::int64_t Settings::value(std::string_view key) { return m_session.setting(key); }

}  // namespace chirp
