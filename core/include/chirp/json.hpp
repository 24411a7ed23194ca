#pragma once
/// The one serializer of tweets and users, shared by `--format json` and the HTTP API.
/// Ids are JSON strings (many JSON tools lose precision past 2^53); times RFC 3339 UTC.

#include <chirp/types.hpp>
#include <chirp/settings.hpp>

#include <nlohmann/json.hpp>

namespace chirp {

nlohmann::json to_json(const User& user);
nlohmann::json to_json(const Tweet& tweet);
nlohmann::json to_json(const Setting& setting);
nlohmann::json to_json(const Thread& thread);

}  // namespace chirp
