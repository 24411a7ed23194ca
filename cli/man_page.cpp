#include "man_page.hpp"

#include "completion_model.hpp"

#include <algorithm>
#include <cctype>

namespace chirp::cli {

namespace {

using completion::CommandModel;
using completion::OptionModel;

/// TEXT as roff text: backslashes escaped, and a line never starting a request.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

/// An option or command name, with its dashes as minus signs (so it can be copied).
std::string literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '-') {
      out += "\\-";
    } else if (c == '\\') {
      out += "\\e";
    } else {
      out += c;
    }
  }
  return out;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string option_term(const OptionModel& option) {
  std::string term;
  for (const auto& name : option.names) {
    if (!term.empty()) term += ", ";
    term += "\\fB" + literal(name) + "\\fR";
  }
  if (option.takes_value) term += " \\fI" + literal(option.value_name) + "\\fR";
  if (option.repeatable) term += " ...";
  return term;
}

/// DESCRIPTION, and the choices of the option's value when there are a few.
std::string option_text(const OptionModel& option) {
  std::string text = roff(option.description);
  const auto& words = option.value.words;
  if (option.value.kind == completion::ValueSpec::Kind::words && words.size() <= 8) {
    std::string choices;
    for (const auto& word : words) choices += (choices.empty() ? "" : ", ") + literal(word);
    text += " (" + choices + ")";
  }
  return text;
}

bool is_root_option(const CommandModel& root, const OptionModel& option) {
  return std::any_of(option.names.begin(), option.names.end(),
                     [&](const std::string& name) { return root.option(name) != nullptr; });
}

void write_command(std::string& out, const CommandModel& root, const CommandModel& command) {
  std::string synopsis = "chirp " + command.joined_path();
  bool own_options = std::any_of(command.options.begin(), command.options.end(),
                                 [&](const OptionModel& o) { return !is_root_option(root, o); });
  if (!command.subcommands.empty()) synopsis += " COMMAND";
  if (own_options) synopsis += " [OPTIONS]";
  for (const auto& positional : command.positionals) {
    std::string word = upper(positional.name) + (positional.variadic ? "..." : "");
    synopsis += " " + (positional.required ? word : "[" + word + "]");
  }
  out += ".SS \"" + literal(synopsis) + "\"\n";
  out += roff(command.description) + "\n";
  for (const auto& positional : command.positionals) {
    out += ".TP\n\\fI" + literal(upper(positional.name)) + "\\fR\n" +
           roff(positional.description) + "\n";
  }
  for (const auto& option : command.options) {
    if (is_root_option(root, option)) continue;
    out += ".TP\n" + option_term(option) + "\n" + option_text(option) + "\n";
  }
}

}  // namespace

std::string man_page(const CLI::App& app, const std::string& version) {
  auto tree = completion::command_tree(app);
  const CommandModel& root = tree.front();
  std::string out;
  out += ".\\\" Generated from the command tree by `chirp _man`; do not edit.\n";
  out += ".TH CHIRP 1 \"\" \"chirp " + version + "\" \"User Commands\"\n";
  out += ".SH NAME\nchirp \\- " + roff(root.description.substr(root.description.find(": ") + 2)) +
         "\n";
  out += ".SH SYNOPSIS\n.B chirp\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n";
  out += ".SH DESCRIPTION\n" + roff("chirp is " + root.description.substr(root.description.find(": ") + 2)) +
         ", driven from the command line; \\fBchirp serve\\fR is its HTTP/JSON server.\n";
  out += "Data goes to stdout, diagnostics to stderr. Commands that take ids or handles\n"
         "take many, and \\fB\\-\\fR reads more from stdin, one a line.\n";
  out += "Text that starts with a dash goes after \\fB\\-\\-\\fR: \\fBchirp post \\-\\- \\-x\\fR.\n";
  out += ".SH GLOBAL OPTIONS\nAccepted before or after the command.\n";
  for (const auto& option : root.options) {
    out += ".TP\n" + option_term(option) + "\n" + option_text(option) + "\n";
  }
  out += ".SH COMMANDS\n";
  for (std::size_t i = 1; i < tree.size(); ++i) write_command(out, root, tree[i]);
  out += R"(.SH ENVIRONMENT
.TP
.B CHIRP_DB
The database file when \fB\-\-db\fR is not given.
.TP
.B CHIRP_USER
The acting user when \fB\-\-as\fR is not given.
.TP
.B XDG_DATA_HOME
The default database is \fI$XDG_DATA_HOME/chirp/chirp.db\fR (\fI~/.local/share/chirp/chirp.db\fR).
.TP
.B XDG_CONFIG_HOME
The user saved by \fBchirp use\fR is in \fI$XDG_CONFIG_HOME/chirp/config\fR.
.TP
.B NO_COLOR
No styling in the human format, even on a terminal.
.SH EXIT STATUS
0 success; 1 the action failed (not found, not allowed, invalid text), or some of many
ids or handles did; 2 a usage error.
.SH SEE ALSO
The README of chirp, which also describes the HTTP API of \fBchirp serve\fR.
)";
  return out;
}

}  // namespace chirp::cli
