// Opening the database, settings, and the helpers every module shares.
#include "internal.hpp"
#include "migrations.hpp"
#include "secret.hpp"

#include <chirp/core.hpp>
#include <chirp/snowflake.hpp>

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace chirp {

using detail::Db;

Core::Core(std::unique_ptr<Db> db, std::shared_ptr<Clock> clock, std::string secret)
    : m_db(std::move(db)), m_clock(std::move(clock)), m_token_secret(std::move(secret)) {}
Core::Core(Core&&) noexcept = default;
Core& Core::operator=(Core&&) noexcept = default;
Core::~Core() = default;

Core Core::open(Options options) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  std::string path = options.path.string();
  if (path != ":memory:" && options.path.has_parent_path()) {
    std::filesystem::create_directories(options.path.parent_path());
  }
  auto db = std::make_unique<Db>(path, options.busy_timeout_ms);
  detail::migrate(*db);
  std::string secret;
  if (options.secret_path) {
    secret = detail::load_or_create_secret(*options.secret_path);
  } else if (path == ":memory:") {
    secret = detail::random_secret();
  } else {
    secret = detail::load_or_create_secret(path + ".secret");
  }
  return Core(std::move(db), options.clock ? options.clock : system_clock(), std::move(secret));
}

int Core::schema_version() {
  return detail::k_migrations.empty() ? 0 : detail::k_migrations.back().version;
}

// ---- settings ----------------------------------------------------------------------

