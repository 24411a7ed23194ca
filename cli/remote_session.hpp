#pragma once
// Logging in to and out of a chirp server (`chirp login`, `chirp logout`): the two
// exchanges that are not a Backend operation because they make or end the login the
// RemoteBackend acts with. Unreachable servers and answers that are not chirp's throw
// std::runtime_error naming the URL, as the RemoteBackend's operations do.

#include <chirp/auth.hpp>
#include <chirp/error.hpp>

#include <string>
#include <string_view>

namespace chirp::cli {

/// POST SERVER/login: the token, its expiry and the user; the server's refusal (a wrong
/// handle or password, too many attempts) as an Error.
Result<Login> log_in(const std::string& server, std::string_view handle, std::string_view password);

/// POST SERVER/logout with TOKEN: the server revokes every token of its user. An
/// unauthenticated Error when the token was no longer valid.
Result<void> log_out(const std::string& server, const std::string& token);

}  // namespace chirp::cli
