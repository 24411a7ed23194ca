#pragma once
// What a connection keeps for the feed between transactions: the read cache (hydrated
// tweets, settings, followed celebrities, pulled authors' newest ids) and the celebrity
// set. Owned by the Core, reached through Session::feed.

#include "feed/celebrities.hpp"
#include "feed/read_cache.hpp"

#include <cstdint>
#include <string_view>

namespace chirp::detail {

struct Session;

struct FeedCache {
  /// Tweets cached per connection: about 1.5 MiB at a typical 300 bytes each.
  static constexpr std::size_t k_cached_tweets = 5000;

  ReadCache read{k_cached_tweets};
  CelebrityCache celebrities;
  std::uint64_t synced_serial = 0;  ///< the transaction the read cache was synced in
  bool started = false;
};

/// The connection's read cache, brought up to date with this read transaction's
/// snapshot; nullptr outside a read transaction (a write transaction sees its own
/// uncommitted changes, which must never be cached).
ReadCache* read_cache(Session& session);

/// A setting's current value; inside a read transaction from the read cache.
std::int64_t cached_setting(Session& session, std::string_view key);

}  // namespace chirp::detail
