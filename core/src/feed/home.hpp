#pragma once
// What every read of a home timeline shares: who may read it, and marking its owner seen.

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <functional>
#include <optional>

namespace chirp::detail {

struct Session;
struct UserRow;

/// Runs READ on OWNER's row inside one read transaction when VIEWER may read OWNER's
/// home timeline (only its owner may); returns the refusal otherwise (not_found,
/// forbidden). An owner not marked seen for a while is marked first (and, back from
/// inactivity, has the inbox rebuilt).
std::optional<Error> read_as_home_owner(Session& session, Id owner, Id viewer,
                                        const std::function<void(const UserRow&)>& read);

}  // namespace chirp::detail
