#include "password_prompt.hpp"

#include <csignal>
#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace chirp::cli {

namespace {

// The terminal settings to restore when a signal interrupts the prompt.
termios g_saved_terminal{};

extern "C" void restore_terminal_and_reraise(int signal) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) != 0; }

std::optional<std::string> read_password(std::string_view prompt) {
  // Echo goes off before the prompt shows, and nothing typed ahead is discarded
  // (TCSANOW, not TCSAFLUSH): whatever is typed once the prompt is there stays hidden.
  termios quiet{};
  bool echo_off = ::tcgetattr(STDIN_FILENO, &g_saved_terminal) == 0;
  using Handler = void (*)(int);
  Handler old_int = SIG_DFL;
  Handler old_term = SIG_DFL;
  if (echo_off) {
    old_int = std::signal(SIGINT, restore_terminal_and_reraise);
    old_term = std::signal(SIGTERM, restore_terminal_and_reraise);
    quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the Enter key still moves to the next line
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::cerr << prompt << std::flush;
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (echo_off) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
  }
  if (!got) {
    std::cerr << '\n';
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> ask_new_password(std::string_view prompt) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto first = read_password(prompt);
    if (!first) return std::nullopt;
    auto again = read_password("Again, to confirm: ");
    if (!again) return std::nullopt;
    if (*first == *again) return first;
    std::cerr << "The two passwords differ; try again.\n";
  }
  return std::nullopt;
}

}  // namespace chirp::cli
