#pragma once
// The bad-request corpus (tests/test_bad_requests.cpp): hostile and malformed requests
// as raw bytes, each with the answers a correct server may give.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace chirp::test {

/// The error statuses README.md documents (and server/http.cpp and middleware.cpp send).
inline const std::vector<int> k_documented_statuses = {400, 401, 403, 404, 405, 409,
                                                       411, 413, 415, 422, 429};
/// Statuses cpp-httplib answers on its own: a request target over 8 KiB, and a Range
/// header no part of the response satisfies. README.md does not list them.
constexpr int k_uri_too_long = 414;
constexpr int k_range_not_satisfiable = 416;

struct BadRequest {
  std::string name;
  std::string bytes;
  std::vector<int> statuses;  ///< the answers allowed
  bool may_close = false;     ///< a clean close without an answer is allowed too
  /// The server waits for bytes that never come (an incomplete request, or one whose
  /// body httplib reads until the connection closes) until its read timeout, 5 s.
  bool slow = false;
  /// The connection stays usable after the answer: the entry is also sent, one after
  /// another with others, on one kept-alive connection.
  bool keep_alive = false;
  std::string note;  ///< what a surprising allowance is about
};

/// What the corpus needs to know of the server's data.
struct KnownData {
  std::string alice_token;  ///< a valid token of alice
  std::string secret;       ///< the token signing secret
  std::string alice_id, bob_id;
  std::string alice_tweet, bob_tweet;
};

/// Every entry of the corpus, built around KNOWN (tokens are forged with its secret).
std::vector<BadRequest> bad_request_corpus(const KnownData& known);

}  // namespace chirp::test
