#pragma once
// Running the built chirp binary at a terminal: a pseudo-terminal (openpty) on its
// stdin, stdout and stderr, with a scripted person typing at it.

#include "support.hpp"

#include <map>
#include <string>
#include <vector>

namespace chirp::test {

/// When the terminal has shown WAIT_FOR (since the previous step's), type TYPED.
struct TerminalStep {
  std::string wait_for;
  std::string typed;
};

/// Runs chirp with ARGS and ENV (as run_chirp) on a new pseudo-terminal, following
/// STEPS, and returns its exit code and everything the terminal showed (in out; stdout
/// and stderr share the terminal). Gives up (the test fails) after 10 s.
ProcessResult run_chirp_on_terminal(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env,
                                    const std::vector<TerminalStep>& steps = {});

}  // namespace chirp::test
