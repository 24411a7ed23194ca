#pragma once
// Asking a person at a terminal for a password: the typed characters are not echoed.

#include <optional>
#include <string>
#include <string_view>

namespace chirp::cli {

/// Whether stdin is a terminal (someone can be asked).
bool stdin_is_terminal();

/// Shows PROMPT on stderr and reads one line from the terminal on stdin with echo off
/// (restored afterwards, also when interrupted). Nullopt at end of input.
std::optional<std::string> read_password(std::string_view prompt);

/// Asks for a new password twice until both agree (at most three times); nullopt when
/// they never agreed or the input ended. The refusal reasons go to stderr.
std::optional<std::string> ask_new_password(std::string_view prompt);

}  // namespace chirp::cli
