#pragma once
/// Bulk loading (data generators, imports): many rows in one transaction.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace chirp {

struct BulkTweet {
  std::size_t author;          ///< index into BulkData::users
  std::string text;
  std::int64_t created_at_ms;  ///< must not be in the future
};

struct BulkData {
  std::vector<NewUser> users;  ///< passwords are ignored (bulk users cannot log in)
  std::vector<std::pair<std::size_t, std::size_t>> follows;  ///< (follower, followee)
  std::vector<BulkTweet> tweets;  ///< oldest first
};

struct BulkOptions {
  /// Push the imported tweets into their followers' inboxes in the import itself, as the
  /// fan-out worker would (authors over fanout.celebrity_threshold pulled, each inbox
  /// cut to timeline.inbox_cap with its floor raised), written in inbox order, instead
  /// of queueing them: a history of millions of tweets then costs one sequential write
  /// per inbox row, not a random inbox page each. Tweets that mention someone are still
  /// queued, for the worker's notifications. The imported users are new, so no one
  /// else follows them and no live stream can be waiting for these tweets.
  bool push_history = false;
  /// The page cache during the import, MiB (never below the connection's own): what
  /// an import of millions of follows needs to insert into two indexes without reading
  /// a page back per row. Allocated only as pages are touched; restored afterwards.
  std::int64_t cache_mib = 1024;
};

class Bulk : public Service {
public:
  using Service::Service;

  /// Called now and then with (rows done, rows in all).
  using Progress = std::function<void(std::size_t done, std::size_t total)>;
  /// Adds many users, follows and tweets in one transaction, through the same rules
  /// (handles, text) as the one-by-one calls, with exact counters. Tweets are queued
  /// for fan-out like posts, unless OPTIONS push them. Returns the new users' ids, in
  /// input order. A refused import writes nothing.
  Result<std::vector<Id>> import(const BulkData& data, const Progress& progress = {},
                                 const BulkOptions& options = {});
};

}  // namespace chirp
