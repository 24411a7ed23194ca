// chirp export [FILE|-], chirp import [--edges] FILE|-
#include "app.hpp"
#include "completion.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

namespace chirp::cli {

namespace {

std::string count_of(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string counts_text(const ArchiveCounts& c) {
  std::string text = fmt::format("{}, {}, {}, {}", count_of(c.users, "user", "users"),
                                 count_of(c.follows, "follow", "follows"),
                                 count_of(c.tweets, "tweet", "tweets"), count_of(c.likes, "like", "likes"));
  // Most databases have none: named only when there are some.
  if (c.blocks > 0) text += ", " + count_of(c.blocks, "block", "blocks");
  if (c.mutes > 0) text += ", " + count_of(c.mutes, "mute", "mutes");
  return text;
}

/// Writes the export to PATH beside it first (mode 0600: it may hold password hashes),
/// renamed into place when complete, so a file at PATH is a whole export.
ArchiveCounts export_to_file(Core& core, const std::string& path, const ExportOptions& options) {
  std::string partial = path + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Failure({Code::invalid, fmt::format("cannot write {}: {}", partial, std::strerror(errno))});
  ::close(fd);
  ArchiveCounts counts;
  try {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", partial));
    counts = core.archive().export_jsonl(out, options);
    out.close();
    if (!out) throw std::runtime_error(fmt::format("writing {} failed", partial));
    std::filesystem::rename(partial, path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw;
  }
  return counts;
}

/// A progress line on stderr, redrawn at most 10 times a second.
class ProgressBar {
public:
  explicit ProgressBar(std::int64_t total_bytes) : m_total(total_bytes) {}
  ~ProgressBar() {
    if (!m_drawn) return;
    draw();  // the last figures, which the rate limit may have held back
    std::fputs("\n", stderr);
  }

  void update(std::int64_t bytes, std::int64_t lines) {
    m_bytes = bytes;
    m_lines = lines;
    auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(100)) return;
    m_last = now;
    draw();
  }

private:
  void draw() {
    std::int64_t bytes = m_bytes;
    std::int64_t lines = m_lines;
    m_drawn = true;
    double mib = static_cast<double>(bytes) / (1024 * 1024);
    if (m_total > 0) {
      double done = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(m_total));
      int width = 30;
      int filled = static_cast<int>(done * width);
      fmt::print(stderr, "\rimporting [{}{}] {:3.0f}% {} lines, {:.1f} MiB", std::string(filled, '#'),
                 std::string(width - filled, '.'), done * 100, lines, mib);
    } else {
      fmt::print(stderr, "\rimporting {} lines, {:.1f} MiB", lines, mib);
    }
    std::fflush(stderr);
  }

  std::int64_t m_total;
  std::int64_t m_bytes = 0;
  std::int64_t m_lines = 0;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last;
};

}  // namespace

void add_archive_commands(CLI::App& app, Context& context) {
  struct ExportCommand {
    std::string path = "-";
    bool without_passwords = false;
  };
  auto export_options = std::make_shared<ExportCommand>();
  auto* exp = app.add_subcommand(
      "export", "Write the whole database as JSON Lines (users, blocks, mutes, follows, tweets, likes)");
  exp->add_option("file", export_options->path, "The file to write, or - for stdout (the default)")
      ->type_name("FILE|-")
      ->check(completes(Completion::file));
  exp->add_flag("--without-passwords", export_options->without_passwords,
                "Leave out password hashes (imported users then cannot log in)");
  exp->callback([&context, export_options] {
    ExportOptions options{.password_hashes = !export_options->without_passwords};
    auto& core = context.core();
    ArchiveCounts counts;
    if (export_options->path == "-") {
      counts = core.archive().export_jsonl(std::cout, options);
    } else {
      counts = export_to_file(core, export_options->path, options);
    }
    std::string where = export_options->path == "-" ? "stdout" : export_options->path;
    // The data may be on stdout: the summary always goes to stderr.
    if (context.format() == Format::human) {
      std::cerr << fmt::format("exported {} to {}", counts_text(counts), where) << '\n';
    }
  });

  struct ImportCommand {
    std::string path;
    bool edges = false;
    std::size_t batch_lines = ImportOptions{}.batch_lines;
  };
  auto import_options = std::make_shared<ImportCommand>();
  auto* imp = app.add_subcommand(
      "import", "Load a `chirp export` file (or, with --edges, a follower edge list)");
  imp->add_option("file", import_options->path, "The file to read, or - for stdin")
      ->required()
      ->type_name("FILE|-")
      ->check(completes(Completion::file));
  imp->add_flag("--edges", import_options->edges,
                "Read FOLLOWER FOLLOWEE number pairs, one a line ('#' comments); number N is "
                "the user @uN, created when missing");
  imp->add_option("--batch-lines", import_options->batch_lines,
                  "Lines per transaction: a bad line leaves out its whole batch")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  imp->callback([&context, import_options] {
    const std::string& path = import_options->path;
    std::ifstream file;
    std::istream* in = &std::cin;
    std::int64_t total_bytes = 0;
    if (path != "-") {
      file.open(path, std::ios::binary);
      if (!file) throw Failure({Code::not_found, fmt::format("cannot read {}", path)});
      std::error_code ec;
      auto size = std::filesystem::file_size(path, ec);
      if (!ec) total_bytes = static_cast<std::int64_t>(size);
      in = &file;
    }
    std::optional<ProgressBar> bar;
    ImportOptions options{.batch_lines = import_options->batch_lines};
    if (::isatty(STDERR_FILENO) != 0) {
      bar.emplace(total_bytes);
      options.progress = [&bar](std::int64_t bytes, std::int64_t lines) { bar->update(bytes, lines); };
    }
    auto& archive = context.core().archive();
    auto started = std::chrono::steady_clock::now();
    auto result = import_options->edges ? archive.import_edges(*in, options)
                                        : archive.import_jsonl(*in, options);
    bar.reset();
    auto report = expect(std::move(result));
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string human = fmt::format("imported {} from {} in {} ({:.1f} s)",
                                    counts_text(report.added), count_of(report.lines, "line", "lines"),
                                    count_of(report.batches, "batch", "batches"), seconds);
    if (report.present.total() > 0) {
      human += fmt::format("; already there: {}", counts_text(report.present));
    }
    if (report.self_follows > 0) {
      human += fmt::format("; skipped {}", count_of(report.self_follows, "self-follow", "self-follows"));
    }
    context.printer().record({{"lines", report.lines},
                              {"batches", report.batches},
                              {"users_added", report.added.users},
                              {"follows_added", report.added.follows},
                              {"tweets_added", report.added.tweets},
                              {"likes_added", report.added.likes},
                              {"blocks_added", report.added.blocks},
                              {"mutes_added", report.added.mutes},
                              {"users_present", report.present.users},
                              {"follows_present", report.present.follows},
                              {"tweets_present", report.present.tweets},
                              {"likes_present", report.present.likes},
                              {"blocks_present", report.present.blocks},
                              {"mutes_present", report.present.mutes},
                              {"self_follows", report.self_follows},
                              {"seconds", seconds}},
                             human);
  });
}

}  // namespace chirp::cli
