#pragma once
// Reading the settings table (the Settings service is in <chirp/settings.hpp>).

#include "storage/db.hpp"

#include <chirp/settings.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace chirp::detail {

/// The value stored for KEY, or nullopt when unset (or unreadable).
std::optional<std::int64_t> stored_setting(Db& db, std::string_view key);
/// The spec of a setting the code names; throws std::logic_error for an unknown key.
const SettingSpec& known_setting(std::string_view key);

}  // namespace chirp::detail
