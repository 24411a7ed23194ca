#pragma once
// The entry point of the `chirp` executable, kept apart from the command tree (app.hpp)
// so that main.cpp compiles without CLI11.

namespace chirp::cli {

/// Parses ARGV, runs the command, and returns the exit code.
int run(int argc, char** argv);

}  // namespace chirp::cli
