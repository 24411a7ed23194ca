#pragma once
// The command tree as the completion script generators see it: plain data read once
// from the CLI11 definition (completion.cpp), then written out per shell.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::cli::completion {

/// How the values of an option or positional complete.
struct ValueSpec {
  enum class Kind { text, file, handle, words };
  Kind kind = Kind::text;
  std::vector<std::string> words;  ///< for Kind::words
  bool operator==(const ValueSpec&) const = default;
};

struct OptionModel {
  std::vector<std::string> names;  ///< with dashes: "-h", "--help"
  std::string description;
  bool takes_value = false;
  bool repeatable = false;
  std::string value_name;  ///< "PATH", "N"...
  ValueSpec value;
};

struct PositionalModel {
  std::string name;
  std::string description;
  bool required = false;
  bool variadic = false;
  ValueSpec value;
};

struct SubcommandModel {
  std::string name;
  std::string description;
};

struct CommandModel {
  std::string program;             ///< "chirp"
  std::vector<std::string> path;   ///< {} for the program itself, {"user", "add"}
  std::string description;
  std::vector<SubcommandModel> subcommands;  ///< visible ones
  std::vector<OptionModel> options;          ///< its own, then those reached by fallthrough
  std::vector<PositionalModel> positionals;

  /// "user add" ("" for the program itself).
  std::string joined_path() const;
  /// "chirp_user_add": a shell identifier.
  std::string identifier() const;
  const OptionModel* option(const std::string& name) const;
};

/// Every visible command, the program first, parents before children.
using CommandTree = std::vector<CommandModel>;

/// The visible command tree of APP (the program's root command).
CommandTree command_tree(const CLI::App& app);

/// True when every command of TREE has option NAME with the same value spec: the shell
/// scripts can then match it for any command at once.
bool is_global_option(const CommandTree& tree, const std::string& name);

/// The option's long name if it has one, else its first name.
const std::string& primary_name(const OptionModel& option);

/// TEMPLATE with @FN@ (the script's function prefix FN), @PROGRAM@, @DB@ (the database
/// option) and @HANDLES@ (the hidden handles command) filled in.
std::string fill(std::string_view template_text, const CommandModel& root, const std::string& fn);

/// TEXT in single quotes for POSIX shells (bash, zsh).
std::string sh_quote(const std::string& text);

std::string bash_script(const CommandTree& tree);
std::string zsh_script(const CommandTree& tree);
std::string fish_script(const CommandTree& tree);

/// The option of the program that selects the database, passed on to `_handles`.
constexpr const char* k_db_option = "--db";

}  // namespace chirp::cli::completion
