#pragma once
/// Search: tweets by their words (SQLite FTS5, kept in the tweet's own transaction),
/// users by handle or name prefix.
///
/// The query language of tweet search (README "Search"); terms are separated by spaces
/// and all of them must hold:
///   word        the word, in any case and with or without accents ("cafe" finds "café")
///   data*       a word that starts with "data"
///   "a phrase"  these words, next to each other, in this order
///   -word       not this word (also -"a phrase"); a query needs one term that is not
///               excluded
///   from:HANDLE tweets by this user
///   #tag        tweets with this hashtag, as stored (any case)
/// Results are ranked by relevance (bm25), newer first among equals; a query of only
/// from: and #tag terms lists newest first. Anything else (parentheses, `:` other than
/// from:, `^`, `{}`, a `*` not ending a word, an unbalanced `"`, control characters,
/// invalid UTF-8, a term with no letter or digit, more than k_max_search_terms terms)
/// is refused with Code::invalid and a message that names the problem: no query string
/// reaches SQLite as syntax.

#include <chirp/error.hpp>
#include <chirp/service.hpp>
#include <chirp/types.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chirp {

constexpr std::size_t k_max_search_query_bytes = 512;
constexpr std::size_t k_max_search_terms = 16;

/// A search and the page of its results asked for. CURSOR is the next_cursor of the
/// page before (opaque: it keeps the position in the ranking and the set of tweets the
/// first page saw, so that newer tweets do not shift later pages); max_id/since_id
/// bound the ids of the results as in every list.
struct SearchRequest {
  std::string query;
  PageRequest page;
  std::optional<std::string> cursor;
};

template <class T>
struct SearchPage {
  std::vector<T> items;
  /// The cursor of the next page; nullopt when this page was the last.
  std::optional<std::string> next_cursor;
};

class Search : public Service {
public:
  using Service::Service;

  /// Live tweets (not retweets) matching REQUEST.query, best first. VIEWER (0 =
  /// anonymous) sets the liked/retweeted flags and decides what is hidden (blocks,
  /// mutes). invalid: the query or the cursor cannot be read (see above).
  Result<SearchPage<Tweet>> tweets(const SearchRequest& request, Id viewer = 0);

  /// Users whose handle (REQUEST.query, one leading `@` ignored) or display name, or a
  /// word of it, starts with the query, ignoring ASCII case: an exact handle first, then
  /// by followers. VIEWER (0 = anonymous) does not find the users a block stands between
  /// them and (either way); muted users are still found, so that they can be unmuted.
  /// invalid: an empty or unreadable query, or a bad cursor.
  Result<SearchPage<User>> users(const SearchRequest& request, Id viewer = 0);
};

}  // namespace chirp
