// Tweet search over the FTS5 index kept with each tweet, and user search by prefix.
// Ranked results page by an opaque cursor: the newest id the first page saw (later
// tweets stay out of the later pages, so they cannot shift them) and how many ranked
// candidates the pages before went through.
#include "discovery/query.hpp"
#include "discovery/visibility.hpp"
#include "feed/hydrate.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/search.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace chirp {

using namespace detail;

namespace {

struct SearchCursor {
  Id snapshot = 0;          ///< the newest id the search reads
  std::int64_t offset = 0;  ///< ranked candidates already gone through
};

std::string write_cursor(const SearchCursor& cursor) {
  return fmt::format("{:x}-{:x}", cursor.snapshot, cursor.offset);
}

Result<SearchCursor> read_cursor(std::string_view text) {
  auto bad = [] {
    return fail(Code::invalid, "the cursor is not one a search returned (pass next_cursor as is)");
  };
  auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return bad();
  SearchCursor cursor;
  const char* end = text.data() + text.size();
  auto a = std::from_chars(text.data(), text.data() + dash, cursor.snapshot, 16);
  auto b = std::from_chars(text.data() + dash + 1, end, cursor.offset, 16);
  if (a.ec != std::errc() || a.ptr != text.data() + dash || b.ec != std::errc() || b.ptr != end ||
      cursor.snapshot <= 0 || cursor.offset <= 0) {
    return bad();
  }
  return cursor;
}

/// Where a ranked search starts: its cursor's place, or the top of what exists now.
Result<SearchCursor> start_of(Db& db, const SearchRequest& request, const char* newest_sql) {
  if (request.cursor) return read_cursor(*request.cursor);
  return SearchCursor{db.statement(newest_sql).single_int(), 0};
}

/// The cursor after a page whose candidates were VISIBLE (limit + 1 asked for).
std::optional<std::string> next_cursor(const SearchCursor& start, const Visible& visible,
                                       std::size_t limit) {
  if (visible.candidates.size() <= limit) return std::nullopt;
  return write_cursor({start.snapshot, start.offset + static_cast<std::int64_t>(
                                                          visible.places[limit - 1] + 1)});
}

// ---- tweets ---------------------------------------------------------------------------

// Every statement takes the same parameters: ?1 FTS5 expression to match, ?2 snapshot,
// ?3 max_id, ?4 since_id, ?5 author or NULL, ?6 tag ids (JSON), ?7 their number, ?8
// limit, ?9 offset, and when it excludes, ?10 the FTS5 expression excluded.
constexpr const char* k_tweet_bounds =
    " AND t.id <= ?2 AND t.id < ?3 AND t.id > ?4 AND t.deleted_at IS NULL"
    " AND (?5 IS NULL OR t.author = ?5)"
    " AND (SELECT count(*) FROM tweet_hashtags th WHERE th.tweet = t.id"
    "      AND th.hashtag IN (SELECT value FROM json_each(?6))) = ?7";
constexpr const char* k_tweet_excluded =
    " AND t.id NOT IN (SELECT rowid FROM tweet_search WHERE tweet_search MATCH ?10)";

enum class Driver { words, tag, author };

const char* tweet_sql(Driver driver, bool excluding) {
  static const std::string words =
      std::string("SELECT t.id, t.author FROM tweet_search JOIN tweets t ON t.id = tweet_search.rowid"
                  " WHERE tweet_search MATCH ?1") +
      k_tweet_bounds + " ORDER BY tweet_search.rank, t.id DESC LIMIT ?8 OFFSET ?9";
  auto by_recency = [](const char* from, bool excluded) {
    return std::string("SELECT t.id, t.author ") + from + k_tweet_bounds +
           (excluded ? k_tweet_excluded : "") + " ORDER BY t.id DESC LIMIT ?8 OFFSET ?9";
  };
  // Driven by the first tag's rows, or by the author's tweets.
  static const char* by_tag = "FROM tweet_hashtags th0 JOIN tweets t ON t.id = th0.tweet "
                              "WHERE th0.hashtag = json_extract(?6, '$[0]')";
  static const char* by_author = "FROM tweets t WHERE t.author = ?5 AND t.retweet_of IS NULL";
  static const std::string tag = by_recency(by_tag, false);
  static const std::string tag_excluding = by_recency(by_tag, true);
  static const std::string author = by_recency(by_author, false);
  static const std::string author_excluding = by_recency(by_author, true);
  switch (driver) {
    case Driver::words: return words.c_str();
    case Driver::tag: return (excluding ? tag_excluding : tag).c_str();
    case Driver::author: return (excluding ? author_excluding : author).c_str();
  }
  return words.c_str();
}

}  // namespace

