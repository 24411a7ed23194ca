// The shell completion scripts: generated from the command tree, checked in unchanged,
// and working in the shells themselves (each shell's checks run when it is installed).
#include "readme_support.hpp"
#include "support.hpp"

#include "app.hpp"
#include "completion.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include <sys/wait.h>

namespace fs = std::filesystem;
using chirp::test::run_chirp;
using chirp::test::file_bytes;
using chirp::test::TempDir;

namespace {

constexpr const char* k_regenerate =
    "regenerate with: cmake --build <build dir> --target update_completions";

struct Script {
  const char* shell;
  const char* file;
};
constexpr std::array<Script, 3> k_scripts = {
    {{"bash", "chirp.bash"}, {"zsh", "_chirp"}, {"fish", "chirp.fish"}}};

fs::path checked_in(const Script& script) {
  return fs::path(CHIRP_SOURCE_DIR) / "completions" / script.file;
}

/// WORD occurs in TEXT as a whole word (not inside a longer name: "like" in "unlike").
bool has_word(const std::string& text, const std::string& word) {
  auto is_name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    bool starts = at == 0 || !is_name_char(text[at - 1]);
    bool ends = at + word.size() == text.size() || !is_name_char(text[at + word.size()]);
    if (starts && ends) return true;
  }
  return false;
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

struct ShellResult {
  int exit_code = -1;
  std::string out;
};

/// Runs COMMAND with /bin/sh, chirp's folder first on PATH.
ShellResult shell(const std::string& command) {
  std::string dir = fs::path(CHIRP_BINARY).parent_path().string();
  std::string full = "PATH=" + quote(dir) + ":\"$PATH\"; export PATH; " + command;
  ShellResult result;
  FILE* pipe = ::popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    result.out.append(buffer, n);
  }
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool installed(const std::string& program) {
  return shell("command -v " + program + " >/dev/null 2>&1").exit_code == 0;
}

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
  std::sort(words.begin(), words.end());
  return words;
}

using Words = std::vector<std::string>;

/// The database the handle completions read: users alice, albert and bob.
struct HandlesDb {
  TempDir dir;
  std::string db = (dir / "chirp.db").string();
  HandlesDb() {
    chirp::Core::Options options;
    options.path = db;
    auto core = chirp::Core::open(std::move(options));
    for (const char* handle : {"alice", "albert", "bob"}) {
      REQUIRE(core.users().create({.handle = handle}).has_value());
    }
  }
};

// Candidates bash offers for LINE (the last word is the one being completed).
Words bash_complete(const std::vector<std::string>& line, const std::string& env = "") {
  std::string words;
  for (const auto& word : line) words += " " + quote(word);
  std::string script = "source " + quote(checked_in(k_scripts[0]).string()) +
                       "; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));" +
                       " COMPREPLY=(); _chirp; printf '%s\\n' \"${COMPREPLY[@]}\"";
  auto result = shell(env + " bash -c " + quote(script));
  REQUIRE(result.exit_code == 0);
  return words_of(result.out);
}

Words fish_complete(const std::string& line, const std::string& env = "") {
  std::string script = "source " + quote(checked_in(k_scripts[2]).string()) +
                       "; complete -C " + quote(line) + " | string replace -r '\\t.*' ''; true";
  auto result = shell(env + " fish --no-config -c " + quote(script));
  REQUIRE(result.exit_code == 0);
  return words_of(result.out);
}

/// Completes LINE in an interactive zsh driven through zsh/zpty, printing each candidate.
constexpr const char* k_zsh_capture = R"ZSH(
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z 'PROMPT=; fpath=($COMPLETIONS $fpath); autoload -U compinit; compinit -u'
zpty -w z 'null-line () { echo -E - $'"'"'\0'"'"' }; compprefuncs=( null-line ); comppostfuncs=( null-line exit )'
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'bindkey "^I" complete-word; compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"; print -rl -- "CANDIDATE:"$^__hits }'
zpty -w z "$LINE"$'\t'
integer seen=0
while zpty -r z line; do
  [[ $line == *$'\0'* ]] && { (( seen++ )) && break || continue }
  [[ $line == CANDIDATE:* ]] && print -r -- ${${line#CANDIDATE:}%$'\r'}
done
)ZSH";

Words zsh_complete(const std::string& line, const std::string& env = "") {
  TempDir dir;
  std::ofstream(dir / "capture.zsh") << k_zsh_capture;
  auto result = shell(env + " COMPLETIONS=" + quote(checked_in(k_scripts[1]).parent_path()) +
                      " LINE=" + quote(line) + " timeout 20 zsh -f " +
                      quote((dir / "capture.zsh").string()));
  REQUIRE(result.exit_code == 0);
  return words_of(result.out);
}

}  // namespace

