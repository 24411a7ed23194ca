#include "completion.hpp"

#include "completion_model.hpp"

#include <chirp/settings.hpp>

#include <algorithm>
#include <cctype>
#include <utility>

namespace chirp::cli {

namespace completion {
namespace {

const char* validator_name(Completion kind) {
  switch (kind) {
    case Completion::handle: return "complete:handle";
    case Completion::file: return "complete:file";
    case Completion::setting_key: return "complete:setting_key";
  }
  return "complete:unknown";
}

bool has_validator(const CLI::Option& option, const std::string& name) {
  // CLI11 2.1 offers no const way to look a validator up; the lookup changes nothing.
  try {
    const_cast<CLI::Option&>(option).get_validator(name);
    return true;
  } catch (const CLI::OptionNotFound&) {
    return false;
  }
}

/// Choices of a CLI::IsMember validator, which CLI11 shows as "TYPE:{a,b,c}".
std::vector<std::string> member_choices(const CLI::Option& option) {
  std::string type = option.get_type_name();
  auto open = type.find(":{");
  auto close = type.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  std::vector<std::string> words;
  std::string list = type.substr(open + 2, close - open - 2);
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = std::min(list.find(',', start), list.size());
    if (comma > start) words.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return words;
}

ValueSpec value_spec(const CLI::Option& option) {
  if (has_validator(option, validator_name(Completion::handle))) {
    return {ValueSpec::Kind::handle, {}};
  }
  if (has_validator(option, validator_name(Completion::file))) return {ValueSpec::Kind::file, {}};
  if (has_validator(option, validator_name(Completion::setting_key))) {
    std::vector<std::string> keys;
    for (const auto& spec : setting_specs()) keys.emplace_back(spec.key);
    return {ValueSpec::Kind::words, keys};
  }
  if (auto choices = member_choices(option); !choices.empty()) {
    return {ValueSpec::Kind::words, choices};
  }
  return {};
}

/// The type name without the validators CLI11 appends to it ("FORMAT:{...}" -> "FORMAT").
std::string value_name(const CLI::Option& option) {
  std::string type = option.get_type_name();
  return type.substr(0, type.find(':'));
}

bool is_hidden(const CLI::App& app) { return app.get_group().empty(); }

void add_command(CommandTree& tree, const CLI::App& app, std::vector<std::string> path,
                 const CommandModel* parent) {
  CommandModel model;
  model.program = parent ? parent->program : app.get_name();
  model.path = path;
  model.description = app.get_description();
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!is_hidden(*sub)) model.subcommands.push_back({sub->get_name(), sub->get_description()});
  }
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    if (option->get_positional()) {
      model.positionals.push_back({
          .name = option->get_name(),
          .description = option->get_description(),
          .required = option->get_required(),
          .variadic = option->get_items_expected_max() > 1,
          .value = value_spec(*option),
      });
      continue;
    }
    OptionModel entry;
    for (const auto& name : option->get_snames()) entry.names.push_back("-" + name);
    for (const auto& name : option->get_lnames()) entry.names.push_back("--" + name);
    entry.description = option->get_description();
    entry.takes_value = option->get_items_expected_max() > 0;  // flags expect 0
    if (entry.takes_value) {
      entry.repeatable = option->get_items_expected_max() > 1;
      entry.value_name = value_name(*option);
      entry.value = value_spec(*option);
    }
    model.options.push_back(std::move(entry));
  }
  // Options the parent accepts after this command's name (CLI11 fallthrough).
  if (parent != nullptr && app.get_fallthrough()) {
    for (const auto& inherited : parent->options) {
      bool clash = std::any_of(inherited.names.begin(), inherited.names.end(),
                               [&](const std::string& name) { return model.option(name); });
      if (!clash) model.options.push_back(inherited);
    }
  }
  tree.push_back(std::move(model));
  // Copy: push_back may move the vector's elements.
  const CommandModel self = tree.back();
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (is_hidden(*sub)) continue;
    auto sub_path = path;
    sub_path.push_back(sub->get_name());
    add_command(tree, *sub, sub_path, &self);
  }
}

}  // namespace

std::string CommandModel::joined_path() const {
  std::string joined;
  for (const auto& part : path) {
    if (!joined.empty()) joined += ' ';
    joined += part;
  }
  return joined;
}

std::string CommandModel::identifier() const {
  std::string id = program;
  for (const auto& part : path) id += "_" + part;
  std::replace_if(
      id.begin(), id.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return id;
}

const OptionModel* CommandModel::option(const std::string& name) const {
  for (const auto& entry : options) {
    if (std::find(entry.names.begin(), entry.names.end(), name) != entry.names.end()) {
      return &entry;
    }
  }
  return nullptr;
}

bool is_global_option(const CommandTree& tree, const std::string& name) {
  const OptionModel* first = tree.front().option(name);
  if (first == nullptr) return false;
  return std::all_of(tree.begin(), tree.end(), [&](const CommandModel& command) {
    const OptionModel* other = command.option(name);
    return other != nullptr && other->takes_value == first->takes_value &&
           other->value == first->value;
  });
}

const std::string& primary_name(const OptionModel& option) {
  for (const auto& name : option.names) {
    if (name.starts_with("--")) return name;
  }
  return option.names.front();
}

std::string fill(std::string_view template_text, const CommandModel& root, const std::string& fn) {
  const std::pair<std::string_view, std::string> fields[] = {
      {"@FN@", fn},
      {"@PROGRAM@", root.program},
      {"@DB@", k_db_option},
      {"@HANDLES@", k_handles_command},
  };
  std::string out;
  std::size_t pos = 0;
  while (pos < template_text.size()) {
    auto at = template_text.find('@', pos);
    if (at == std::string_view::npos) break;
    out += template_text.substr(pos, at - pos);
    bool replaced = false;
    for (const auto& [name, value] : fields) {
      if (template_text.substr(at).starts_with(name)) {
        out += value;
        pos = at + name.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += '@';
      pos = at + 1;
    }
  }
  out += template_text.substr(std::min(pos, template_text.size()));
  return out;
}

std::string sh_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

}  // namespace completion

CLI::Validator completes(Completion kind) {
  // Accepts every value and adds nothing to the help text: only its name matters.
  return CLI::Validator([](std::string&) { return std::string(); }, "",
                        completion::validator_name(kind));
}

const std::vector<std::string>& completion_shells() {
  static const std::vector<std::string> shells = {"bash", "zsh", "fish"};
  return shells;
}

namespace completion {

CommandTree command_tree(const CLI::App& app) {
  CommandTree tree;
  add_command(tree, app, {}, nullptr);
  return tree;
}

}  // namespace completion

std::string completion_script(const CLI::App& app, std::string_view shell) {
  auto tree = completion::command_tree(app);
  if (shell == "bash") return completion::bash_script(tree);
  if (shell == "zsh") return completion::zsh_script(tree);
  if (shell == "fish") return completion::fish_script(tree);
  return {};
}

}  // namespace chirp::cli
