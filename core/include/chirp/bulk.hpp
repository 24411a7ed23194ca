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

class Bulk : public Service {
public:
  using Service::Service;

  /// Called now and then with (rows done, rows in all).
  using Progress = std::function<void(std::size_t done, std::size_t total)>;
  /// Adds many users, follows and tweets in one transaction, through the same rules
  /// (handles, text) as the one-by-one calls, with exact counters. Tweets are queued
  /// for fan-out like posts. Returns the new users' ids, in input order. A refused
  /// import writes nothing.
  Result<std::vector<Id>> import(const BulkData& data, const Progress& progress = {});
};

}  // namespace chirp
