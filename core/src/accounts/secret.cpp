#include "accounts/secret.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace chirp::detail {

namespace {

constexpr std::size_t k_secret_bytes = 32;

[[noreturn]] void fail_io(const char* what, const std::filesystem::path& path) {
  throw std::runtime_error(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string random_secret() {
  std::string secret(k_secret_bytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

bool create_secret_file(const std::filesystem::path& path, const std::string& secret) {
  auto tmp = path;
  // Unique to this call: two threads of one process (two Cores opening a new database
  // at once) must not share a temporary file.
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(randombytes_random());
  int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) fail_io("cannot create", tmp);
  bool written = ::write(out, secret.data(), secret.size()) ==
                     static_cast<ssize_t>(secret.size()) &&
                 ::fsync(out) == 0;
  ::close(out);
  if (!written) {
    ::unlink(tmp.c_str());
    fail_io("cannot write", tmp);
  }
  int linked = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) return true;
  if (link_errno != EEXIST) {
    errno = link_errno;
    fail_io("cannot create", path);
  }
  return false;
}

std::string load_or_create_secret(const std::filesystem::path& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      std::string secret(k_secret_bytes, '\0');
      ssize_t n = ::read(fd, secret.data(), secret.size());
      ::close(fd);
      if (n != static_cast<ssize_t>(k_secret_bytes)) {
        throw std::runtime_error("the token secret " + path.string() +
                                 " is damaged: remove it to issue a new one (this logs "
                                 "everyone out)");
      }
      return secret;
    }
    if (errno != ENOENT) fail_io("cannot read", path);
    // A second process racing us either wins (we read its secret) or loses (it reads
    // ours).
    std::string secret = random_secret();
    if (create_secret_file(path, secret)) return secret;
  }
  throw std::runtime_error("cannot create the token secret " + path.string());
}

}  // namespace chirp::detail
