// The Maintenance service's backup: SQLite's online backup of the database, and the
// token secret beside it, each complete before it takes its name.
#include "accounts/secret.hpp"
#include "session.hpp"

#include <chirp/maintenance.hpp>

#include <fmt/core.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace chirp {

using namespace detail;
namespace fs = std::filesystem;

namespace {

/// Pages copied per step of the online backup (4 MiB at the default page size).
constexpr int k_pages_per_step = 1024;

/// A name beside TO for the backup while it is written, unique to this call.
fs::path partial_name(const fs::path& to) {
  static std::atomic<int> serial{0};
  fs::path partial = to;
  partial += fmt::format(".partial.{}.{}", ::getpid(), serial++);
  return partial;
}

void remove_quietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

/// Makes the names linked into FOLDER survive a crash of the machine.
void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the files themselves are synced; the names are best effort
  ::fsync(fd);
  ::close(fd);
}

bool exists_at_all(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found;
}

}  // namespace

Result<BackupReport> Maintenance::backup(const fs::path& to) {
  if (to.empty()) return fail(Code::invalid, "the backup needs a file name");
  std::string db_path = m_session.db.path();
  std::error_code ec;
  if (!db_path.empty() && fs::equivalent(to, db_path, ec)) {
    return fail(Code::invalid, fmt::format("{} is the database itself", to.string()));
  }
  fs::path secret_to = to;
  secret_to += ".secret";
  for (const auto& path : {to, secret_to}) {
    if (exists_at_all(path)) {
      return fail(Code::conflict,
                  fmt::format("{} already exists: a backup never overwrites a file", path.string()));
    }
  }
  fs::path folder = to.parent_path().empty() ? fs::path(".") : to.parent_path();
  if (!fs::is_directory(folder, ec)) {
    return fail(Code::invalid, fmt::format("there is no folder {} for the backup", folder.string()));
  }

  auto started = std::chrono::steady_clock::now();
  fs::path partial = partial_name(to);
  Db::BackupStats stats;
  try {
    stats = m_session.db.backup_to(partial.string(), k_pages_per_step);
  } catch (...) {
    remove_quietly(partial);
    remove_quietly(fs::path(partial.string() + "-journal"));
    throw;
  }
  // The secret first: a backup database that exists always has its secret beside it.
  if (!create_secret_file(secret_to, m_secret)) {
    remove_quietly(partial);
    return fail(Code::conflict, fmt::format("{} appeared during the backup", secret_to.string()));
  }
  // link, unlike rename, never replaces a file that appeared meanwhile.
  int linked = ::link(partial.c_str(), to.c_str());
  int link_errno = errno;
  remove_quietly(partial);
  if (linked != 0) {
    remove_quietly(secret_to);
    if (link_errno == EEXIST) {
      return fail(Code::conflict, fmt::format("{} appeared during the backup", to.string()));
    }
    throw std::runtime_error(
        fmt::format("cannot create {}: {}", to.string(), std::strerror(link_errno)));
  }
  sync_folder(folder);

  BackupReport report;
  report.path = to;
  report.secret_path = secret_to;
  report.pages = stats.pages;
  report.page_size = stats.page_size;
  report.bytes = static_cast<std::int64_t>(fs::file_size(to));
  report.restarts = stats.restarts;
  report.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  return report;
}

}  // namespace chirp
