// Users: registration, look-up, listing, passwords.
#include "internal.hpp"
#include "password.hpp"

#include <chirp/core.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

namespace chirp {

using namespace detail;

Result<User> Core::create_user(const NewUser& input) {
  auto handle = validate_handle(input.handle);
  if (!handle) return std::unexpected(handle.error());
  auto name = validate_name(input.name);
  if (!name) return std::unexpected(name.error());
  auto bio = validate_bio(input.bio);
  if (!bio) return std::unexpected(bio.error());
  std::optional<std::string> hash;
  if (input.password) {
    if (auto ok = validate_password(*input.password); !ok) return std::unexpected(ok.error());
    hash = hash_password(*input.password);  // slow: outside the write transaction
  }
  return m_db->write([&]() -> Result<User> {
    auto taken = m_db->statement("SELECT 1 FROM users WHERE handle = ?");
    taken->bind(1, *handle);
    if (taken->executeStep()) {
      return fail(Code::conflict, fmt::format("the handle '{}' is taken", *handle));
    }
    std::int64_t now = m_clock->now_ms();
    Id id = new_user_id(*m_db, now, static_cast<int>(detail::read_setting(*m_db, setting::node_id)));
    auto q = m_db->statement(
        "INSERT INTO users(id, handle, name, bio, password_hash, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(1, id);
    q->bind(2, *handle);
    q->bind(3, *name);
    q->bind(4, *bio);
    if (hash) {
      q->bind(5, *hash);
    } else {
      q->bind(5);
    }
    q->bind(6, now);
    q->bind(7, now);
    q->exec();
    return *load_user(*m_db, id);
  });
}

Result<User> Core::find_user(std::string_view ref) {
  std::string_view handle = ref.starts_with('@') ? ref.substr(1) : ref;
  auto q = m_db->statement("SELECT " CHIRP_USER_COLUMNS " FROM users u WHERE u.handle = ?");
  q->bind(1, std::string(handle));
  if (q->executeStep()) return read_user(*q);
  Id id = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  if (!ref.empty() && ec == std::errc() && end == ref.data() + ref.size()) {
    if (auto user = load_user(*m_db, id)) return *user;
  }
  return fail(Code::not_found, fmt::format("no user '{}'", ref));
}

bool refers_to(std::string_view ref, const User& user) {
  std::string_view handle = ref.starts_with('@') ? ref.substr(1) : ref;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (handle.size() == user.handle.size() &&
      std::equal(handle.begin(), handle.end(), user.handle.begin(),
                 [&](char a, char b) { return lower(a) == lower(b); })) {
    return true;
  }
  if (ref.size() <= static_cast<std::size_t>(k_max_handle_chars) ||
      !std::all_of(ref.begin(), ref.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  Id id = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  return ec == std::errc() && end == ref.data() + ref.size() && id == user.id;
}

Result<User> Core::user_by_id(Id id) { return require_user(*m_db, id); }

Result<Page<User>> Core::list_users(const PageRequest& page) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  auto q = m_db->statement("SELECT " CHIRP_USER_COLUMNS
                           " FROM users u WHERE u.id < ? AND u.id > ? "
                           "ORDER BY u.id DESC LIMIT ?");
  q->bind(1, page.max_id.value_or(INT64_MAX));
  q->bind(2, page.since_id.value_or(0));
  q->bind(3, page.limit + 1);
  Page<User> out;
  while (q->executeStep()) out.items.push_back(read_user(*q));
  if (out.items.size() > static_cast<std::size_t>(page.limit)) {
    out.items.pop_back();
    out.next_max_id = out.items.back().id;
  }
  return out;
}

std::vector<std::string> Core::handles_with_prefix(std::string_view prefix, int limit) {
  if (prefix.starts_with('@')) prefix.remove_prefix(1);  // as find_user reads "@handle"
  // Escape LIKE's wildcards; '_' is legal in handles.
  std::string pattern;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  auto q = m_db->statement(
      "SELECT handle FROM users WHERE handle LIKE ? ESCAPE '\\' ORDER BY handle LIMIT ?");
  q->bind(1, pattern);
  q->bind(2, limit);
  std::vector<std::string> out;
  while (q->executeStep()) out.push_back(q->getColumn(0).getString());
  return out;
}

Result<void> Core::set_password(Id user, std::string_view password) {
  if (auto ok = validate_password(password); !ok) return ok;
  std::string hash = hash_password(password);
  return m_db->write([&]() -> Result<void> {
    auto q = m_db->statement(
        "UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE id = ?");
    q->bind(1, hash);
    q->bind(2, user);
    if (q->exec() == 0) return fail(Code::not_found, fmt::format("no user with id {}", user));
    return {};
  });
}

Result<User> Core::check_password(std::string_view handle, std::string_view password) {
  auto denied = [] { return fail(Code::unauthenticated, "wrong handle or password"); };
  if (password.size() > static_cast<std::size_t>(k_max_password_bytes)) return denied();
  std::optional<Id> id;
  std::string hash;
  {
    auto q = m_db->statement("SELECT id, password_hash FROM users WHERE handle = ?");
    q->bind(1, std::string(handle));
    if (q->executeStep() && !q->getColumn(1).isNull()) {
      id = q->getColumn(0).getInt64();
      hash = q->getColumn(1).getString();
    }
  }
  if (!id) {
    verify_dummy_password(password);
    return denied();
  }
  if (!verify_password(hash, password)) return denied();
  if (password_needs_rehash(hash)) {
    std::string upgraded = hash_password(password);
    m_db->write([&] {
      auto q = m_db->statement("UPDATE users SET password_hash = ? WHERE id = ?");
      q->bind(1, upgraded);
      q->bind(2, *id);
      return q->exec();
    });
  }
  return require_user(*m_db, *id);
}

}  // namespace chirp
