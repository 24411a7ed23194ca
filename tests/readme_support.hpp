#pragma once
// README.md as a test sees it: its shell code blocks, in order, and a way to run one
// the way a new user would (a shell in the source tree, an empty $HOME of its own).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace chirp::test {

/// A ```sh block of README.md. MARKER is the word of a `<!-- doc-test: WORD ... -->`
/// line right before it ("" when none): "skip" (not run) or "serve" (the test starts
/// a server instead of running the block).
struct ShellBlock {
  int line = 0;  ///< of the opening fence
  std::string marker;
  std::string code;
};

/// Every ```sh block of README.md, in order.
std::vector<ShellBlock> readme_shell_blocks();

struct ScriptResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs CODE with `bash -e -o pipefail` in the source tree, stdin from /dev/null, in an
/// environment of only HOME, PATH (chirp's build folder first) and ENV: no XDG_* or
/// CHIRP_* variable leaks in from the test's own.
ScriptResult run_shell_block(const std::string& code, const std::filesystem::path& home,
                             const std::map<std::string, std::string>& env = {});

/// TEXT in single quotes for a POSIX shell.
std::string shell_quote(const std::string& text);

}  // namespace chirp::test
