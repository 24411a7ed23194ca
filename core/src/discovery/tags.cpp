// Tag pages and trends, read from the rows stored with each tweet (entities/).
#include "discovery/visibility.hpp"
#include "entities/store.hpp"
#include "feed/hydrate.hpp"
#include "session.hpp"
#include "storage/rows.hpp"
#include "util/paging.hpp"

#include <chirp/discovery.hpp>
#include <chirp/entities.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <limits>

namespace chirp {

using namespace detail;

namespace {

std::optional<Id> tag_id(Db& db, const std::string& name) {
  auto q = db.statement("SELECT id FROM hashtags WHERE name = ?");
  q.bind(name);
  if (!q.step()) return std::nullopt;
  return q->getColumn(0).getInt64();
}

int bounded_limit(int limit) { return std::clamp(limit, 1, k_max_page_limit); }

}  // namespace

Result<Page<Tweet>> Discovery::tag(std::string_view tag, const PageRequest& request, Id viewer) {
  std::string name = hashtag_name(tag);
  if (name.empty()) {
    return fail(Code::invalid, fmt::format("'{}' is not a hashtag: a tag is letters, digits "
                                           "and _ with at least one letter", tag));
  }
  PageRequest page = request;
  page.limit = bounded_limit(page.limit);
  auto& db = m_session.db;
  return db.read([&]() -> Result<Page<Tweet>> {
    auto id = tag_id(db, name);
    if (!id) return Page<Tweet>{};
    auto found = collect_visible(
        m_session, viewer, static_cast<std::size_t>(page.limit) + 1,
        [&](std::size_t offset, std::size_t n) {
          auto q = db.statement(
              "SELECT th.tweet, t.author FROM tweet_hashtags th JOIN tweets t ON t.id = th.tweet "
              "WHERE th.hashtag = ?1 AND th.tweet < ?2 AND th.tweet > ?3 "
              "ORDER BY th.tweet DESC LIMIT ?4 OFFSET ?5");
          q.bind(*id, page.max_id.value_or(std::numeric_limits<Id>::max()),
                 page.since_id.value_or(0), n, offset);
          std::vector<Candidate> out;
          while (q.step()) out.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getInt64()});
          return out;
        });
    std::vector<Id> fetched;
    for (const auto& c : found.candidates) fetched.push_back(c.tweet);
    return make_page(hydrate(m_session, shown_ids(fetched, page), viewer), fetched, page);
  });
}

Result<std::vector<TagCount>> Discovery::trends(int limit) {
  if (limit < 1 || limit > k_max_trends) {
    return fail(Code::invalid, fmt::format("the number of trends must be from 1 to {}", k_max_trends));
  }
  auto& db = m_session.db;
  std::int64_t hour = m_session.now_ms() / k_trend_hour_ms;
  return db.read([&]() -> Result<std::vector<TagCount>> {
    auto q = db.statement(
        "SELECT h.display, sum(hh.uses) AS n FROM hashtag_hours hh "
        "JOIN hashtags h ON h.id = hh.hashtag "
        "WHERE hh.hour BETWEEN ?1 AND ?2 GROUP BY hh.hashtag HAVING n > 0 "
        "ORDER BY n DESC, h.name LIMIT ?3");
    q.bind(hour - (k_trend_hours - 1), hour, limit);
    std::vector<TagCount> out;
    while (q.step()) {
      Cursor c(*q);
      TagCount t;
      t.tag = c.text();
      t.count = c.integer();
      out.push_back(std::move(t));
    }
    return out;
  });
}

}  // namespace chirp
