#include "accounts/password.hpp"

#include <sodium.h>

#include <semaphore>
#include <stdexcept>

namespace chirp::detail {

namespace {

constexpr auto k_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr auto k_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// At most this many hashes in flight per process (64 MiB each).
std::counting_semaphore<4>& hash_slots() {
  static std::counting_semaphore<4> slots(4);
  return slots;
}

class HashSlot {
public:
  HashSlot() { hash_slots().acquire(); }
  ~HashSlot() { hash_slots().release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
};

}  // namespace

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (crypto_pwhash_str(out, password.data(), password.size(), k_ops, k_mem) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& hash) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), k_ops, k_mem) != 0;
}

void verify_dummy_password(std::string_view password) {
  static const std::string dummy = hash_password("chirp-dummy-password");
  verify_password(dummy, password);
}

}  // namespace chirp::detail
