// Archive::import_jsonl and import_edges: lines read into batches, each loaded in one
// write transaction (archive/loader.hpp).
#include "archive/loader.hpp"
#include "archive/records.hpp"
#include "session.hpp"

#include <chirp/archive.hpp>

#include <fmt/core.h>

#include <istream>
#include <string>
#include <utility>
#include <vector>

namespace chirp {

using namespace detail;

namespace {

using LineParser = Result<std::optional<Record>> (*)(std::string_view line, std::int64_t now_ms);

Result<std::optional<Record>> edge_line(std::string_view line, std::int64_t) {
  return parse_edge_line(line);
}

/// "line N: REASON", and what earlier batches already wrote.
Error at_line(std::int64_t line, const Error& error, const ImportReport& report,
              std::int64_t batch_first_line) {
  std::string message = fmt::format("line {}: {}", line, error.message);
  if (report.batches > 0) {
    message += fmt::format(" (nothing from line {} on was imported; lines 1-{} were, in {} "
                           "batch{}: importing again skips them)",
                           batch_first_line, batch_first_line - 1, report.batches,
                           report.batches == 1 ? "" : "es");
  } else {
    message += " (nothing was imported)";
  }
  return {error.code, std::move(message)};
}

Result<ImportReport> run_import(Session& session, std::istream& in, const ImportOptions& options,
                                LineParser parse) {
  Loader loader(session);
  ImportReport report;
  std::int64_t now = session.now_ms();
  std::int64_t bytes = 0;
  std::size_t batch_lines = std::max<std::size_t>(1, options.batch_lines);
  std::vector<std::pair<std::int64_t, Record>> batch;
  std::string line;
  bool more = true;
  while (more) {
    batch.clear();
    std::int64_t batch_first_line = report.lines + 1;
    std::size_t lines_in_batch = 0;
    while (lines_in_batch < batch_lines && (more = static_cast<bool>(std::getline(in, line)))) {
      ++report.lines;
      ++lines_in_batch;
      bytes += static_cast<std::int64_t>(line.size()) + 1;
      auto record = parse(line, now);
      if (!record) return std::unexpected(at_line(report.lines, record.error(), report, batch_first_line));
      if (*record) batch.emplace_back(report.lines, std::move(**record));
      if (options.progress && report.lines % 4096 == 0) options.progress(bytes, report.lines);
    }
    if (in.bad()) throw std::runtime_error("reading the import failed");
    if (lines_in_batch == 0) break;
    auto loaded = session.db.write([&]() -> Result<void> {
      loader.begin_batch();
      for (auto& [number, record] : batch) {
        if (auto ok = loader.load(record); !ok) {
          return std::unexpected(at_line(number, ok.error(), report, batch_first_line));
        }
      }
      loader.finish_batch();
      return {};
    });
    if (!loaded) return std::unexpected(loaded.error());
    if (loader.committed(report)) session.work_was_queued();
  }
  if (options.progress) options.progress(bytes, report.lines);
  return report;
}

}  // namespace

Result<ImportReport> Archive::import_jsonl(std::istream& in, const ImportOptions& options) {
  return run_import(m_session, in, options, &parse_jsonl_line);
}

Result<ImportReport> Archive::import_edges(std::istream& in, const ImportOptions& options) {
  return run_import(m_session, in, options, &edge_line);
}

}  // namespace chirp
