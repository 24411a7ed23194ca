#include "options.hpp"

#include "completion.hpp"

#include <iostream>
#include <iterator>

namespace chirp::cli {

void add_page_options(CLI::App& command, PageRequest& page, bool with_since) {
  page.limit = k_default_page_limit;
  command.add_option("--limit", page.limit, "How many items to show")
      ->check(CLI::Range(1, k_max_page_limit))
      ->capture_default_str();
  command.add_option("--max-id", page.max_id, "Only items older than this id")
      ->type_name("ID");
  if (with_since) {
    command.add_option("--since-id", page.since_id, "Only items newer than this id")
        ->type_name("ID");
  }
}

CLI::Option* add_tweet_id(CLI::App& command, Id& id, const std::string& description) {
  return command.add_option("id", id, description)
      ->required()
      ->type_name("ID");
}

CLI::Option* add_handle(CLI::App& command, std::string& handle, const std::string& description) {
  return command.add_option("handle", handle, description)
      ->required()
      ->type_name("HANDLE")
      ->check(completes(Completion::handle));
}

std::string text_or_stdin(const std::string& text) {
  if (text != "-") return text;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

std::string read_stdin_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace chirp::cli
