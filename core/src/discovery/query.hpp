#pragma once
// The search query language (chirp/search.hpp) read into what the search runs: an FTS5
// expression written by us, every term quoted, and the filters on stored columns.

#include <chirp/error.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chirp::detail {

struct SearchQuery {
  /// The FTS5 expression of the words and phrases to match (and those excluded), or
  /// empty when the query has none to match: then only the filters select.
  std::string match;
  /// With an empty MATCH: the FTS5 expression of the excluded terms, or empty.
  std::string excluded;
  std::optional<std::string> from;  ///< a handle
  std::vector<std::string> tags;    ///< case-folded hashtag names
};

/// QUERY read by the query language; invalid with a message naming the problem.
Result<SearchQuery> parse_search_query(std::string_view query);

/// Refuses (invalid) an empty QUERY, one longer than MAX_BYTES, invalid UTF-8 and
/// control characters; WHAT names it in messages ("the search").
Result<void> check_query_text(std::string_view query, std::size_t max_bytes, std::string_view what);

}  // namespace chirp::detail
