#pragma once
// Command-line pieces shared by several command groups.

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace chirp::cli {

/// --limit (1..200, default 20) and --max-id; --since-id too when WITH_SINCE.
void add_page_options(CLI::App& command, PageRequest& page, bool with_since = true);

/// A positional tweet id.
CLI::Option* add_tweet_id(CLI::App& command, Id& id, const std::string& description);

/// Positional tweet ids, one or more; "-" reads more of them from stdin, one a line.
/// Anything else than an id or "-" is a usage error.
CLI::Option* add_tweet_ids(CLI::App& command, std::vector<std::string>& ids,
                           const std::string& description);

/// Positional handles (or ids) of existing users, one or more; "-" reads more from
/// stdin, one a line.
CLI::Option* add_handles(CLI::App& command, std::vector<std::string>& handles,
                         const std::string& description);

/// REFS with each "-" replaced by the lines of stdin (blank lines skipped, spaces
/// around each trimmed).
std::vector<std::string> refs_with_stdin(const std::vector<std::string>& refs);

/// The tweet id REF names, or an invalid Error saying it is none.
Result<Id> parse_tweet_id(const std::string& ref);

/// A positional handle of an existing user (completed from the database).
CLI::Option* add_handle(CLI::App& command, std::string& handle, const std::string& description);

/// TEXT itself, or all of stdin when TEXT is "-".
std::string text_or_stdin(const std::string& text);

/// One line of stdin without its line ending (empty at end of input).
std::string read_stdin_line();

}  // namespace chirp::cli
