#pragma once
// Command-line pieces shared by several command groups.

#include <chirp/types.hpp>

#include <CLI/CLI.hpp>

#include <string>

namespace chirp::cli {

/// --limit (1..200, default 20) and --max-id; --since-id too when WITH_SINCE.
void add_page_options(CLI::App& command, PageRequest& page, bool with_since = true);

/// A positional tweet id.
CLI::Option* add_tweet_id(CLI::App& command, Id& id, const std::string& description);

/// A positional handle of an existing user (completed from the database).
CLI::Option* add_handle(CLI::App& command, std::string& handle, const std::string& description);

/// TEXT itself, or all of stdin when TEXT is "-".
std::string text_or_stdin(const std::string& text);

/// One line of stdin without its line ending (empty at end of input).
std::string read_stdin_line();

}  // namespace chirp::cli
