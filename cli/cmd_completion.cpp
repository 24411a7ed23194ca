// chirp completion SHELL, the hidden `chirp _handles PREFIX` the scripts call, and the
// hidden `chirp _man` that writes the manual page.
#include "app.hpp"
#include "completion.hpp"
#include "man_page.hpp"

#include <iostream>

namespace chirp::cli {

namespace {

struct CompletionOptions {
  std::string shell;
};

struct HandlesOptions {
  std::string prefix;
};

}  // namespace

void add_completion_commands(CLI::App& app, Context& context) {
  auto completion_options = std::make_shared<CompletionOptions>();
  auto* completion = app.add_subcommand(
      "completion", "Print the shell completion script (source it, or install it)");
  completion->add_option("shell", completion_options->shell, "The shell")
      ->required()
      ->type_name("SHELL")
      ->check(CLI::IsMember(completion_shells()));
  completion->footer(
      "bash: source <(chirp completion bash)\n"
      "zsh:  chirp completion zsh > \"${fpath[1]}/_chirp\"\n"
      "fish: chirp completion fish > ~/.config/fish/completions/chirp.fish");
  completion->callback([&app, completion_options] {
    std::cout << completion_script(app, completion_options->shell);
  });

  auto* man = app.add_subcommand(k_man_page_command, "Print the manual page chirp(1)");
  man->group("");  // hidden: for the build (man/chirp.1)
  man->callback([&app] { std::cout << man_page(app, CHIRP_VERSION); });

  auto handles_options = std::make_shared<HandlesOptions>();
  auto* handles = app.add_subcommand(k_handles_command, "Print handles starting with PREFIX");
  handles->group("");  // hidden: for the completion scripts
  handles->add_option("prefix", handles_options->prefix, "The start of a handle");
  handles->callback([&context, handles_options] {
    // Completing must never create a database as a side effect, and against a server
    // (which has no handle search) it offers none rather than an error.
    if (context.target().server || !std::filesystem::exists(context.db_path())) return;
    for (const auto& handle : context.core().users().handles_with_prefix(handles_options->prefix)) {
      std::cout << handle << '\n';
    }
  });
}

}  // namespace chirp::cli
