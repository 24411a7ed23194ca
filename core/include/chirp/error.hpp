#pragma once
/// Expected failures as values; infrastructure failures as exceptions.

#include <expected>
#include <stdexcept>
#include <string>

namespace chirp {

/// Why an action was refused. Each front end maps a code to its own signal
/// (the CLI to an exit code, the server to an HTTP status) in exactly one place.
enum class Code {
  invalid,         ///< the input breaks a rule (too long, bad handle, bad setting)
  not_found,       ///< the user or tweet does not exist (or was deleted)
  forbidden,       ///< the acting user may not do this (delete another's tweet)
  conflict,        ///< the change clashes with existing data (handle taken)
  unauthenticated, ///< wrong credentials or a bad token
};

/// A refused action: a code and a message written for the person who asked.
struct Error {
  Code code;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Code code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

/// Stable machine-readable name of a code ("not_found", ...).
const char* code_name(Code code);

/// The database is unusable: newer than this binary, or not a chirp database.
/// SQLite's own failures (I/O, disk full) arrive as SQLite::Exception, which like this
/// one derives from std::runtime_error; front ends catch std::exception once.
class SchemaError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// True when E is a write the storage had no room for: the disk is full, the file hit
/// a size limit (ulimit -f), or a size cap. The transaction was rolled back; reads work,
/// and writes work again once there is room.
bool is_storage_full(const std::exception& e);

}  // namespace chirp
