// The Backend over a database file: each operation is the core call of the same name.
#include "backend.hpp"
#include "saved_user.hpp"

#include <chirp/core.hpp>
#include <chirp/paths.hpp>

namespace chirp::cli {

namespace {

class LocalBackend final : public Backend {
public:
  LocalBackend(Core& core, std::string where) : m_core(core), m_where(std::move(where)) {}

  std::string where() const override { return m_where; }

  Result<User> acting_user(std::string_view handle) override { return find_user(handle); }
  std::optional<std::string> saved_acting_handle() const override {
    return saved_user(config_path());
  }
  Result<std::pair<User, std::string>> save_acting_user(std::string_view handle) override;

  Result<User> create_user(const NewUser& user) override { return m_core.users().create(user); }
  Result<User> find_user(std::string_view ref) override { return m_core.users().find(ref); }
  Result<User> profile(std::string_view ref, Id viewer) override {
    auto user = m_core.users().find(ref);
    if (user) m_core.notifications().add_unread_count(*user, viewer);
    return user;
  }
  Result<Page<User>> list_users(const PageRequest& page) override {
    return m_core.users().list(page);
  }

  Result<Tweet> post(Id author, const NewTweet& tweet) override {
    return m_core.tweets().post(author, tweet);
  }
  Result<Tweet> retweet(Id user, Id tweet) override { return m_core.tweets().retweet(user, tweet); }
  Result<void> unretweet(Id user, Id tweet) override {
    return m_core.tweets().unretweet(user, tweet);
  }
  Result<Tweet> like(Id user, Id tweet) override { return m_core.tweets().like(user, tweet); }
  Result<Tweet> unlike(Id user, Id tweet) override { return m_core.tweets().unlike(user, tweet); }
  Result<void> remove_tweet(Id user, Id tweet) override {
    return m_core.tweets().remove(user, tweet);
  }
  Result<Tweet> tweet(Id id, Id viewer) override { return m_core.tweets().get(id, viewer); }
  Result<Thread> thread(Id id, Id viewer) override { return m_core.tweets().thread(id, viewer); }

  Result<void> follow(Id follower, Id followee) override {
    return m_core.graph().follow(follower, followee);
  }
  Result<void> unfollow(Id follower, Id followee) override {
    return m_core.graph().unfollow(follower, followee);
  }
  Result<bool> is_following(Id follower, Id followee) override {
    return m_core.graph().is_following(follower, followee);
  }
  Result<Page<User>> followers(Id user, const PageRequest& page) override {
    return m_core.graph().followers(user, page);
  }
  Result<Page<User>> following(Id user, const PageRequest& page) override {
    return m_core.graph().following(user, page);
  }

  Result<Page<Tweet>> home_timeline(Id owner, const PageRequest& page, Id viewer) override {
    return m_core.timelines().home(owner, page, viewer);
  }
  Result<Page<Tweet>> user_timeline(Id user, const PageRequest& page, Id viewer) override {
    return m_core.timelines().user(user, page, viewer);
  }

  Result<Page<Tweet>> tag(std::string_view tag, const PageRequest& page, Id viewer) override {
    return m_core.discovery().tag(tag, page, viewer);
  }
  Result<std::vector<TagCount>> trends(int limit) override {
    return m_core.discovery().trends(limit);
  }
  Result<SearchPage<Tweet>> search_tweets(const SearchRequest& request, Id viewer) override {
    return m_core.search().tweets(request, viewer);
  }
  Result<SearchPage<User>> search_users(const SearchRequest& request, Id viewer) override {
    return m_core.search().users(request, viewer);
  }

  Result<void> block(Id user, Id other) override { return m_core.blocks().block(user, other); }
  Result<void> unblock(Id user, Id other) override { return m_core.blocks().unblock(user, other); }
  Result<void> mute(Id user, Id other) override { return m_core.blocks().mute(user, other); }
  Result<void> unmute(Id user, Id other) override { return m_core.blocks().unmute(user, other); }
  Result<bool> is_blocking(Id user, Id other) override {
    return m_core.blocks().is_blocking(user, other);
  }
  Result<bool> is_muting(Id user, Id other) override {
    return m_core.blocks().is_muting(user, other);
  }
  Result<Page<User>> blocked(Id user, const PageRequest& page) override {
    return m_core.blocks().blocked(user, page);
  }
  Result<Page<User>> muted(Id user, const PageRequest& page) override {
    return m_core.blocks().muted(user, page);
  }

  Result<Page<Notification>> notifications(Id user, const PageRequest& page,
                                           bool unread_only) override {
    return m_core.notifications().list(user, page, unread_only);
  }
  Result<std::int64_t> mark_read(Id user, Id up_to) override {
    return m_core.notifications().mark_read(user, up_to);
  }

private:
  Core& m_core;
  std::string m_where;
};

Result<std::pair<User, std::string>> LocalBackend::save_acting_user(std::string_view handle) {
  auto user = find_user(handle);
  if (!user) return std::unexpected(std::move(user.error()));
  auto path = config_path();
  save_user(path, user->handle);
  return std::pair{std::move(*user), path.string()};
}

}  // namespace

std::unique_ptr<Backend> make_local_backend(Core& core, std::string where) {
  return std::make_unique<LocalBackend>(core, std::move(where));
}

}  // namespace chirp::cli