Result<SearchPage<Tweet>> Search::tweets(const SearchRequest& request, Id viewer) {
  auto query = parse_search_query(request.query);
  if (!query) return std::unexpected(query.error());
  const auto limit = static_cast<std::size_t>(std::clamp(request.page.limit, 1, k_max_page_limit));
  auto& db = m_session.db;
  return db.read([&]() -> Result<SearchPage<Tweet>> {
    auto start = start_of(db, request, "SELECT coalesce(max(id), 0) FROM tweets");
    if (!start) return std::unexpected(start.error());
    std::optional<Id> author;
    if (query->from) {
      auto user = load_user_row_by_handle(db, *query->from);
      if (!user) return SearchPage<Tweet>{};  // nobody by that handle wrote anything
      author = user->user.id;
    }
    std::vector<Id> tags;
    for (const auto& name : query->tags) {
      auto q = db.statement("SELECT id FROM hashtags WHERE name = ?");
      q.bind(name);
      if (!q.step()) return SearchPage<Tweet>{};  // a tag nobody used
      tags.push_back(q->getColumn(0).getInt64());
    }
    Driver driver = !query->match.empty() ? Driver::words : !tags.empty() ? Driver::tag : Driver::author;
    bool excluding = driver != Driver::words && !query->excluded.empty();
    auto visible = collect_visible(m_session, viewer, limit + 1, [&](std::size_t offset, std::size_t n) {
      auto q = db.statement(tweet_sql(driver, excluding));
      q.bind(query->match, start->snapshot, request.page.max_id.value_or(std::numeric_limits<Id>::max()),
             request.page.since_id.value_or(0), author, json_array(tags),
             static_cast<std::int64_t>(tags.size()), n,
             start->offset + static_cast<std::int64_t>(offset));
      if (excluding) q->bind(10, query->excluded);
      std::vector<Candidate> out;
      while (q.step()) out.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getInt64()});
      return out;
    });
    std::vector<Id> ids;
    for (std::size_t i = 0; i < visible.candidates.size() && i < limit; ++i) {
      ids.push_back(visible.candidates[i].tweet);
    }
    return SearchPage<Tweet>{hydrate(m_session, ids, viewer), next_cursor(*start, visible, limit)};
  });
}

// ---- users ----------------------------------------------------------------------------

namespace {

/// TEXT with LIKE's wildcards (and the escape character) escaped by a backslash.
std::string like_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

constexpr std::size_t k_max_user_query_bytes = 64;

}  // namespace

Result<SearchPage<User>> Search::users(const SearchRequest& request, Id viewer) {
  std::string_view prefix = request.query;
  while (!prefix.empty() && prefix.front() == ' ') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == ' ') prefix.remove_suffix(1);
  if (prefix.starts_with('@')) prefix.remove_prefix(1);
  if (auto ok = check_query_text(prefix, k_max_user_query_bytes, "the user search"); !ok) {
    return std::unexpected(ok.error());
  }
  const auto limit = static_cast<std::size_t>(std::clamp(request.page.limit, 1, k_max_page_limit));
  auto& db = m_session.db;
  return db.read([&]() -> Result<SearchPage<User>> {
    auto start = start_of(db, request, "SELECT coalesce(max(id), 0) FROM users");
    if (!start) return std::unexpected(start.error());
    static const std::string sql =
        "SELECT " + user_columns("") +
        " FROM users WHERE id <= ?1 AND id < ?2 AND id > ?3"
        " AND (handle LIKE ?4 ESCAPE '\\' OR name LIKE ?4 ESCAPE '\\' OR name LIKE ?5 ESCAPE '\\')"
        " AND NOT EXISTS (SELECT 1 FROM blocks WHERE (blocker = ?9 AND blocked = users.id)"
        "                 OR (blocker = users.id AND blocked = ?9))"
        " ORDER BY handle = ?6 DESC, followers_count DESC, id LIMIT ?7 OFFSET ?8";
    auto q = db.statement(sql.c_str());
    std::string escaped = like_escaped(prefix);
    q.bind(start->snapshot, request.page.max_id.value_or(std::numeric_limits<Id>::max()),
           request.page.since_id.value_or(0), escaped + "%", "% " + escaped + "%", prefix,
           limit + 1, start->offset, viewer);
    SearchPage<User> page;
    while (q.step()) page.items.push_back(read_user_row(*q).user);
    if (page.items.size() > limit) {
      page.items.resize(limit);
      page.next_cursor = write_cursor({start->snapshot, start->offset + static_cast<std::int64_t>(limit)});
    }
    return page;
  });
}

}  // namespace chirp
