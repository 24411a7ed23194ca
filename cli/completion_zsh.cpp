// The zsh completion script, generated from the command tree.
#include "completion.hpp"
#include "completion_model.hpp"

namespace chirp::cli::completion {

namespace {

/// TEXT with the characters _arguments and _describe treat specially escaped.
std::string zsh_escape(const std::string& text, const std::string& special) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || special.find(c) != std::string::npos) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string value_action(const ValueSpec& spec, const std::string& fn) {
  switch (spec.kind) {
    case ValueSpec::Kind::file: return "_files";
    case ValueSpec::Kind::handle: return fn + "_handles";
    case ValueSpec::Kind::words: {
      std::string words = "(";
      for (std::size_t i = 0; i < spec.words.size(); ++i) {
        if (i > 0) words += ' ';
        words += zsh_escape(spec.words[i], " ():");
      }
      return words + ")";
    }
    case ValueSpec::Kind::text: return " ";
  }
  return " ";
}

/// The _arguments specs of one option (one per name).
std::vector<std::string> option_specs(const OptionModel& option, const std::string& fn) {
  std::string exclusion;
  if (option.names.size() > 1) {
    exclusion = "(";
    for (std::size_t i = 0; i < option.names.size(); ++i) {
      if (i > 0) exclusion += ' ';
      exclusion += option.names[i];
    }
    exclusion += ")";
  }
  std::vector<std::string> specs;
  for (const auto& name : option.names) {
    std::string spec = option.repeatable ? "*" : exclusion;
    spec += name;
    if (option.takes_value) spec += name.starts_with("--") ? "=" : "+";
    spec += "[" + zsh_escape(option.description, "[]") + "]";
    if (option.takes_value) {
      spec += ":" + zsh_escape(option.value_name, ":") + ":" + value_action(option.value, fn);
    }
    specs.push_back(sh_quote(spec));
  }
  return specs;
}

std::string positional_spec(const PositionalModel& positional, const std::string& fn) {
  std::string spec = positional.variadic ? "*:" : positional.required ? ":" : "::";
  spec += zsh_escape(positional.description, ":") + ":" + value_action(positional.value, fn);
  return sh_quote(spec);
}

std::string command_function(const CommandModel& command, const std::string& fn) {
  const std::string name = "_" + command.identifier();
  std::string s = name + "() {\n";
  const bool is_root = command.path.empty();
  if (is_root) {
    const std::string db = k_db_option;
    s += "  # Remembered for " + fn + "_handles, which asks the program on the same database.\n";
    s += "  local " + fn.substr(1) + "_program=$words[1]\n";
    s += "  local -a " + fn.substr(1) + "_db\n";
    s += "  local -i i\n";
    s += "  for (( i = 2; i < CURRENT; i++ )); do\n";
    s += "    case $words[i] in\n";
    s += "      " + db + ") " + fn.substr(1) + "_db=(" + db + " ${(Q)words[i+1]}) ;;\n";
    s += "      " + db + "=*) " + fn.substr(1) + "_db=(" + db + " ${(Q)words[i]#" + db +
         "=}) ;;\n";
    s += "    esac\n";
    s += "  done\n";
  }
  const bool has_subcommands = !command.subcommands.empty();
  if (has_subcommands) {
    s += "  local curcontext=$curcontext state state_descr line\n";
    s += "  local -A opt_args\n";
    // -A: after the subcommand's name, options belong to the subcommand's own function.
    s += "  _arguments -C -S -A '-*'";
  } else {
    s += "  _arguments -S";
  }
  for (const auto& option : command.options) {
    for (const auto& spec : option_specs(option, fn)) s += " \\\n    " + spec;
  }
  if (has_subcommands) {
    s += " \\\n    ': :->command' \\\n    '*:: :->argument'\n";
    s += "  case $state in\n";
    s += "    command)\n";
    s += "      local -a commands=(\n";
    for (const auto& sub : command.subcommands) {
      s += "        " + sh_quote(zsh_escape(sub.name, ":") + ":" + sub.description) + "\n";
    }
    s += "      )\n";
    std::string title = command.program;
    if (!command.path.empty()) title += " " + command.joined_path();
    s += "      _describe -t commands " + sh_quote(title + " command") + " commands\n";
    s += "      ;;\n";
    s += "    argument)\n";
    std::string context_name = command.identifier();
    for (auto& c : context_name) {
      if (c == '_') c = '-';
    }
    s += "      curcontext=${curcontext%:*:*}:" + context_name + "-$words[1]:\n";
    s += "      case $words[1] in\n";
    for (const auto& sub : command.subcommands) {
      s += "        " + sub.name + ") " + name + "_" + sub.name + " ;;\n";
    }
    s += "      esac\n";
    s += "      ;;\n";
    s += "  esac\n";
  } else {
    for (const auto& positional : command.positionals) {
      s += " \\\n    " + positional_spec(positional, fn);
    }
    s += "\n";
  }
  s += "}\n\n";
  return s;
}

}  // namespace

std::string zsh_script(const CommandTree& tree) {
  const CommandModel& root = tree.front();
  const std::string fn = "_" + root.identifier();  // "_chirp"
  std::string s = "#compdef " + root.program + "\n";
  s += "# zsh completion for " + root.program + ".\n";
  s += "# Generated by `" + root.program +
       " completion zsh` from the command definitions: do not edit.\n";
  s += "# Use: save as " + fn + " in a folder of $fpath (before compinit runs).\n\n";
  s += "# Handles of existing users, asked of the program itself (on the database in use).\n";
  s += fn + "_handles() {\n";
  s += "  local -a handles\n";
  s += "  handles=(${(f)\"$(_call_program handles ${(q)" + fn.substr(1) + "_program} ${(q)" +
       fn.substr(1) + "_db[@]} " + k_handles_command + " -- ${(q)PREFIX} 2>/dev/null)\"})\n";
  s += "  _wanted handles expl handle compadd -a handles\n";
  s += "}\n\n";
  for (const auto& command : tree) s += command_function(command, fn);
  s += "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n";
  s += "  " + fn + " \"$@\"\n";
  s += "else\n";
  s += "  compdef " + fn + " " + root.program + "\n";
  s += "fi\n";
  return s;
}

}  // namespace chirp::cli::completion
