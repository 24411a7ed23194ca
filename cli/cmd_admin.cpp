// chirp backup, chirp check [--repair]
#include "app.hpp"
#include "completion.hpp"

#include <fmt/core.h>

#include <array>
#include <iostream>
#include <set>
#include <tuple>

namespace chirp::cli {

namespace {

constexpr std::array<std::string_view, 8> k_problem_columns = {
    "kind", "table", "column", "id", "ref", "expected", "found", "message"};
constexpr std::array<std::string_view, 9> k_repaired_columns = {
    "kind", "table", "column", "id", "ref", "expected", "found", "message", "status"};

std::string absolute_path(const std::filesystem::path& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

std::string size_text(std::int64_t bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{} bytes", bytes);
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

Record problem_record(const Problem& p) {
  return {{"kind", problem_kind_name(p.kind)},
          {"table", p.table},
          {"column", p.column},
          {"id", p.id == 0 ? std::string() : std::to_string(p.id)},
          {"ref", p.ref == 0 ? std::string() : std::to_string(p.ref)},
          {"expected", p.expected},
          {"found", p.found},
          {"message", p.message}};
}

/// What names a problem across two checks (an inbox's newest missing tweet may move).
using ProblemKey = std::tuple<ProblemKind, std::string, std::string, Id, Id>;
ProblemKey key_of(const Problem& p) {
  return {p.kind, p.table, p.column, p.id, p.kind == ProblemKind::inbox_missing ? 0 : p.ref};
}

/// "3 problems (2 counter, 1 inbox_missing)", with a note when not all are listed.
std::string problem_summary(const CheckReport& report) {
  std::string kinds;
  for (std::size_t i = 0; i < k_problem_kinds; ++i) {
    if (report.kind_counts[i] == 0) continue;
    if (!kinds.empty()) kinds += ", ";
    kinds += fmt::format("{} {}", report.kind_counts[i], problem_kind_name(static_cast<ProblemKind>(i)));
  }
  std::string out = fmt::format("{} ({})", plural(report.problem_count, "problem", "problems"), kinds);
  if (report.problems.size() < static_cast<std::size_t>(report.problem_count)) {
    out += fmt::format(", the first {} listed", report.problems.size());
  }
  return out;
}

std::string checked_summary(const CheckReport& report) {
  if (!report.integrity_ok) {
    return "the database file is damaged (integrity_check failed); the other checks were skipped";
  }
  std::string out = fmt::format("checked {}, {}, {}, {}, {}, {}, {}, {}",
                                plural(report.users, "user", "users"),
                                plural(report.tweets, "tweet", "tweets"),
                                plural(report.follows, "follow", "follows"),
                                plural(report.likes, "like", "likes"),
                                plural(report.inbox_rows, "inbox row", "inbox rows"),
                                plural(report.blocks, "block", "blocks"),
                                plural(report.mutes, "mute", "mutes"),
                                plural(report.notifications, "notification", "notifications"));
  if (report.queue.depth > 0) {
    out += fmt::format(" ({} waiting for fan-out)", plural(report.queue.depth, "tweet", "tweets"));
  }
  return out;
}

/// The summary line: with the data in the human format, else a diagnostic on stderr.
void summary(Context& context, const std::string& line) {
  if (context.format() == Format::human) {
    std::cout << line << '\n';
  } else {
    std::cerr << line << '\n';
  }
}

[[noreturn]] void fail_unclean(const CheckReport& report, std::string_view when) {
  if (!report.integrity_ok) {
    throw Failure({Code::conflict,
                   "the database file is damaged: restore a backup (see `chirp backup`)"});
  }
  throw Failure({Code::conflict,
                 fmt::format("{}{}; `chirp check --repair` recounts counters and rebuilds inboxes",
                             plural(report.problem_count, "problem", "problems"), when)});
}

void print_check(Context& context, const CheckReport& report) {
  std::vector<Record> records;
  std::vector<std::string> lines;
  for (const auto& p : report.problems) {
    records.push_back(problem_record(p));
    lines.push_back(p.message);
  }
  context.printer().records(k_problem_columns, records, lines);
  summary(context, report.clean() ? checked_summary(report) + ": no problems"
                                  : checked_summary(report) + ": " + problem_summary(report));
  if (!report.clean()) fail_unclean(report, "");
}

void print_repair(Context& context, const RepairReport& report) {
  std::set<ProblemKey> remaining;
  for (const auto& p : report.after.problems) remaining.insert(key_of(p));
  std::set<ProblemKey> seen;
  std::vector<Record> records;
  std::vector<std::string> lines;
  // Past the listing limit of the check after, an unlisted problem may still remain.
  bool after_listed_all =
      report.after.problems.size() == static_cast<std::size_t>(report.after.problem_count);
  auto add = [&](const Problem& p, const char* status) {
    auto record = problem_record(p);
    record.emplace_back("status", status);
    records.push_back(std::move(record));
    lines.push_back(fmt::format("{}: {}", status, p.message));
  };
  for (const auto& p : report.before.problems) {
    seen.insert(key_of(p));
    add(p, remaining.contains(key_of(p)) ? "remains"
           : after_listed_all            ? "repaired"
                                         : "unknown");
  }
  for (const auto& p : report.after.problems) {
    if (!seen.contains(key_of(p))) add(p, "remains");  // appeared meanwhile
  }
  context.printer().records(k_repaired_columns, records, lines);
  std::string changes = fmt::format(
      "deleted {}, {}, {}; restamped {}; set {} to the recount, deleted {}, rebuilt {}",
      plural(report.dangling_deleted, "dangling like, follow, block or mute",
             "dangling likes, follows, blocks and mutes"),
      plural(report.relations_deleted, "follow across a block or self-relation",
             "follows across blocks and self-relations"),
      plural(report.notifications_deleted, "stale notification", "stale notifications"),
      plural(report.stamps_fixed, "hides_version", "hides_versions"),
      plural(report.counters_fixed, "counter", "counters"),
      plural(report.inbox_rows_deleted, "inbox row", "inbox rows"),
      plural(report.inboxes_rebuilt, "inbox", "inboxes"));
  std::string after = report.after.clean()
                          ? "no problems remain"
                          : problem_summary(report.after) + " remain";
  if (report.before.clean()) {
    summary(context, checked_summary(report.before) + ": no problems, nothing to repair");
  } else {
    summary(context, fmt::format("found {}; {}; {}",
                                 plural(report.before.problem_count, "problem", "problems"),
                                 changes, after));
  }
  if (!report.after.clean()) fail_unclean(report.after, " remain after the repair");
}

}  // namespace

void add_admin_commands(CLI::App& app, Context& context) {
  struct BackupOptions {
    std::string path;
  };
  auto backup_options = std::make_shared<BackupOptions>();
  auto* backup = app.add_subcommand(
      "backup", "Copy the database (safe while the server runs) and its token secret to PATH");
  backup->add_option("path", backup_options->path, "The new backup file (PATH.secret beside it)")
      ->required()
      ->type_name("PATH")
      ->check(completes(Completion::file));
  backup->callback([&context, backup_options] {
    auto report = expect(context.core().maintenance().backup(backup_options->path));
    std::string path = absolute_path(report.path);
    std::string secret = absolute_path(report.secret_path);
    context.printer().record(
        {{"path", path},
         {"secret_path", secret},
         {"bytes", report.bytes},
         {"pages", report.pages},
         {"page_size", report.page_size},
         {"elapsed_ms", report.elapsed_ms},
         {"restarts", report.restarts}},
        fmt::format("backed up {} ({} pages) to {} in {} ms; token secret in {}",
                    size_text(report.bytes), report.pages, path, report.elapsed_ms, secret));
  });

  struct CheckOptions {
    bool repair = false;
  };
  auto check_options = std::make_shared<CheckOptions>();
  auto* check = app.add_subcommand(
      "check", "Check the file, counters, timelines, blocks and notifications against the tables "
               "(exit 1 on problems)");
  check->add_flag("--repair", check_options->repair,
                  "Recount counters, rebuild timelines that lack tweets, drop rows that should "
                  "not be there (follows across blocks, stale notifications); then check again");
  check->callback([&context, check_options] {
    auto& maintenance = context.core().maintenance();
    if (check_options->repair) {
      print_repair(context, expect(maintenance.repair()));
    } else {
      print_check(context, maintenance.check());
    }
  });
}

}  // namespace chirp::cli
