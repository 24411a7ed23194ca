// chirp config list | get | set
#include "app.hpp"
#include "completion.hpp"

namespace chirp::cli {

namespace {

struct ConfigOptions {
  std::string key;
  std::string value;
};

CLI::Option* add_key(CLI::App& command, std::string& key) {
  return command.add_option("key", key, "The setting (see `chirp config list`)")
      ->required()
      ->type_name("KEY")
      ->check(completes(Completion::setting_key));
}

}  // namespace

void add_config_commands(CLI::App& app, Context& context) {
  auto* config = app.add_subcommand("config", "Show and change the settings in the database");
  config->require_subcommand(1);

  config->add_subcommand("list", "Show every setting with its value, default and meaning")
      ->callback([&context] { context.printer().settings(context.core().settings().list()); });

  auto get_options = std::make_shared<ConfigOptions>();
  auto* get = config->add_subcommand("get", "Print a setting's value");
  add_key(*get, get_options->key);
  get->callback([&context, get_options] {
    context.printer().setting(expect(context.core().settings().get(get_options->key)));
  });

  auto set_options = std::make_shared<ConfigOptions>();
  auto* set = config->add_subcommand("set", "Change a setting and print its new value");
  add_key(*set, set_options->key);
  set->add_option("value", set_options->value, "The new value")->required()->type_name("VALUE");
  set->callback([&context, set_options] {
    context.printer().setting(
        expect(context.core().settings().set(set_options->key, set_options->value)));
  });
}

}  // namespace chirp::cli
