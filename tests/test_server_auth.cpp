// End-to-end: registering, logging in, and every way a bad token must be refused.
#include "server_support.hpp"
#include "support.hpp"

#include <chirp/core.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace chirp::test;
using nlohmann::json;

namespace {

std::string error_message(const Reply& r) {
  auto j = r.json();
  return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
}

}  // namespace

TEST_CASE("server: register and log in") {
  TempDir dir;
  ServerProcess server(dir / "chirp.db");
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  auto r = post_json(client, "/users",
                     {{"handle", "alice"}, {"password", k_test_password}, {"display_name", "Alice A."}});
  REQUIRE(r.status == 201);
  CHECK(r.header("Content-Type").starts_with("application/json"));
  auto user = r.json();
  REQUIRE(user["id"].is_string());
  const std::string alice_id = user["id"];
  CHECK(alice_id.find_first_not_of("0123456789") == std::string::npos);
  CHECK(user["handle"] == "alice");
  CHECK(user["name"] == "Alice A.");
  CHECK(user["followers_count"] == 0);
  CHECK(r.header("Location") == "/users/" + alice_id);
  // Nothing about the password leaks.
  CHECK_FALSE(user.contains("password"));
  CHECK_FALSE(user.contains("password_hash"));
  CHECK(r.body.find("argon") == std::string::npos);
  CHECK(r.body.find(k_test_password) == std::string::npos);

  // Refused registrations: each changes nothing (the handle stays free or unchanged).
  r = post_json(client, "/users", {{"handle", "ALICE"}, {"password", "other password"}});
  CHECK(r.status == 409);
  CHECK(r.error_code() == "conflict");
  CHECK(user_profile(client, "alice")["name"] == "Alice A.");

  struct Bad {
    const char* what;
    std::string body;
    int status;
  };
  const std::vector<Bad> bad_registrations = {
      {"handle with a space", R"({"handle":"bad name","password":"long enough"})", 422},
      {"handle too long", R"({"handle":"abcdefghijklmnop","password":"long enough"})", 422},
      {"empty handle", R"({"handle":"","password":"long enough"})", 422},
      {"short password", R"({"handle":"bob","password":"short"})", 422},
      {"missing password", R"({"handle":"bob"})", 400},
      {"missing handle", R"({"password":"long enough"})", 400},
      {"handle is a number", R"({"handle":42,"password":"long enough"})", 400},
      {"password is an array", R"({"handle":"bob","password":["long enough"]})", 400},
      {"not JSON", "handle=bob&password=long+enough", 400},
      {"JSON array", R"(["bob","long enough"])", 400},
      {"empty body", "", 400},
  };
  for (const auto& bad : bad_registrations) {
    CAPTURE(bad.what);
    r = request(client, "POST", "/users", bad.body);
    CHECK(r.status == bad.status);
    CHECK(r.error_code() != "");
  }
  CHECK(get(client, "/users/bob").status == 404);
  CHECK(get(client, "/users/bad%20name").status == 404);

  // Login.
  r = post_json(client, "/login", {{"username", "alice"}, {"password", k_test_password}});
  REQUIRE(r.status == 200);
  auto login_reply = r.json();
  REQUIRE(login_reply["token"].is_string());
  const std::string token = login_reply["token"];
  CHECK(std::count(token.begin(), token.end(), '.') == 2);
  CHECK(login_reply["user"]["id"] == alice_id);
  REQUIRE(login_reply["expires_at"].is_string());
  CHECK(login_reply["expires_at"].get<std::string>().ends_with("Z"));
  auto claims = jwt_payload(token);
  CHECK(claims["iss"] == "chirp");
  CHECK(claims["sub"] == alice_id);
  CHECK(claims.contains("ver"));
  REQUIRE(claims["exp"].is_number_integer());
  REQUIRE(claims["iat"].is_number_integer());
  // Default auth.token_ttl_hours = 24.
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 24 * 3600);
  CHECK(std::abs(claims["iat"].get<std::int64_t>() - unix_now()) < 60);
  CHECK(post_json(client, "/tweets", {{"text", "logged in"}}, token).status == 201);

  // Handles are case-insensitive at login too.
  r = post_json(client, "/login", {{"username", "ALICE"}, {"password", k_test_password}});
  CHECK(r.status == 200);

  // A wrong password and an unknown user look the same.
  auto wrong_password =
      post_json(client, "/login", {{"username", "alice"}, {"password", "not the password"}});
  auto unknown_user =
      post_json(client, "/login", {{"username", "nobody"}, {"password", k_test_password}});
  CHECK(wrong_password.status == 401);
  CHECK(unknown_user.status == 401);
  CHECK(wrong_password.error_code() == "unauthenticated");
  CHECK(unknown_user.error_code() == "unauthenticated");
  CHECK(error_message(wrong_password) == error_message(unknown_user));
  CHECK_FALSE(wrong_password.json().contains("token"));

  CHECK(request(client, "POST", "/login", R"({"username":"alice"})").status == 400);
  CHECK(request(client, "POST", "/login", R"({"username":7,"password":"x"})").status == 400);
  CHECK(request(client, "POST", "/login", R"({"username":"alice","password":)").status == 400);
  CHECK(request(client, "POST", "/login", R"({"username":"alice","password":"p"})",
                "", "text/plain")
            .status == 415);
}

