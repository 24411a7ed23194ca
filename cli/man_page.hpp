#pragma once
// The manual page chirp(1), written from the command tree like the completion scripts,
// so that it can never disagree with the program.

#include <CLI/CLI.hpp>

#include <string>

namespace chirp::cli {

/// chirp(1) in man(7) markup, for the command tree APP of chirp VERSION.
std::string man_page(const CLI::App& app, const std::string& version);

/// The name of the hidden command that prints it.
constexpr const char* k_man_page_command = "_man";

}  // namespace chirp::cli