namespace {

Setting make_setting(const SettingSpec& spec, std::optional<std::int64_t> stored) {
  return Setting{spec.key, stored.value_or(spec.default_value), !stored.has_value(), &spec};
}

std::optional<std::int64_t> stored_setting(Db& db, std::string_view key) {
  auto q = db.statement("SELECT value FROM settings WHERE key = ?");
  q->bind(1, std::string(key));
  if (!q->executeStep()) return std::nullopt;
  std::string text = q->getColumn(0).getString();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::vector<Setting> Core::settings() {
  std::vector<Setting> out;
  m_db->read([&] {
    for (const auto& spec : setting_specs()) {
      out.push_back(make_setting(spec, stored_setting(*m_db, spec.key)));
    }
    return 0;
  });
  return out;
}

Result<Setting> Core::setting(std::string_view key) {
  const SettingSpec* spec = find_setting_spec(key);
  if (spec == nullptr) return fail(Code::invalid, fmt::format("unknown setting '{}'", key));
  return make_setting(*spec, stored_setting(*m_db, key));
}

Result<Setting> Core::set_setting(std::string_view key, std::string_view value) {
  const SettingSpec* spec = find_setting_spec(key);
  if (spec == nullptr) return fail(Code::invalid, fmt::format("unknown setting '{}'", key));
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return fail(Code::invalid, fmt::format("{} must be a whole number (got '{}')", key, value));
  }
  if (number < spec->min || number > spec->max) {
    return fail(Code::invalid, fmt::format("{} must be between {} and {} (got {})", key,
                                           spec->min, spec->max, number));
  }
  m_db->write([&] {
    auto q = m_db->statement(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q->bind(1, std::string(key));
    q->bind(2, std::to_string(number));
    q->exec();
    if (key == setting::celebrity_threshold) bump_celebrity_epoch(*m_db);
    if (key == setting::inactive_days) {
      auto changed = m_db->statement(
          "UPDATE counters SET value = ? WHERE name = 'inactive_days_changed_at'");
      changed->bind(1, m_clock->now_ms());
      changed->exec();
    }
    return 0;
  });
  return make_setting(*spec, number);
}

std::int64_t Core::setting_value(std::string_view key) { return detail::read_setting(*m_db, key); }

// ---- shared helpers ----------------------------------------------------------------

namespace detail {

std::int64_t read_setting(Db& db, std::string_view key) {
  const SettingSpec* spec = find_setting_spec(key);
  if (spec == nullptr) throw std::logic_error(fmt::format("unknown setting {}", key));
  ReadCache* cache = db.read_cache();
  if (cache) {
    if (auto value = cache->find_setting(key)) return *value;
  }
  std::int64_t value = stored_setting(db, key).value_or(spec->default_value);
  if (cache) cache->insert_setting(key, value);
  return value;
}

User read_user(SQLite::Statement& row, int c) {
  User u;
  u.id = row.getColumn(c + 0).getInt64();
  u.handle = row.getColumn(c + 1).getString();
  u.name = row.getColumn(c + 2).getString();
  u.bio = row.getColumn(c + 3).getString();
  u.created_at_ms = row.getColumn(c + 4).getInt64();
  u.followers_count = row.getColumn(c + 5).getInt64();
  u.following_count = row.getColumn(c + 6).getInt64();
  u.tweets_count = row.getColumn(c + 7).getInt64();
  u.likes_count = row.getColumn(c + 8).getInt64();
  return u;
}

std::optional<User> load_user(Db& db, Id id) {
  auto q = db.statement("SELECT " CHIRP_USER_COLUMNS " FROM users u WHERE u.id = ?");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read_user(*q);
}

Result<User> require_user(Db& db, Id id) {
  if (auto user = load_user(db, id)) return *user;
  return fail(Code::not_found, fmt::format("no user with id {}", id));
}

std::optional<TweetHead> live_tweet(Db& db, Id id) {
  auto q = db.statement(
      "SELECT author, retweet_of, reply_to FROM tweets WHERE id = ? AND deleted_at IS NULL");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  TweetHead head{id, q->getColumn(0).getInt64(), std::nullopt, std::nullopt};
  if (!q->getColumn(1).isNull()) head.retweet_of = q->getColumn(1).getInt64();
  if (!q->getColumn(2).isNull()) head.reply_to = q->getColumn(2).getInt64();
  return head;
}

Id new_tweet_id(Db& db, std::int64_t now_ms, int node) {
  auto q = db.statement("SELECT coalesce(max(id), 0) FROM tweets");
  q->executeStep();
  return next_snowflake(now_ms, node, q->getColumn(0).getInt64());
}

Id new_user_id(Db& db, std::int64_t now_ms, int node) {
  auto q = db.statement("SELECT coalesce(max(id), 0) FROM users");
  q->executeStep();
  return next_snowflake(now_ms, node, q->getColumn(0).getInt64());
}

void bump_celebrity_epoch(Db& db) {
  db.statement("UPDATE counters SET value = value + 1 WHERE name = 'celebrity_epoch'")->exec();
}

const std::vector<Id>& celebrities(Db& db, std::int64_t threshold) {
  auto& cache = db.celebrity_cache();
  auto q = db.statement("SELECT value FROM counters WHERE name = 'celebrity_epoch'");
  std::int64_t epoch = q->executeStep() ? q->getColumn(0).getInt64() : 0;
  if (epoch != cache.epoch || threshold != cache.threshold) {
    cache.sorted_ids.clear();
    auto load = db.statement(
        "SELECT id FROM users WHERE followers_count > ? UNION SELECT id FROM users WHERE pulled = 1");
    load->bind(1, threshold);
    while (load->executeStep()) cache.sorted_ids.push_back(load->getColumn(0).getInt64());
    std::sort(cache.sorted_ids.begin(), cache.sorted_ids.end());
    cache.epoch = epoch;
    cache.threshold = threshold;
  }
  return cache.sorted_ids;
}

std::vector<Id> authored(Db& db, Id author, Id lo, Id hi, int n) {
  auto q = db.statement(
      "SELECT id FROM tweets WHERE author = ? AND id < ? AND id > ? AND deleted_at IS NULL "
      "ORDER BY id DESC LIMIT ?");
  q->bind(1, author);
  q->bind(2, hi);
  q->bind(3, lo);
  q->bind(4, n);
  std::vector<Id> ids;
  while (q->executeStep()) ids.push_back(q->getColumn(0).getInt64());
  return ids;
}

std::string json_array(const std::vector<Id>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

std::vector<Id> merge_newest(std::vector<std::vector<Id>> sources, std::size_t limit) {
  std::vector<Id> all;
  for (auto& source : sources) all.insert(all.end(), source.begin(), source.end());
  std::sort(all.begin(), all.end(), std::greater<>());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (all.size() > limit) all.resize(limit);
  return all;
}

}  // namespace detail
}  // namespace chirp