TEST_CASE("server: forged, altered and expired tokens are refused") {
  TempDir dir;
  auto db = dir / "chirp.db";
  // Default rate limits (a handful of requests here) and no Core opened by the test
  // before the server: the server itself creates the token secret.
  ServerProcess server(db, {.keep_rate_limits = true});
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  auto secret_path = db;
  secret_path += ".secret";
  struct stat st {};
  REQUIRE(::stat(secret_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);

  auto alice = register_and_login(client, "alice");
  auto bob = post_json(client, "/users", {{"handle", "bob"}, {"password", k_test_password}});
  REQUIRE(bob.status == 201);
  const std::string bob_id = bob.json()["id"];

  const std::string secret = read_secret(db);
  const json claims = jwt_payload(alice.token);
  const json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
  auto with = [&](std::function<void(json&)> change) {
    json c = claims;
    c["iat"] = unix_now();
    c["exp"] = unix_now() + 3600;
    change(c);
    return c;
  };
  auto post_with = [&](const std::string& authorization) {
    return request(client, "POST", "/tweets", json{{"text", "forged"}}.dump(), "",
                   "application/json", {{"Authorization", authorization}});
  };
  auto tweets_count = [&] { return user_profile(client, "alice")["tweets_count"].get<int>(); };

  // Control: a token signed here with the real secret and the real claims is accepted,
  // so the refusals below are for the one thing each attack changes.
  auto control = make_jwt(hs256, with([](json&) {}), secret);
  REQUIRE(post_with("Bearer " + control).status == 201);
  const int count = tweets_count();
  CHECK(count == 1);

  const std::string original_header = alice.token.substr(0, alice.token.find('.'));
  const std::string original_signature = alice.token.substr(alice.token.rfind('.') + 1);
  auto none_token = make_jwt({{"alg", "none"}, {"typ", "JWT"}}, with([](json&) {}), "", "none");

  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"alg none, empty signature", none_token},
      {"alg none, no signature part", none_token.substr(0, none_token.size() - 1)},
      {"alg None (case)", make_jwt({{"alg", "None"}}, with([](json&) {}), "", "none")},
      {"alg none with a real HS256 signature",
       make_jwt({{"alg", "none"}, {"typ", "JWT"}}, with([](json&) {}), secret)},
      {"HS512 with the real secret",
       make_jwt({{"alg", "HS512"}, {"typ", "JWT"}}, with([](json&) {}), secret, "sha512")},
      {"HS384 header, HS256 signature",
       make_jwt({{"alg", "HS384"}, {"typ", "JWT"}}, with([](json&) {}), secret)},
      {"HS256 with another key", make_jwt(hs256, with([](json&) {}), std::string(32, 'k'))},
      {"HS256 with an empty key", make_jwt(hs256, with([](json&) {}), "")},
      {"payload changed (sub = bob), signature kept",
       original_header + "." + base64url_encode(with([&](json& c) { c["sub"] = bob_id; }).dump()) +
           "." + original_signature},
      {"signature stripped", alice.token.substr(0, alice.token.rfind('.') + 1)},
      {"signature of another token", control.substr(0, control.rfind('.')) + "." + original_signature},
      {"issuer evil", make_jwt(hs256, with([](json& c) { c["iss"] = "evil"; }), secret)},
      {"no issuer", make_jwt(hs256, with([](json& c) { c.erase("iss"); }), secret)},
      {"expired",
       make_jwt(hs256, with([](json& c) {
                  c["iat"] = unix_now() - 7200;
                  c["exp"] = unix_now() - 60;
                }),
                secret)},
      {"no exp", make_jwt(hs256, with([](json& c) { c.erase("exp"); }), secret)},
      {"exp as a string",
       make_jwt(hs256, with([](json& c) { c["exp"] = std::to_string(unix_now() + 3600); }), secret)},
      {"no sub", make_jwt(hs256, with([](json& c) { c.erase("sub"); }), secret)},
      {"sub as a number",
       make_jwt(hs256, with([&](json& c) { c["sub"] = std::stoll(alice.id); }), secret)},
      {"sub of no user", make_jwt(hs256, with([](json& c) { c["sub"] = "999999999"; }), secret)},
      {"sub with trailing junk",
       make_jwt(hs256, with([&](json& c) { c["sub"] = alice.id + "x"; }), secret)},
      {"stale ver",
       make_jwt(hs256, with([](json& c) { c["ver"] = c["ver"].get<std::int64_t>() + 1; }), secret)},
      {"no ver", make_jwt(hs256, with([](json& c) { c.erase("ver"); }), secret)},
      {"garbage", "not-a-token"},
      {"three garbage parts", "a.b.c"},
      {"empty token", ""},
      {"token of bytes", std::string("\x01\x02.\x03\x04.\x05", 7)},
      // Parts that are JSON, but not objects, or objects of the wrong types: cpp-jwt
      // throws on these (they answered 500), chirp refuses them.
      {"payload an array", make_jwt(hs256, json::array({1, 2}), secret)},
      {"payload a string", make_jwt(hs256, json("sub"), secret)},
      {"payload a number", make_jwt(hs256, json(42), secret)},
      {"payload null", make_jwt(hs256, json(nullptr), secret)},
      {"header alg a number", make_jwt({{"alg", 1}}, with([](json&) {}), secret)},
      {"header alg null", make_jwt({{"alg", nullptr}, {"typ", "JWT"}}, with([](json&) {}), secret)},
      {"header alg an array",
       make_jwt({{"alg", json::array({"HS256"})}, {"typ", "JWT"}}, with([](json&) {}), secret)},
      {"header typ a number", make_jwt({{"alg", "HS256"}, {"typ", 7}}, with([](json&) {}), secret)},
      {"header an array", base64url_encode("[1]") + "." +
                              base64url_encode(with([](json&) {}).dump()) + ".c2ln"},
      {"header not JSON", base64url_encode("{alg") + "." +
                              base64url_encode(with([](json&) {}).dump()) + ".c2ln"},
      {"the issue's token", "eyJhbGciOjF9.e30.x"},
      {"alg hs256 (names are case-sensitive)",
       make_jwt({{"alg", "hs256"}, {"typ", "JWT"}}, with([](json&) {}), secret)},
      {"issued far in the future",
       make_jwt(hs256, with([](json& c) { c["iat"] = unix_now() + 30 * 86400; }), secret)},
      {"no iat", make_jwt(hs256, with([](json& c) { c.erase("iat"); }), secret)},
      {"iat a string",
       make_jwt(hs256, with([](json& c) { c["iat"] = std::to_string(unix_now()); }), secret)},
      {"base64 padding", control.substr(0, control.find('.')) + "=" +
                             control.substr(control.find('.'))},
      {"four parts", control + ".x"},
  };
  for (const auto& [what, token] : attacks) {
    CAPTURE(what);
    auto r = post_with("Bearer " + token);
    CHECK(r.status == 401);
    CHECK(r.error_code() == "unauthenticated");
  }
  for (const std::string& authorization :
       {"Basic " + base64url_encode("alice:" + std::string(k_test_password)),
        "Token " + alice.token, alice.token, std::string("Bearer"), "Bearer  " + control + "x"}) {
    CAPTURE(authorization);
    CHECK(post_with(authorization).status == 401);
  }
  // On a public endpoint too, any malformed token is a 401 (never a 500).
  for (const auto& [what, token] : attacks) {
    CAPTURE(what);
    if (token.empty()) continue;  // get() sends no Authorization for an empty token
    CHECK(get(client, "/users/alice", token).status == 401);
  }
  // The scheme name is case-insensitive (RFC 9110 section 11.1).
  for (const std::string scheme : {"bearer ", "BEARER ", "BeArEr "}) {
    CAPTURE(scheme);
    CHECK(request(client, "GET", "/users/alice/timeline", std::nullopt, "", "",
                  {{"Authorization", scheme + control}})
              .status == 200);
  }
  // Bytes after the token (a NUL, then junk) make it another token; two Authorization
  // fields are refused whatever they hold.
  for (const std::string& raw :
       {"GET /users/alice/timeline HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + control +
            std::string("\0junk", 5) + "\r\nConnection: close\r\n\r\n",
        "GET /users/alice/timeline HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + control +
            "\r\nAuthorization: Bearer " + control + "\r\nConnection: close\r\n\r\n"}) {
    CHECK(raw_exchange(server.port(), raw).status == 401);
  }
  // A bad token on a read of one's own timeline is no better.
  CHECK(get(client, "/users/alice/timeline", none_token).status == 401);
  CHECK(get(client, "/users/alice/timeline", control).status == 200);
  // None of them posted anything.
  CHECK(tweets_count() == count);
  CHECK(user_profile(client, "bob")["tweets_count"] == 0);
}