TEST_CASE("cli: completion scripts are generated from the command tree") {
  chirp::cli::Context context;
  auto app = chirp::cli::make_app(context);

  SUBCASE("the checked-in scripts are the generated ones") {
    for (const auto& script : k_scripts) {
      auto generated = chirp::cli::completion_script(*app, script.shell);
      bool up_to_date = file_bytes(checked_in(script)) == generated;
      // doctest prints a const char* as a pointer: hand it strings.
      std::string why = std::string("completions/") + script.file +
                        " differs from `chirp completion " + script.shell + "`; " + k_regenerate;
      CHECK_MESSAGE(up_to_date, why);
      auto printed = run_chirp({"completion", script.shell});
      CHECK(printed.exit_code == 0);
      CHECK(printed.out == generated);
    }
  }

  SUBCASE("every visible command and option is in every script") {
    std::vector<const CLI::App*> commands{app.get()};
    for (std::size_t i = 0; i < commands.size(); ++i) {
      for (const CLI::App* sub : commands[i]->get_subcommands([](const CLI::App*) { return true; })) {
        if (!sub->get_group().empty()) commands.push_back(sub);
      }
    }
    CHECK(commands.size() > 20);
    for (const auto& script : k_scripts) {
      auto text = chirp::cli::completion_script(*app, script.shell);
      for (const CLI::App* command : commands) {
        if (command != app.get()) {
          INFO(std::string(script.shell) << ": command " << command->get_name());
          CHECK(has_word(text, command->get_name()));
        }
        for (const CLI::Option* option : command->get_options()) {
          for (const auto& name : option->get_lnames()) {
            INFO(std::string(script.shell) << ": " << command->get_name() << " --" << name);
            CHECK(has_word(text, name));
          }
        }
      }
      // The hidden handles command is for the scripts, not for people.
      CHECK(text.find(std::string(" ") + chirp::cli::k_handles_command + " -- ") !=
            std::string::npos);
    }
    CHECK(run_chirp({"--help"}).out.find(chirp::cli::k_handles_command) == std::string::npos);
  }

  SUBCASE("an unknown shell is a usage error") {
    CHECK(run_chirp({"completion", "powershell"}).exit_code == 2);
  }
}

