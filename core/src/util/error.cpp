#include <chirp/error.hpp>

namespace chirp {

const char* code_name(Code code) {
  switch (code) {
    case Code::invalid: return "invalid";
    case Code::not_found: return "not_found";
    case Code::forbidden: return "forbidden";
    case Code::conflict: return "conflict";
    case Code::unauthenticated: return "unauthenticated";
  }
  return "unknown";
}

}  // namespace chirp
