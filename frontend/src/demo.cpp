#include <chirp/demo.hpp>

#include <stdexcept>

namespace chirp {

namespace {

template <class T>
T must(Result<T> result) {
  if (!result) throw std::runtime_error("demo data: " + result.error().message);
  return std::move(*result);
}

}  // namespace

bool seed_demo(Core& core) {
  if (!core.users().list({.limit = 1})->items.empty()) return false;
  auto alice = must(core.users().create({"alice", "Alice", "Writes about databases.", k_demo_password}));
  auto bob = must(core.users().create({"bob", "Bob", "Runs chirp on a laptop.", k_demo_password}));
  auto carol = must(core.users().create({"carol", "Carol", "", k_demo_password}));
  for (auto [follower, followee] : {std::pair{bob.id, alice.id}, {carol.id, alice.id},
                                    {alice.id, bob.id}, {carol.id, bob.id}}) {
    if (auto ok = core.graph().follow(follower, followee); !ok) throw std::runtime_error(ok.error().message);
  }
  auto hello = must(core.tweets().post(alice.id, {.text = "Hello, chirp! One SQLite file, one process."}));
  must(core.tweets().post(bob.id, {.text = "Replying from the terminal.", .reply_to = hello.id}));
  must(core.tweets().post(carol.id, {.text = "Timelines are pushed to inboxes, celebrities are pulled."}));
  must(core.tweets().like(bob.id, hello.id));
  must(core.tweets().retweet(carol.id, hello.id));
  return true;
}

}  // namespace chirp
