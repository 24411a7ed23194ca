#include "options.hpp"

#include "completion.hpp"

#include <fmt/core.h>

#include <charconv>
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

Result<Id> parse_tweet_id(const std::string& ref) {
  Id id = 0;
  const char* end = ref.data() + ref.size();
  auto [at, error] = std::from_chars(ref.data(), end, id);
  if (ref.empty() || error != std::errc() || at != end || id <= 0) {
    return std::unexpected(Error{Code::invalid, fmt::format("not a tweet id: '{}'", ref)});
  }
  return id;
}

CLI::Option* add_tweet_ids(CLI::App& command, std::vector<std::string>& ids,
                           const std::string& description) {
  return command.add_option("ids", ids, description + " (- reads ids from stdin, one a line)")
      ->required()
      ->type_name("ID")
      ->check(CLI::Validator(
          [](std::string& value) {
            if (value == "-") return std::string();
            auto id = parse_tweet_id(value);
            return id ? std::string() : id.error().message;
          },
          ""));
}

CLI::Option* add_handles(CLI::App& command, std::vector<std::string>& handles,
                         const std::string& description) {
  return command.add_option("handles", handles, description + " (- reads them from stdin, one a line)")
      ->required()
      ->type_name("HANDLE")
      ->check(completes(Completion::handle));
}

std::vector<std::string> refs_with_stdin(const std::vector<std::string>& refs) {
  std::vector<std::string> out;
  bool read_stdin = false;
  for (const auto& ref : refs) {
    if (ref != "-") {
      out.push_back(ref);
      continue;
    }
    if (read_stdin) continue;  // stdin is read once
    read_stdin = true;
    for (std::string line; std::getline(std::cin, line);) {
      auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos) continue;
      auto last = line.find_last_not_of(" \t\r");
      out.push_back(line.substr(first, last - first + 1));
    }
  }
  return out;
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
