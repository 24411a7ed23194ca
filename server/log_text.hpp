#pragma once
// Text a client chose, made safe to write into a log line or a metric label.

#include <cstddef>
#include <string>
#include <string_view>

namespace chirp::server {

/// TEXT with every control character, backslash and byte of invalid UTF-8 written as
/// an escape (\n, \t, \\, \xNN), cut at MAX_BYTES (then ending in "..."): a path
/// with an encoded newline cannot forge a second log line.
std::string log_safe(std::string_view text, std::size_t max_bytes);

/// METHOD when it is one of the HTTP methods (RFC 9110 and PATCH), else "other": a
/// client cannot mint new metric series with made-up methods.
std::string_view method_label(std::string_view method);

}  // namespace chirp::server
