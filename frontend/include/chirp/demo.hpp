#pragma once
/// A small demo data set, so a newcomer has something to look at and curl at once.

#include <chirp/core.hpp>

namespace chirp {

/// The password of every demo user.
inline constexpr const char* k_demo_password = "chirp-demo";

/// When the database has no users: creates alice, bob and carol (password
/// k_demo_password), follows among them, and a few tweets, replies, likes and a
/// retweet (fanned out as the Core's work_queued hook decides). Returns false (and
/// changes nothing) otherwise.
bool seed_demo(Core& core);

}  // namespace chirp
