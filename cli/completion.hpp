#pragma once
// Shell completion scripts generated from the command tree itself, so that they can
// never disagree with it. Options and positionals that take values say how their
// values complete with completes(); choices come from CLI::IsMember validators.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::cli {

/// How a value completes, beyond free text and CLI::IsMember choices.
enum class Completion {
  handle,       ///< an existing user's handle, asked of `chirp _handles PREFIX`
  file,         ///< a file path
  setting_key,  ///< a key of `chirp config`
};

/// A validator that accepts everything and marks an option's values as KIND.
CLI::Validator completes(Completion kind);

/// The shells completion_script() knows: bash, zsh, fish.
const std::vector<std::string>& completion_shells();

/// The completion script for SHELL (one of completion_shells()) of the command tree APP.
std::string completion_script(const CLI::App& app, std::string_view shell);

/// The name of the hidden command that prints handles for completion.
constexpr const char* k_handles_command = "_handles";

}  // namespace chirp::cli