TEST_CASE("server: logout and a password change revoke earlier tokens") {
  TempDir dir;
  auto db = dir / "chirp.db";
  ServerProcess server(db);
  CHIRP_SERVER_LOG_ON_FAILURE(server);
  auto client = server.client();

  auto alice = register_and_login(client, "alice");
  const std::string first = alice.token;
  const std::string second = login(client, "alice");
  CHECK(post_json(client, "/tweets", {{"text", "one"}}, first).status == 201);
  CHECK(post_json(client, "/tweets", {{"text", "two"}}, second).status == 201);

  CHECK(request(client, "POST", "/logout").status == 401);
  auto r = request(client, "POST", "/logout", std::nullopt, second);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  for (const auto& token : {first, second}) {
    CHECK(post_json(client, "/tweets", {{"text", "after logout"}}, token).status == 401);
    CHECK(get(client, "/users/alice/timeline", token).status == 401);
    CHECK(request(client, "POST", "/logout", std::nullopt, token).status == 401);
  }
  CHECK(user_profile(client, "alice")["tweets_count"] == 2);

  const std::string third = login(client, "alice");
  CHECK(post_json(client, "/tweets", {{"text", "back"}}, third).status == 201);

  // No HTTP endpoint changes a password: the core API does, on the same database.
  {
    auto core = chirp::Core::open({.path = db});
    auto user = core.users().find("alice");
    REQUIRE(user.has_value());
    REQUIRE(core.users().set_password(user->id, "a new password").has_value());
  }
  CHECK(post_json(client, "/tweets", {{"text", "stale"}}, third).status == 401);
  CHECK(post_json(client, "/login", {{"username", "alice"}, {"password", k_test_password}})
            .status == 401);
  const std::string fourth = login(client, "alice", "a new password");
  CHECK(post_json(client, "/tweets", {{"text", "new password"}}, fourth).status == 201);
  CHECK(user_profile(client, "alice")["tweets_count"] == 4);
}
