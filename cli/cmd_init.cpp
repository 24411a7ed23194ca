// chirp init, chirp use
#include "app.hpp"
#include "options.hpp"

#include <fmt/core.h>

namespace chirp::cli {

void add_init_commands(CLI::App& app, Context& context) {
  auto* init = app.add_subcommand("init", "Create the database (if needed) and say where it is");
  init->callback([&context] {
    context.core();
    auto path = std::filesystem::absolute(context.db_path()).lexically_normal().string();
    context.printer().record(
        {{"path", path}, {"schema_version", Core::schema_version()}},
        fmt::format("initialized {} (schema version {})", path, Core::schema_version()));
  });

  struct UseOptions {
    std::string handle;
  };
  auto use_options = std::make_shared<UseOptions>();
  auto* use = app.add_subcommand("use", "Set the acting user for later commands");
  add_handle(*use, use_options->handle, "An existing user");
  use->callback([&context, use_options] {
    auto [user, where] = expect(context.backend().save_acting_user(use_options->handle));
    context.note(fmt::format("acting as @{} (saved in {})", user.handle, where));
  });
}

}  // namespace chirp::cli
