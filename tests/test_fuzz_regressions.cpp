// Every input kept under tests/fuzz/<target>/ (the seeds, and what the fuzzers found:
// scripts/fuzz) replayed through the same target function the libFuzzer binary runs,
// so each build here, with any compiler, checks the same promises on them.
#include "targets/check.hpp"
#include "targets/targets.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const std::string& target) {
  fs::path dir = fs::path(CHIRP_SOURCE_DIR) / "tests" / "fuzz" / target;
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs TARGET on DATA: the message of the promise it found broken, or empty.
std::string broken_promise(const chirp::fuzz::Target& target, const std::string& data) {
  chirp::fuzz::set_on_broken(chirp::fuzz::OnBroken::raise);
  try {
    int status = target.run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    return status == 0 ? "" : "returned " + std::to_string(status);
  } catch (const chirp::fuzz::BrokenPromise& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  }
}

void replay(const char* name) {
  auto targets = chirp::fuzz::targets();
  auto target = std::find_if(targets.begin(), targets.end(),
                             [&](const auto& t) { return std::string(t.name) == name; });
  REQUIRE(target != targets.end());
  auto files = inputs_of(name);
  REQUIRE_MESSAGE(!files.empty(), "no inputs under tests/fuzz/", name);
  for (const auto& file : files) {
    INFO(file.string());
    CHECK(broken_promise(*target, bytes_of(file)) == "");
  }
}

}  // namespace

TEST_CASE("fuzz regressions: tweet_text") { replay("tweet_text"); }
TEST_CASE("fuzz regressions: json_body") { replay("json_body"); }
TEST_CASE("fuzz regressions: query") { replay("query"); }
TEST_CASE("fuzz regressions: token") { replay("token"); }

TEST_CASE("fuzz regressions: every target has inputs, and a broken promise fails") {
  for (const auto& target : chirp::fuzz::targets()) {
    INFO(target.name);
    CHECK_FALSE(inputs_of(target.name).empty());
  }
  chirp::fuzz::set_on_broken(chirp::fuzz::OnBroken::raise);
  CHECK_THROWS_AS(chirp::fuzz::expect(false, "a promise"), chirp::fuzz::BrokenPromise);
  CHECK_NOTHROW(chirp::fuzz::expect(true, "a promise"));
  const chirp::fuzz::Target failing{"failing", [](const std::uint8_t*, std::size_t) -> int {
                                      chirp::fuzz::broken("always");
                                    }};
  CHECK(broken_promise(failing, "x").find("always") != std::string::npos);
}
