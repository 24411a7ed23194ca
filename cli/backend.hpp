#pragma once
// The seam between the commands and where chirp runs. A command asks a Backend, never
// the Core itself: LocalBackend answers from the database file (through core), and
// RemoteBackend from a `chirp serve` over HTTP. Both return the same plain structs and
// the same Errors (the server's come from the same core rules), so a command has one
// code path and prints the same either way. Commands that only make sense on a database
// file (serve, config, backup...) call Context::core(), which refuses in remote mode.
//
// The operations mirror core's API (chirp/users.hpp, tweets.hpp, graph.hpp,
// timelines.hpp), with ids for the acting user: a RemoteBackend acts as the user whose
// login acting_user() found. A new command with an HTTP route adds its operation here,
// once in each implementation (see ARCHITECTURE.md, "Remote mode").

#include "remote_stream.hpp"

#include <chirp/discovery.hpp>
#include <chirp/error.hpp>
#include <chirp/notifications.hpp>
#include <chirp/search.hpp>
#include <chirp/types.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace chirp {
class Core;
}

namespace chirp::cli {

class Backend {
public:
  virtual ~Backend() = default;

  /// "the database /path/chirp.db" or "http://host:port": where the commands act.
  virtual std::string where() const = 0;

  /// The acting user HANDLE names. Remotely it must be logged in on the server (a
  /// Failure says how to log in otherwise); later calls with its id act as it.
  virtual Result<User> acting_user(std::string_view handle) = 0;
  /// The acting user when none is named on the command line or in the environment:
  /// `chirp use`'s locally, the last login (or `chirp use`) on the server remotely.
  virtual std::optional<std::string> saved_acting_handle() const = 0;
  /// Makes HANDLE (an existing user) the saved acting user; returns the user and
  /// where it was saved.
  virtual Result<std::pair<User, std::string>> save_acting_user(std::string_view handle) = 0;

  // Users
  virtual Result<User> create_user(const NewUser& user) = 0;
  virtual Result<User> find_user(std::string_view ref) = 0;
  /// REF's profile as VIEWER sees it (0: anyone): their own has unread_notifications.
  virtual Result<User> profile(std::string_view ref, Id viewer) = 0;
  virtual Result<Page<User>> list_users(const PageRequest& page) = 0;

  // Tweets (USER and VIEWER are acting users' ids; a VIEWER of 0 is nobody)
  virtual Result<Tweet> post(Id author, const NewTweet& tweet) = 0;
  virtual Result<Tweet> retweet(Id user, Id tweet) = 0;
  virtual Result<void> unretweet(Id user, Id tweet) = 0;
  virtual Result<Tweet> like(Id user, Id tweet) = 0;
  virtual Result<Tweet> unlike(Id user, Id tweet) = 0;
  virtual Result<void> remove_tweet(Id user, Id tweet) = 0;
  virtual Result<Tweet> tweet(Id id, Id viewer) = 0;
  virtual Result<Thread> thread(Id id, Id viewer) = 0;

  // The follow graph
  virtual Result<void> follow(Id follower, Id followee) = 0;
  virtual Result<void> unfollow(Id follower, Id followee) = 0;
  virtual Result<bool> is_following(Id follower, Id followee) = 0;
  virtual Result<Page<User>> followers(Id user, const PageRequest& page) = 0;
  virtual Result<Page<User>> following(Id user, const PageRequest& page) = 0;

  // Timelines
  virtual Result<Page<Tweet>> home_timeline(Id owner, const PageRequest& page, Id viewer) = 0;
  virtual Result<Page<Tweet>> user_timeline(Id user, const PageRequest& page, Id viewer) = 0;

  // Discovery (chirp/discovery.hpp, search.hpp)
  virtual Result<Page<Tweet>> tag(std::string_view tag, const PageRequest& page, Id viewer) = 0;
  virtual Result<std::vector<TagCount>> trends(int limit) = 0;
  virtual Result<SearchPage<Tweet>> search_tweets(const SearchRequest& request, Id viewer) = 0;
  virtual Result<SearchPage<User>> search_users(const SearchRequest& request, Id viewer) = 0;

  // Blocks and mutes (chirp/blocks.hpp), USER acting on OTHER
  virtual Result<void> block(Id user, Id other) = 0;
  virtual Result<void> unblock(Id user, Id other) = 0;
  virtual Result<void> mute(Id user, Id other) = 0;
  virtual Result<void> unmute(Id user, Id other) = 0;
  virtual Result<bool> is_blocking(Id user, Id other) = 0;
  virtual Result<bool> is_muting(Id user, Id other) = 0;
  virtual Result<Page<User>> blocked(Id user, const PageRequest& page) = 0;
  virtual Result<Page<User>> muted(Id user, const PageRequest& page) = 0;

  // Notifications (chirp/notifications.hpp), USER's own
  virtual Result<Page<Notification>> notifications(Id user, const PageRequest& page,
                                                   bool unread_only) = 0;
  virtual Result<std::int64_t> mark_read(Id user, Id up_to) = 0;

  // Live updates
  /// Remote mode: OWNER's live home stream (GET /stream/home, remote_stream.hpp), opening
  /// as this returns. Over a database file none: --follow reads the database itself.
  virtual std::unique_ptr<LiveHome> live_home(Id /*owner*/) { return nullptr; }
  /// Remote mode: USER's live notifications (GET /stream/notifications); as live_home.
  virtual std::unique_ptr<LiveNotifications> live_notifications(Id /*user*/) { return nullptr; }
};

/// The backend over a database file, through CORE (which must outlive it).
std::unique_ptr<Backend> make_local_backend(Core& core, std::string where);

/// The backend over the chirp server at SERVER (a normalized URL: server_url.hpp),
/// acting with the logins saved for it (server_login.hpp). Nothing is sent until an
/// operation is called.
std::unique_ptr<Backend> make_remote_backend(const std::string& server);

}  // namespace chirp::cli
