#include "archive/loader.hpp"

#include "feed/celebrities.hpp"
#include "feed/inbox.hpp"
#include "feed/visibility.hpp"
#include "maintenance/recount.hpp"
#include "session.hpp"
#include "social/follows.hpp"
#include "storage/counters.hpp"
#include "storage/rows.hpp"

#include <chirp/settings.hpp>
#include <chirp/snowflake.hpp>

#include <fmt/core.h>

#include <algorithm>

namespace chirp::detail {

namespace {

void sort_unique(std::vector<Id>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

Loader::Loader(Session& session)
    : m_session(session),
      m_rows(session.db, session.now_ms()),
      m_now_ms(session.now_ms()),
      m_node(static_cast<int>(session.setting(setting::node_id))) {}

void Loader::begin_batch() {
  m_added = {};
  m_present = {};
  m_self_follows = 0;
  m_touched_users.clear();
  m_touched_tweets.clear();
  m_new_follows.clear();
  m_unfollowers.clear();
  m_new_edge_users.clear();
}

bool Loader::user_exists(Id id) {
  if (m_users.contains(id)) return true;
  if (!m_session.db.statement("SELECT 1 FROM users WHERE id = ?").bind(id).step()) return false;
  m_users.insert(id);
  return true;
}

bool Loader::tweet_exists(Id id) {
  if (m_tweets.contains(id)) return true;
  if (!m_session.db.statement("SELECT 1 FROM tweets WHERE id = ?").bind(id).step()) return false;
  m_tweets.insert(id);
  return true;
}

Result<void> Loader::load(Record& record) {
  return std::visit(
      [&](auto& r) -> Result<void> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, HeaderRecord>) {
          return {};
        } else if constexpr (std::is_same_v<T, UserRecord>) {
          return load_user(r);
        } else if constexpr (std::is_same_v<T, FollowRecord>) {
          return load_follow(r);
        } else if constexpr (std::is_same_v<T, TweetRecord>) {
          return load_tweet(r);
        } else if constexpr (std::is_same_v<T, LikeRecord>) {
          return load_like(r);
        } else if constexpr (std::is_same_v<T, BlockRecord>) {
          return load_block(r);
        } else if constexpr (std::is_same_v<T, MuteRecord>) {
          return load_mute(r);
        } else {
          return load_edge(r);
        }
      },
      record);
}

Result<void> Loader::load_user(const UserRecord& user) {
  auto added = m_rows.add_user(user);
  if (!added) return std::unexpected(added.error());
  if (*added) {
    ++m_added.users;
    m_touched_users.push_back(user.id);
  } else {
    ++m_present.users;
  }
  m_users.insert(user.id);
  return {};
}

Result<void> Loader::load_follow(const FollowRecord& follow) {
  for (Id id : {follow.follower, follow.followee}) {
    if (!user_exists(id)) {
      return fail(Code::invalid,
                  fmt::format("a follow names user {}, which neither the database nor an "
                              "earlier line holds",
                              id));
    }
  }
  // As Graph::follow refuses it. Exports write blocks before follows, so this is a
  // follow the block did not end in the database it came from (`chirp check` there
  // reports it), or one the database imported into forbids.
  if (blocked_either_way(m_session.db, follow.follower, follow.followee)) {
    return fail(Code::invalid,
                fmt::format("user {} follows user {}, but a block stands between them (a block "
                            "ends the follows both ways)",
                            follow.follower, follow.followee));
  }
  if (!m_rows.add_follow(follow)) {
    ++m_present.follows;
    return {};
  }
  ++m_added.follows;
  m_touched_users.push_back(follow.follower);
  m_touched_users.push_back(follow.followee);
  m_new_follows.emplace_back(follow.followee, follow.follower);
  return {};
}

Result<void> Loader::load_tweet(const TweetRecord& tweet) {
  if (!user_exists(tweet.author)) {
    return fail(Code::invalid, fmt::format("tweet {} names the author {}, which neither the "
                                           "database nor an earlier line holds",
                                           tweet.id, tweet.author));
  }
  for (auto ref : {tweet.reply_to, tweet.retweet_of}) {
    if (ref && !tweet_exists(*ref)) {
      return fail(Code::invalid,
                  fmt::format("tweet {} {} tweet {}, which neither the database nor an earlier "
                              "line holds",
                              tweet.id, tweet.reply_to ? "replies to" : "retweets", *ref));
    }
  }
  auto added = m_rows.add_tweet(tweet);
  if (!added) return std::unexpected(added.error());
  m_tweets.insert(tweet.id);
  if (!*added) {
    ++m_present.tweets;
    return {};
  }
  ++m_added.tweets;
  m_touched_users.push_back(tweet.author);
  m_touched_tweets.push_back(tweet.id);
  if (tweet.reply_to) m_touched_tweets.push_back(*tweet.reply_to);
  if (tweet.retweet_of) m_touched_tweets.push_back(*tweet.retweet_of);
  return {};
}

Result<void> Loader::load_like(const LikeRecord& like) {
  if (!user_exists(like.liker)) {
    return fail(Code::invalid, fmt::format("a like names user {}, which neither the database "
                                           "nor an earlier line holds",
                                           like.liker));
  }
  if (!tweet_exists(like.tweet)) {
    return fail(Code::invalid, fmt::format("a like names tweet {}, which neither the database "
                                           "nor an earlier line holds",
                                           like.tweet));
  }
  if (!m_rows.add_like(like)) {
    ++m_present.likes;
    return {};
  }
  ++m_added.likes;
  m_touched_users.push_back(like.liker);
  m_touched_tweets.push_back(like.tweet);
  return {};
}

namespace {

void bump_hides_version_of(Db& db, Id user) {
  db.statement("UPDATE users SET hides_version = hides_version + 1 WHERE id = ?").bind(user).exec();
}

}  // namespace

Result<void> Loader::load_block(const BlockRecord& block) {
  for (Id id : {block.blocker, block.blocked}) {
    if (!user_exists(id)) {
      return fail(Code::invalid,
                  fmt::format("a block names user {}, which neither the database nor an "
                              "earlier line holds",
                              id));
    }
  }
  if (!m_rows.add_block(block)) {
    ++m_present.blocks;
    return {};
  }
  ++m_added.blocks;
  // What Blocks::block does beside the row: the follows end both ways (in the database
  // imported into, or from earlier lines), and what both users do not see is restamped.
  for (auto [follower, followee] : {std::pair{block.blocker, block.blocked},
                                    std::pair{block.blocked, block.blocker}}) {
    if (end_follow(m_session, follower, followee)) {
      m_unfollowers.push_back(follower);
      std::erase(m_new_follows, std::pair{followee, follower});
    }
  }
  bump_hides_version_of(m_session.db, block.blocker);
  bump_hides_version_of(m_session.db, block.blocked);
  m_touched_users.push_back(block.blocker);
  m_touched_users.push_back(block.blocked);
  return {};
}

Result<void> Loader::load_mute(const MuteRecord& mute) {
  for (Id id : {mute.muter, mute.muted}) {
    if (!user_exists(id)) {
      return fail(Code::invalid,
                  fmt::format("a mute names user {}, which neither the database nor an "
                              "earlier line holds",
                              id));
    }
  }
  if (!m_rows.add_mute(mute)) {
    ++m_present.mutes;
    return {};
  }
  ++m_added.mutes;
  bump_hides_version_of(m_session.db, mute.muter);
  return {};
}

Result<Id> Loader::edge_user(const std::string& number) {
  if (auto it = m_edge_users.find(number); it != m_edge_users.end()) return it->second;
  if (auto it = m_new_edge_users.find(number); it != m_new_edge_users.end()) return it->second;
  std::string handle = "u" + number;
  Id id = 0;
  if (auto row = load_user_row_by_handle(m_session.db, handle)) {
    id = row->user.id;
    ++m_present.users;
  } else {
    if (m_last_user_id == 0) m_last_user_id = next_user_id(m_session.db, m_now_ms, m_node) - 1;
    id = next_snowflake(m_now_ms, m_node, m_last_user_id);
    m_last_user_id = id;
    auto added = m_rows.add_user({.id = id, .handle = handle, .created_at_ms = m_now_ms});
    if (!added) return std::unexpected(added.error());
    ++m_added.users;
    m_touched_users.push_back(id);
  }
  m_users.insert(id);
  // Known for the rest of this batch; for later batches once it commits.
  m_new_edge_users.emplace(number, id);
  return id;
}

Result<void> Loader::load_edge(const EdgeRecord& edge) {
  if (edge.follower == edge.followee) {
    ++m_self_follows;
    return {};
  }
  auto follower = edge_user(edge.follower);
  if (!follower) return std::unexpected(follower.error());
  auto followee = edge_user(edge.followee);
  if (!followee) return std::unexpected(followee.error());
  return load_follow({*follower, *followee, m_now_ms});
}

void Loader::finish_batch() {
  auto& db = m_session.db;
  sort_unique(m_touched_users);
  sort_unique(m_touched_tweets);
  set_counters_to_recounts_of(db, json_array(m_touched_users), json_array(m_touched_tweets));
  if (m_new_follows.empty() && m_unfollowers.empty()) return;
  // Every follower's cached list of followed celebrities is stale now.
  std::vector<Id> followers = m_unfollowers;
  for (const auto& [followee, follower] : m_new_follows) followers.push_back(follower);
  sort_unique(followers);
  db.statement(
        "UPDATE users SET follows_version = follows_version + 1 "
        "WHERE id IN (SELECT value FROM json_each(?))")
      .bind(json_array(followers))
      .exec();
  bump_celebrity_epoch(db);
  // A new follow of someone who already has tweets is back-filled as Graph::follow
  // does it. Tweets of this batch are queued, and fan-out pushes them to every
  // follower then; back-filling them too is harmless (an inbox row is a key).
  std::sort(m_new_follows.begin(), m_new_follows.end());
  std::int64_t threshold = m_session.setting(setting::celebrity_threshold);
  std::int64_t cap = m_session.setting(setting::inbox_cap);
  for (std::size_t i = 0; i < m_new_follows.size();) {
    Id followee = m_new_follows[i].first;
    std::size_t end = i;
    while (end < m_new_follows.size() && m_new_follows[end].first == followee) ++end;
    bool has_tweets =
        db.statement("SELECT 1 FROM tweets WHERE author = ? AND deleted_at IS NULL LIMIT 1")
            .bind(followee)
            .step();
    if (has_tweets) {
      auto reach = load_reach(db, followee);
      if (reach && reach->followers_count > threshold) {
        // Not back-filled: these inboxes lack the followee's earlier tweets.
        mark_pulled(db, followee);
      } else {
        for (std::size_t k = i; k < end; ++k) backfill_inbox(db, m_new_follows[k].second, followee, cap);
      }
    }
    i = end;
  }
}

bool Loader::committed(ImportReport& report) {
  m_edge_users.merge(m_new_edge_users);
  m_new_edge_users.clear();
  report.added.users += m_added.users;
  report.added.follows += m_added.follows;
  report.added.tweets += m_added.tweets;
  report.added.likes += m_added.likes;
  report.added.blocks += m_added.blocks;
  report.added.mutes += m_added.mutes;
  report.present.users += m_present.users;
  report.present.follows += m_present.follows;
  report.present.tweets += m_present.tweets;
  report.present.likes += m_present.likes;
  report.present.blocks += m_present.blocks;
  report.present.mutes += m_present.mutes;
  report.self_follows += m_self_follows;
  ++report.batches;
  return m_added.tweets > 0;
}

}  // namespace chirp::detail
