#pragma once
// The notifications the queue worker creates, in its batch transaction, from the events
// the writes queued (feed/fanout.cpp): the rules of who is notified of what.

#include "storage/db.hpp"

#include <chirp/types.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace chirp::detail {

struct TweetHead;

/// Notifies RECIPIENT that ACTOR did KIND ("mention", "reply", "like", "retweet",
/// "follow") about TWEET (none for a follow) at AT_MS, unless the rules say no: never
/// for one's own action, never across a block (either way), never from someone the
/// recipient mutes, never about a deleted tweet. At most one per (recipient, kind,
/// actor, tweet), so running the same event again adds nothing. Appends what it
/// created to CREATED.
void notify(Db& db, std::string_view kind, Id recipient, Id actor, std::optional<Id> tweet,
            std::int64_t at_ms, std::vector<CreatedNotification>& created);

/// The notifications TWEET (just posted by its author) makes: its parent's author is
/// replied to, a retweet's original author is retweeted, and everyone it mentions is
/// mentioned (unless already notified of it as a reply).
void notify_posted(Db& db, const TweetHead& tweet, std::int64_t at_ms,
                   std::vector<CreatedNotification>& created);

/// Removes the notifications that point at TWEET (it was deleted).
void remove_notifications_of(Db& db, Id tweet);

}  // namespace chirp::detail
