#pragma once
/// Tag pages and trends: reading the hashtags stored with each tweet (entities.hpp).

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chirp {

/// A tag and how many live tweets used it in the window asked about.
struct TagCount {
  std::string tag;  ///< its first spelling, without the `#`
  std::int64_t count = 0;
};

constexpr int k_default_trends = 10;
constexpr int k_max_trends = 100;
/// The window of trends: the current hour and the 23 before it.
constexpr int k_trend_hours = 24;

class Discovery : public Service {
public:
  using Service::Service;

  /// The tweets with the hashtag TAG (with or without its `#`, any case), newest
  /// first, paged like every list; retweets are not listed (their originals are).
  /// VIEWER (0 = anonymous) sets the liked/retweeted flags and decides what is hidden
  /// (blocks, mutes). invalid: TAG is not a hashtag (entities.hpp); an unused tag is an
  /// empty page.
  Result<Page<Tweet>> tag(std::string_view tag, const PageRequest& page, Id viewer = 0);

  /// The LIMIT (1..k_max_trends) most used tags of the last k_trend_hours hours, most
  /// used first (ties by name), each counted once per live tweet that uses it. Read
  /// from counts kept at every write and deletion, never by scanning tweets.
  Result<std::vector<TagCount>> trends(int limit = k_default_trends);
};

}  // namespace chirp
