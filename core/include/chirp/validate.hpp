#pragma once
/// The input rules, in one place. Each returns the cleaned value or an Error saying why.

#include <chirp/error.hpp>
#include <chirp/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace chirp {

constexpr int k_max_tweet_chars = 280;
constexpr int k_max_handle_chars = 15;
constexpr int k_max_name_chars = 50;
constexpr int k_max_bio_chars = 160;
constexpr int k_min_password_bytes = 8;
constexpr int k_max_password_bytes = 1024;
constexpr int k_max_media_urls = 4;
constexpr int k_max_media_url_bytes = 2048;

/// Tweet text: valid UTF-8, no control characters but newline and tab, 1..280 code
/// points after trimming white space at both ends. Returns the trimmed text.
Result<std::string> validate_tweet_text(std::string_view text);
/// REF without a leading '@': "@alice" and "alice" name the same handle.
std::string_view handle_part(std::string_view ref);
/// True when Users::find(REF) would return USER, decided without a query: REF is
/// USER's handle (any case, optionally with '@'), or USER's numeric id written with more
/// digits than a handle can have (a shorter number could be another user's handle).
bool refers_to(std::string_view ref, const User& user);

/// A page request within bounds: limit from 1 to k_max_page_limit.
Result<void> validate_page(const PageRequest& page);

/// Handle: [A-Za-z0-9_]{1,15}.
Result<std::string> validate_handle(std::string_view handle);
/// Display name (0..50 code points) and bio (0..160), trimmed, valid UTF-8, one line.
Result<std::string> validate_name(std::string_view name);
Result<std::string> validate_bio(std::string_view bio);
/// Password: 8..1024 bytes of valid UTF-8.
Result<void> validate_password(std::string_view password);
/// Media URLs: at most 4 http(s) URLs of at most 2048 bytes without spaces.
Result<std::vector<std::string>> validate_media_urls(const std::vector<std::string>& urls);

/// Number of Unicode code points in valid UTF-8 TEXT.
std::size_t code_points(std::string_view text);

}  // namespace chirp
