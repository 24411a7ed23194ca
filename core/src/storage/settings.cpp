// The settings table: every known setting with its default and range, and what is
// stored for each.
#include "storage/settings.hpp"

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
    SettingSpec{setting::fanout_batch_max_ms, 1000, 1, 60000,
                "longest a fan-out transaction holds the write lock while no other write of "
                "the server waits for it, in milliseconds"},
    SettingSpec{setting::fanout_batch_ms, 100, 1, 10000,
                "longest a fan-out transaction holds the write lock while another write of "
                "the server waits for it, in milliseconds"},
    SettingSpec{setting::fanout_batch, 4096, 1, 100000,
                "most queue items fanned out per transaction (group commit)"},
    SettingSpec{setting::celebrity_threshold, 5000, 0, 1000000000,
                "authors with more followers than this are pulled at read time, not pushed (0 = pull all)"},
    SettingSpec{setting::inactive_days, 30, 0, 36500,
                "followers not seen for this many days are skipped by fan-out and rebuilt "
                "when they return (0 = never skip)"},
    SettingSpec{setting::fanout_sort_rows, 0, 0, 10000000,
                "inbox rows a fan-out batch writes together in inbox order, at most (0 = "
                "each tweet's rows on their own; one such statement holds the write lock "
                "to its end, past fanout.batch_ms)"},
    SettingSpec{setting::node_id, 0, 0, 1023,
                "node id written into new ids (distinct per writer node)"},
    SettingSpec{setting::rate_account_logins, 10, 0, 1000000,
                "failed logins per account per 5 minutes, from addresses that have not logged "
                "in to it before (0 = unlimited)"},
    SettingSpec{setting::rate_logins, 10, 0, 1000000,
                "failed logins per client address per 5 minutes (0 = unlimited)"},
    // Defaults for one person on a laptop, whose scripts may well make a few thousand
    // requests in a burst; a public server sets its own (README: exposure).
    SettingSpec{setting::rate_posts, 300, 0, 1000000,
                "tweets, replies and retweets per user per 5 minutes (0 = unlimited)"},
    SettingSpec{setting::rate_requests, 3000, 0, 1000000,
                "HTTP requests per user and per client address per 5 minutes (0 = unlimited)"},
    SettingSpec{setting::stream_heartbeat_s, 15, 1, 3600,
                "seconds between heartbeats (a comment line) on an idle live stream"},
    SettingSpec{setting::stream_max_open, 512, 0, 100000,
                "live streams (GET /stream/...) open at once; past it 503 (0 = none)"},
    SettingSpec{setting::stream_resume_minutes, 60, 1, 10080,
                "minutes a live home stream can reconnect within and miss nothing "
                "(Last-Event-ID)"},
    SettingSpec{setting::stream_retry_ms, 3000, 100, 600000,
                "milliseconds a live stream tells its client to wait before reconnecting"},
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

}  // namespace chirp
