// The manual page chirp(1): generated from the command tree, checked in unchanged, and
// valid man(7) markup.
#include "support.hpp"

#include "app.hpp"
#include "man_page.hpp"

#include <doctest/doctest.h>

#include <cstdio>

#include <sys/wait.h>

namespace fs = std::filesystem;
using chirp::test::file_bytes;
using chirp::test::run_chirp;
using chirp::test::TempDir;

TEST_CASE("cli: the man page is generated from the command tree") {
  chirp::cli::Context context;
  auto app = chirp::cli::make_app(context);
  auto generated = chirp::cli::man_page(*app, CHIRP_VERSION);
  auto checked_in = fs::path(CHIRP_SOURCE_DIR) / "man/chirp.1";

  SUBCASE("the checked-in page is the generated one") {
    bool up_to_date = file_bytes(checked_in) == generated;
    CHECK_MESSAGE(up_to_date, std::string("man/chirp.1 differs from `chirp _man`; regenerate "
                                          "with: cmake --build <build dir> --target "
                                          "update_completions"));
    auto printed = run_chirp({"_man"});
    CHECK(printed.exit_code == 0);
    CHECK(printed.out == generated);
  }

  SUBCASE("every visible command, and the version, are in it") {
    CHECK(generated.find("\"chirp " CHIRP_VERSION "\"") != std::string::npos);
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_group().empty()) continue;  // hidden
      CAPTURE(sub->get_name());
      CHECK(generated.find(".SS \"chirp " + sub->get_name()) != std::string::npos);
    }
    CHECK(generated.find("\\-\\-password\\-stdin") != std::string::npos);
  }

  SUBCASE("groff reads it without a warning") {
    TempDir dir;
    auto errors = dir / "groff.err";
    std::string command = "command -v groff >/dev/null || exit 77; groff -man -Tutf8 -ww -z '" +
                          checked_in.string() + "' 2>'" + errors.string() + "'";
    int status = std::system(command.c_str());
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 77) return;  // no groff here
    CHECK(code == 0);
    CHECK(file_bytes(errors) == "");
  }
}
