#include "readme_support.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

namespace fs = std::filesystem;

namespace chirp::test {

std::vector<ShellBlock> readme_shell_blocks() {
  std::ifstream in(fs::path(CHIRP_SOURCE_DIR) / "README.md");
  REQUIRE(in);
  std::vector<ShellBlock> blocks;
  std::string marker;
  std::string line;
  int number = 0;
  const std::string k_marker = "<!-- doc-test: ";
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with(k_marker)) {
      auto word = line.substr(k_marker.size());
      marker = word.substr(0, word.find_first_of(" -"));
      continue;
    }
    if (line == "```sh") {
      ShellBlock block{number, marker, ""};
      while (std::getline(in, line) && line != "```") {
        ++number;
        block.code += line + '\n';
      }
      ++number;
      blocks.push_back(std::move(block));
    }
    marker.clear();  // a marker applies to the block right after it only
  }
  return blocks;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

ScriptResult run_shell_block(const std::string& code, const fs::path& home,
                             const std::map<std::string, std::string>& env) {
  TempDir io;
  {
    std::ofstream script(io / "block.sh");
    script << "cd " << shell_quote(CHIRP_SOURCE_DIR) << "\n" << code;
  }
  std::string path = fs::path(CHIRP_BINARY).parent_path().string() + ":" +
                     (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  std::string command = "env -i HOME=" + shell_quote(home.string()) + " PATH=" +
                        shell_quote(path) + " LANG=C.UTF-8";
  for (const auto& [name, value] : env) command += " " + name + "=" + shell_quote(value);
  command += " bash -e -o pipefail " + shell_quote((io / "block.sh").string()) + " </dev/null >" +
             shell_quote((io / "out").string()) + " 2>" + shell_quote((io / "err").string());
  int status = std::system(command.c_str());
  ScriptResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = file_bytes(io / "out");
  result.err = file_bytes(io / "err");
  return result;
}

}  // namespace chirp::test
