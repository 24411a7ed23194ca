// Users: registration, look-up, listing, passwords.
#include "accounts/password.hpp"
#include "session.hpp"
#include "storage/rows.hpp"
#include "util/paging.hpp"

#include <chirp/snowflake.hpp>
#include <chirp/settings.hpp>
#include <chirp/users.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <charconv>

namespace chirp {

using namespace detail;

Result<User> Users::create(const NewUser& input) {
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
  auto& db = m_session.db;
  return db.write([&]() -> Result<User> {
    if (load_user_row_by_handle(db, *handle)) {
      return fail(Code::conflict, fmt::format("the handle '{}' is taken", *handle));
    }
    std::int64_t now = m_session.now_ms();
    Id id = next_user_id(db, now, static_cast<int>(m_session.setting(setting::node_id)));
    db.statement(
          "INSERT INTO users(id, handle, name, bio, password_hash, created_at, last_seen_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(id, *handle, *name, *bio, hash, now, now)
        .exec();
    return *load_user(db, id);
  });
}

Result<User> Users::find(std::string_view ref) {
  if (auto row = load_user_row_by_handle(m_session.db, handle_part(ref))) return row->user;
  Id id = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  if (!ref.empty() && ec == std::errc() && end == ref.data() + ref.size()) {
    if (auto user = load_user(m_session.db, id)) return *user;
  }
  return fail(Code::not_found, fmt::format("no user '{}'", ref));
}

Result<User> Users::by_id(Id id) { return require_user(m_session.db, id); }

Result<Page<User>> Users::list(const PageRequest& page) {
  if (auto ok = validate_page(page); !ok) return std::unexpected(ok.error());
  static const std::string sql = "SELECT " + user_columns("") +
                                 " FROM users WHERE id < ? AND id > ? ORDER BY id DESC LIMIT ?";
  auto q = m_session.db.statement(sql.c_str());
  q.bind(page.max_id.value_or(INT64_MAX), page.since_id.value_or(0), page.limit + 1);
  std::vector<User> users;
  while (q.step()) users.push_back(read_user_row(*q).user);
  return make_page(std::move(users), page);
}

std::vector<std::string> Users::handles_with_prefix(std::string_view prefix, int limit) {
  // Escape LIKE's wildcards; '_' is legal in handles.
  std::string pattern;
  for (char c : handle_part(prefix)) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  auto q = m_session.db.statement(
      "SELECT handle FROM users WHERE handle LIKE ? ESCAPE '\\' ORDER BY handle LIMIT ?");
  q.bind(pattern, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q->getColumn(0).getString());
  return out;
}

Result<void> Users::set_password(Id user, std::string_view password) {
  if (auto ok = validate_password(password); !ok) return ok;
  std::string hash = hash_password(password);
  auto& db = m_session.db;
  return db.write([&]() -> Result<void> {
    int changed =
        db.statement(
              "UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE id = ?")
            .bind(hash, user)
            .exec();
    if (changed == 0) return fail(Code::not_found, fmt::format("no user with id {}", user));
    return {};
  });
}

}  // namespace chirp
