#include "server_login.hpp"

#include <chirp/paths.hpp>
#include <chirp/validate.hpp>

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace chirp::cli {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::runtime_error file_error(const std::string& what, const std::filesystem::path& path) {
  return std::runtime_error(fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

}  // namespace

Result<std::string> normalize_server_url(std::string_view text) {
  auto refuse = [&] {
    return fail(Code::invalid,
                fmt::format("not a server URL: '{}' (expected http://HOST[:PORT])", text));
  };
  std::string url = "http";
  std::string_view rest = text;
  if (auto at = text.find("://"); at != std::string_view::npos) {
    url = lower(text.substr(0, at));
    if (url != "http" && url != "https") return refuse();
    rest = text.substr(at + 3);
  }
  while (rest.ends_with('/')) rest.remove_suffix(1);
  std::string_view host = rest;
  std::string_view port;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos && !rest.ends_with(']')) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    int number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || number < 1 ||
        number > 65535) {
      return refuse();
    }
  }
  if (host.empty()) return refuse();
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
              c == '[' || c == ']' || c == ':';
    if (!ok) return refuse();
  }
  url += "://" + lower(host);
  if (!port.empty()) url += ":" + std::string(port);
  return url;
}

const SavedLogin* ServerLogins::find(std::string_view ref) const {
  for (const auto& login : logins) {
    if (refers_to(ref, User{.id = login.id, .handle = login.handle})) return &login;
  }
  return nullptr;
}

void ServerLogins::put(SavedLogin login) {
  remove(login.handle);
  logins.push_back(std::move(login));
}

bool ServerLogins::remove(std::string_view ref) {
  const SavedLogin* found = find(ref);
  if (found == nullptr) return false;
  logins.erase(logins.begin() + (found - logins.data()));
  return true;
}

std::filesystem::path logins_path(std::string_view server) {
  return logins_path(server, state_dir());
}

std::filesystem::path logins_path(std::string_view server, const std::filesystem::path& state) {
  // The URL as a file name: letters, digits, '.' and '-' as they are, the rest %XX.
  std::string name;
  for (char c : server) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') {
      name += c;
    } else {
      name += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return state / "logins" / name;
}

ServerLogins read_logins(std::string_view server, const std::filesystem::path& path) {
  ServerLogins out{.server = std::string(server)};
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return out;
    throw file_error("read", path);
  }
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("user=")) {
      out.current = line.substr(5);
    } else if (line.starts_with("login=")) {
      std::istringstream fields(line.substr(6));
      SavedLogin login;
      if (fields >> login.handle >> login.id >> login.token) out.logins.push_back(login);
    }
  }
  return out;
}

void write_logins(const ServerLogins& logins, const std::filesystem::path& path) {
  if (logins.logins.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return;
  }
  std::string text = "server=" + logins.server + "\n";
  if (logins.current) text += "user=" + *logins.current + "\n";
  for (const auto& login : logins.logins) {
    text += fmt::format("login={} {} {}\n", login.handle, login.id, login.token);
  }
  auto folder = path.parent_path();
  std::filesystem::create_directories(folder);
  ::chmod(folder.c_str(), 0700);
  ::chmod(folder.parent_path().c_str(), 0700);
  // A sibling file made 0600 before anything is in it, then renamed over the old one.
  auto temporary = path;
  temporary += ".tmp";
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw file_error("create", temporary);
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    auto error = file_error("write", path);
    ::unlink(temporary.c_str());
    throw error;
  }
}

}  // namespace chirp::cli
