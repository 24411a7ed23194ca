#pragma once
// Who a reader does not see: the users they block, the users who block them, and the
// users they mute. Every list a reader reads (home timeline, threads, notifications,
// search and tag pages) drops what these rules hide, at read time, so a block or mute
// takes effect at once whatever fan-out already pushed.

#include "storage/db.hpp"

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <optional>
#include <string_view>

#include <vector>

namespace chirp::detail {

struct Session;
struct UserRow;

/// Whether READER does not see OTHER: a block either way, or READER mutes OTHER.
bool hides(Db& db, Id reader, Id other);

/// Whether a block stands between A and B, either way.
bool blocked_either_way(Db& db, Id a, Id b);

/// forbidden when a block stands between ACTOR and OTHER, saying who blocked whom and
/// that ACTOR cannot DO (e.g. "follow them"); nullopt when none does.
std::optional<Error> refuse_blocked(Db& db, Id actor, Id other, std::string_view doing);

/// The users READER does not see, sorted. No query at all for a reader who never
/// blocked, muted or was blocked (hides_version 0); otherwise cached per connection,
/// inside read transactions, until READER's hides_version changes.
std::vector<Id> hidden_users(Session& session, const UserRow& reader);

/// Whether HIDDEN (sorted) holds ID.
bool is_hidden(const std::vector<Id>& hidden, Id id);

/// Whether READER (with HIDDEN from hidden_users) does not see TWEET: its author, or a
/// retweet's original author, is hidden.
bool hides_tweet(const std::vector<Id>& hidden, const Tweet& tweet);

/// TWEETS without those HIDDEN hides.
std::vector<Tweet> without_hidden(std::vector<Tweet> tweets, const std::vector<Id>& hidden);

/// IDS (tweet ids) without those whose author, or original author, is HIDDEN; one
/// lookup per id, for lists that page by id before hydrating.
std::vector<Id> ids_without_hidden(Db& db, const std::vector<Id>& ids,
                                   const std::vector<Id>& hidden);

}  // namespace chirp::detail