TEST_CASE("cli: the hidden handles command") {
  HandlesDb handles;
  auto r = run_chirp({"--db", handles.db, chirp::cli::k_handles_command, "al"});
  CHECK(r.exit_code == 0);
  CHECK(words_of(r.out) == Words{"albert", "alice"});
  CHECK(words_of(run_chirp({"--db", handles.db, chirp::cli::k_handles_command}).out).size() == 3);
  // Completing never creates a database.
  auto missing = handles.dir / "missing.db";
  r = run_chirp({"--db", missing.string(), chirp::cli::k_handles_command, "a"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("cli: completions in bash") {
  if (!installed("bash")) {
    MESSAGE("bash is not installed: skipped");
    return;
  }
  HandlesDb handles;
  const std::string env = "CHIRP_DB=" + quote(handles.db);
  CHECK(bash_complete({"chirp", "u"}) == Words{"unblock", "unfollow", "unlike", "unmute", "unretweet", "use", "user"});
  CHECK(bash_complete({"chirp", "user", ""}) == Words{"add", "list", "passwd", "show", "token"});
  CHECK(bash_complete({"chirp", "--format", "j"}) == Words{"json", "jsonl"});
  CHECK(bash_complete({"chirp", "timeline", "--s"}) == Words{"--server", "--since-id"});
  CHECK(bash_complete({"chirp", "timeline", "--si"}) == Words{"--since-id"});
  CHECK(bash_complete({"chirp", "completion", ""}) == Words{"bash", "fish", "zsh"});
  CHECK(bash_complete({"chirp", "config", "get", "fanout.batch_s"}) ==
        Words{"fanout.batch_size"});
  CHECK(bash_complete({"chirp", "follow", "al"}, env) == Words{"albert", "alice"});
  CHECK(bash_complete({"chirp", "follow", "alice", "b"}, env) == Words{"bob"});
  CHECK(bash_complete({"chirp", "--as", "b"}, env) == Words{"bob"});
  // The handles come from the database the line names.
  CHECK(bash_complete({"chirp", "--db", handles.db, "user", "show", "b"}) == Words{"bob"});
  CHECK(bash_complete({"chirp", "tweets", "--db", handles.db, "a"}) == Words{"albert", "alice"});
  // Free text gets no suggestions; neither does a second argument of `use`.
  CHECK(bash_complete({"chirp", "post", ""}, env).empty());
  CHECK(bash_complete({"chirp", "use", "alice", ""}, env).empty());
}

TEST_CASE("cli: completions in zsh") {
  if (!installed("zsh")) {
    MESSAGE("zsh is not installed: skipped");
    return;
  }
  for (const auto& script : k_scripts) {
    if (std::string(script.shell) != "zsh") continue;
    CHECK(shell("zsh -n " + quote(checked_in(script).string())).exit_code == 0);
  }
  HandlesDb handles;
  const std::string env = "CHIRP_DB=" + quote(handles.db);
  CHECK(zsh_complete("chirp user ") == Words{"add", "list", "passwd", "show", "token"});
  CHECK(zsh_complete("chirp --format j") == Words{"json", "jsonl"});
  CHECK(zsh_complete("chirp completion ") == Words{"bash", "fish", "zsh"});
  CHECK(zsh_complete("chirp follow al", env) == Words{"albert", "alice"});
  CHECK(zsh_complete("chirp tweets --format json b", env) == Words{"bob"});
  CHECK(zsh_complete("chirp --db " + handles.db + " user show b") == Words{"bob"});
}

TEST_CASE("cli: completions in fish") {
  if (!installed("fish")) {
    MESSAGE("fish is not installed: skipped");
    return;
  }
  CHECK(shell("fish --no-config -n " + quote(checked_in(k_scripts[2]).string())).exit_code == 0);
  HandlesDb handles;
  const std::string env = "CHIRP_DB=" + quote(handles.db);
  CHECK(fish_complete("chirp user ") == Words{"add", "list", "passwd", "show", "token"});
  CHECK(fish_complete("chirp --format j") == Words{"json", "jsonl"});
  CHECK(fish_complete("chirp timeline --s") == Words{"--server", "--since-id"});
  CHECK(fish_complete("chirp timeline --si") == Words{"--since-id"});
  CHECK(fish_complete("chirp completion ") == Words{"bash", "fish", "zsh"});
  CHECK(fish_complete("chirp follow al", env) == Words{"albert", "alice"});
  CHECK(fish_complete("chirp follow alice b", env) == Words{"bob"});
  CHECK(fish_complete("chirp --db " + handles.db + " user show b") == Words{"bob"});
  CHECK(fish_complete("chirp use alice ", env).empty());
}

TEST_CASE("cli: cmake --install puts the binary, the completions and the man page in place") {
  TempDir prefix;
  std::string command = "cmake --install '" + std::string(CHIRP_BUILD_DIR) + "' --prefix '" +
                        prefix.path().string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  auto binary = prefix / "bin/chirp";
  REQUIRE(fs::exists(binary));
  CHECK((fs::status(binary).permissions() & fs::perms::owner_exec) != fs::perms::none);
  // Each completion where its shell looks under the prefix, byte for byte the checked-in
  // script.
  const std::array<std::pair<Script, const char*>, 3> installed_scripts = {{
      {k_scripts[0], "share/bash-completion/completions/chirp"},
      {k_scripts[1], "share/zsh/site-functions/_chirp"},
      {k_scripts[2], "share/fish/vendor_completions.d/chirp.fish"},
  }};
  for (const auto& [script, path] : installed_scripts) {
    CAPTURE(path);
    REQUIRE(fs::exists(prefix / path));
    CHECK(file_bytes(prefix / path) == file_bytes(checked_in(script)));
  }
  auto man_page = prefix / "share/man/man1/chirp.1";
  REQUIRE(fs::exists(man_page));
  CHECK(file_bytes(man_page) == file_bytes(fs::path(CHIRP_SOURCE_DIR) / "man/chirp.1"));
  if (installed("man")) {
    auto shown = shell("MANPATH='" + (prefix / "share/man").string() + "' man chirp 2>&1");
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("chirp post") != std::string::npos);
  }
  // The installed binary runs.
  std::string help = "'" + binary.string() + "' --help >/dev/null 2>&1";
  CHECK(std::system(help.c_str()) == 0);
}

TEST_CASE("cli: the README's completion install steps work in each shell from an empty $HOME") {
  const chirp::test::ShellBlock* steps = nullptr;
  auto blocks = chirp::test::readme_shell_blocks();
  for (const auto& block : blocks) {
    if (block.code.find("completions/chirp.bash") != std::string::npos) steps = &block;
  }
  REQUIRE_MESSAGE(steps != nullptr, "README.md has no block installing completions/chirp.bash");
  TempDir dir;
  const fs::path home = dir / "home";
  fs::create_directories(home);
  auto installed_now = chirp::test::run_shell_block(steps->code, home);
  INFO("README.md line " << steps->line << ":\n" << steps->code << "\nstderr: " << installed_now.err);
  REQUIRE(installed_now.exit_code == 0);

  // Each in the real shell as a new login would start it: only HOME and PATH set.
  auto in_shell = [&](const std::string& command) {
    return chirp::test::run_shell_block(command, home);
  };
  if (installed("bash")) {
    // Debian's bash without the bash-completion package: ~/.bashrc's source line.
    auto r = in_shell("bash -ic 'complete -p chirp' 2>/dev/null");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("_chirp") != std::string::npos);
    if (fs::exists("/usr/share/bash-completion/bash_completion")) {
      // With the package, its loader finds the script where the steps put it.
      auto loaded = in_shell(
          "bash -c 'source /usr/share/bash-completion/bash_completion; "
          "__load_completion chirp; complete -p chirp'");
      CHECK(loaded.out.find("_chirp") != std::string::npos);
    }
  }
  if (installed("zsh")) {
    auto r = in_shell("zsh -ic 'print -r -- ${_comps[chirp]}' 2>&1");
    INFO("zsh: " << r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("_chirp") != std::string::npos);
  }
  if (installed("fish")) {
    auto r = in_shell("fish -c 'complete -C \"chirp us\"'");
    INFO("fish: " << r.out);
    CHECK(r.exit_code == 0);
    CHECK(has_word(r.out, "use"));
    CHECK(has_word(r.out, "user"));
  }
}
