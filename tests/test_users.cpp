// Users: creation, lookup, listing, handle completion, passwords.

#include "jwt_support.hpp"
#include "support.hpp"

#include <chirp/settings.hpp>
#include <chirp/validate.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>


// Print string lists in failure messages.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
    return (out + "]").c_str();
  }
};
}  // namespace doctest

using chirp::Code;
using chirp::Id;
using chirp::test::k_test_epoch_ms;
using chirp::test::TestDb;
using chirp::test::base64url_decode;
using chirp::test::base64url_encode;
using chirp::test::jwt_parts;

namespace {

std::vector<std::string> handles_of(const std::vector<chirp::User>& users) {
  std::vector<std::string> out;
  for (const auto& u : users) out.push_back(u.handle);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("chirp::create_user") {
  TestDb db;

  SUBCASE("returns the stored user with zero counters") {
    auto user = db.core.users().create({.handle = "Alice_1", .name = " Alice ", .bio = "hi"});
    REQUIRE(user.has_value());
    CHECK(user->id > 0);
    CHECK(user->handle == "Alice_1");
    CHECK(user->name == "Alice");
    CHECK(user->bio == "hi");
    CHECK(user->created_at_ms == k_test_epoch_ms);
    CHECK(user->followers_count == 0);
    CHECK(user->following_count == 0);
    CHECK(user->tweets_count == 0);
    CHECK(user->likes_count == 0);
    auto again = db.core.users().by_id(user->id);
    REQUIRE(again.has_value());
    CHECK(again->handle == "Alice_1");
    CHECK(again->name == "Alice");
    CHECK(again->bio == "hi");
  }

  SUBCASE("handles are unique regardless of case") {
    REQUIRE(db.core.users().create({.handle = "alice"}).has_value());
    for (std::string handle : {"alice", "ALICE", "Alice"}) {
      CAPTURE(handle);
      auto clash = db.core.users().create({.handle = handle});
      REQUIRE_FALSE(clash.has_value());
      CHECK(clash.error().code == Code::conflict);
      CHECK_FALSE(clash.error().message.empty());
    }
    auto all = db.core.users().list({.limit = 200});
    REQUIRE(all.has_value());
    CHECK(all->items.size() == 1u);
  }

  SUBCASE("an invalid handle, name, bio or password is refused and nothing is stored") {
    for (std::string handle : {"", "has space", "abcdefghijklmnop", "a-b", "caf\xC3\xA9"}) {
      CAPTURE(handle);
      auto bad = db.core.users().create({.handle = handle});
      REQUIRE_FALSE(bad.has_value());
      CHECK(bad.error().code == Code::invalid);
    }
    auto long_name = db.core.users().create({.handle = "bob", .name = std::string(51, 'n')});
    REQUIRE_FALSE(long_name.has_value());
    CHECK(long_name.error().code == Code::invalid);
    auto long_bio = db.core.users().create({.handle = "bob", .bio = std::string(161, 'b')});
    REQUIRE_FALSE(long_bio.has_value());
    CHECK(long_bio.error().code == Code::invalid);
    auto short_password = db.core.users().create({.handle = "bob", .password = "short"});
    REQUIRE_FALSE(short_password.has_value());
    CHECK(short_password.error().code == Code::invalid);

    auto all = db.core.users().list({.limit = 200});
    REQUIRE(all.has_value());
    CHECK(all->items.empty());
    CHECK(db.core.users().find("bob").error().code == Code::not_found);
  }
}

TEST_CASE("chirp::find_user") {
  TestDb db;
  Id alice = db.user("Alice");
  Id bob = db.user("bob");

  SUBCASE("by handle in any case") {
    for (std::string ref : {"Alice", "alice", "ALICE", "aLiCe"}) {
      CAPTURE(ref);
      auto found = db.core.users().find(ref);
      REQUIRE(found.has_value());
      CHECK(found->id == alice);
      CHECK(found->handle == "Alice");  // stored spelling kept
    }
  }

  SUBCASE("by numeric id") {
    auto found = db.core.users().find(std::to_string(bob));
    REQUIRE(found.has_value());
    CHECK(found->id == bob);
    CHECK(found->handle == "bob");
  }

  SUBCASE("an all-digit handle is found when no user has that id") {
    Id digits = db.user("12345");
    auto found = db.core.users().find("12345");
    REQUIRE(found.has_value());
    CHECK(found->id == digits);
  }

  SUBCASE("unknown handle or id is not_found") {
    for (std::string ref : {"carol", "", "999", "al", "alice2"}) {
      CAPTURE(ref);
      auto missing = db.core.users().find(ref);
      REQUIRE_FALSE(missing.has_value());
      CHECK(missing.error().code == Code::not_found);
    }
    auto by_id = db.core.users().by_id(alice + bob);
    REQUIRE_FALSE(by_id.has_value());
    CHECK(by_id.error().code == Code::not_found);
  }

  SUBCASE("user_by_id") {
    auto found = db.core.users().by_id(alice);
    REQUIRE(found.has_value());
    CHECK(found->handle == "Alice");
  }
}

TEST_CASE("chirp::refers_to") {
  // refers_to answers "would find_user(ref) return this user?" without a query: it
  // must never say yes where find_user would find someone else (or no one).
  TestDb db;
  Id alice = db.user("Alice");
  Id digits = db.user("12345");
  auto user = [&](Id id) { return db.core.users().by_id(id).value(); };
  std::vector<std::string> refs = {"Alice", "alice", "@ALICE", "Alic", "Alice2", "",
                                   "12345", std::to_string(alice), std::to_string(digits),
                                   "@" + std::to_string(alice), std::to_string(alice + 1),
                                   "0" + std::to_string(alice)};
  for (Id id : {alice, digits}) {
    for (const auto& ref : refs) {
      CAPTURE(ref);
      if (!chirp::refers_to(ref, user(id))) continue;
      auto found = db.core.users().find(ref);
      REQUIRE(found.has_value());
      CHECK(found->id == id);
    }
  }
  CHECK(chirp::refers_to("alice", user(alice)));
  CHECK(chirp::refers_to("@ALICE", user(alice)));
  CHECK(chirp::refers_to(std::to_string(alice), user(alice)));
  CHECK_FALSE(chirp::refers_to("Alic", user(alice)));
  CHECK_FALSE(chirp::refers_to(std::to_string(alice + 1), user(alice)));
  CHECK(chirp::refers_to("12345", user(digits)));
  // A number as short as a handle may be another user's handle: left to find_user.
  chirp::User short_id = user(alice);
  short_id.id = 777;
  CHECK_FALSE(chirp::refers_to("777", short_id));
}

TEST_CASE("chirp::list_users") {
  TestDb db;
  std::vector<Id> ids;
  for (std::string handle : {"u1", "u2", "u3", "u4", "u5"}) {
    ids.push_back(db.user(handle));
    db.clock->advance_ms(1000);
  }

  SUBCASE("newest first") {
    auto page = db.core.users().list({.limit = 20});
    REQUIRE(page.has_value());
    CHECK(handles_of(page->items) == std::vector<std::string>{"u5", "u4", "u3", "u2", "u1"});
    CHECK_FALSE(page->next_max_id().has_value());
  }

  SUBCASE("paging walks every user once") {
    auto first = db.core.users().list({.limit = 2});
    REQUIRE(first.has_value());
    CHECK(handles_of(first->items) == std::vector<std::string>{"u5", "u4"});
    REQUIRE(first->next_max_id().has_value());
    auto second = db.core.users().list({.limit = 2, .max_id = first->next_max_id()});
    REQUIRE(second.has_value());
    CHECK(handles_of(second->items) == std::vector<std::string>{"u3", "u2"});
    REQUIRE(second->next_max_id().has_value());
    auto third = db.core.users().list({.limit = 2, .max_id = second->next_max_id()});
    REQUIRE(third.has_value());
    CHECK(handles_of(third->items) == std::vector<std::string>{"u1"});
    CHECK_FALSE(third->next_max_id().has_value());
  }

  SUBCASE("since_id is an exclusive lower bound") {
    auto page = db.core.users().list({.limit = 20, .since_id = ids[2]});
    REQUIRE(page.has_value());
    CHECK(handles_of(page->items) == std::vector<std::string>{"u5", "u4"});
  }

  SUBCASE("limit out of range is invalid") {
    for (int limit : {0, -1, 201}) {
      CAPTURE(limit);
      auto page = db.core.users().list({.limit = limit});
      REQUIRE_FALSE(page.has_value());
      CHECK(page.error().code == Code::invalid);
    }
    CHECK(db.core.users().list({.limit = 200}).has_value());
  }
}

TEST_CASE("chirp::handles_with_prefix") {
  TestDb db;
  for (std::string handle : {"alice", "Alicia", "alfred", "bob", "al_x", "alyx", "Al"}) {
    db.user(handle);
  }

  SUBCASE("case-insensitive prefix") {
    auto expected = std::vector<std::string>{"Al", "Alicia", "al_x", "alfred", "alice", "alyx"};
    CHECK(sorted(db.core.users().handles_with_prefix("al")) == sorted(expected));
    CHECK(sorted(db.core.users().handles_with_prefix("AL")) == sorted(expected));
    CHECK(sorted(db.core.users().handles_with_prefix("ali")) ==
          std::vector<std::string>{"Alicia", "alice"});
    // A leading '@' is read as find_user reads it.
    CHECK(sorted(db.core.users().handles_with_prefix("@ali")) ==
          std::vector<std::string>{"Alicia", "alice"});
  }

  SUBCASE("underscore and percent are not wildcards") {
    CHECK(db.core.users().handles_with_prefix("al_") == std::vector<std::string>{"al_x"});
    CHECK(db.core.users().handles_with_prefix("%").empty());
    CHECK(db.core.users().handles_with_prefix("a%").empty());
  }

  SUBCASE("empty prefix gives every handle, limit bounds the count") {
    CHECK(db.core.users().handles_with_prefix("").size() == 7u);
    CHECK(db.core.users().handles_with_prefix("al", 2).size() == 2u);
    CHECK(db.core.users().handles_with_prefix("zz").empty());
  }
}

// One linear test: every password hash costs real time (~0.3 s here), so no SUBCASEs
// re-running the setup, and as few hashes as the checks need.
TEST_CASE("chirp::check_password") {
  TestDb db;
  auto created = db.core.users().create({.handle = "alice", .password = "correct horse"});
  REQUIRE(created.has_value());
  Id nopass = db.user("nopass");

  // The stored hash is not the password: look at the database file directly.
  CHECK(chirp::test::sqlite3(db.dir / "chirp.db",
                             "SELECT count(*) FROM users WHERE handle = 'alice' AND "
                             "password_hash NOT LIKE '%correct horse%'") == "1");

  auto ok = db.core.auth().check_password("ALICE", "correct horse");  // handle in any case
  REQUIRE(ok.has_value());
  CHECK(ok->id == created->id);
  CHECK(ok->handle == "alice");

  auto wrong = db.core.auth().check_password("alice", "wrong horse");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code == Code::unauthenticated);

  auto unknown = db.core.auth().check_password("nobody", "correct horse");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Code::unauthenticated);
  CHECK(unknown.error().message == wrong.error().message);

  auto without = db.core.auth().check_password("nopass", "correct horse");
  REQUIRE_FALSE(without.has_value());
  CHECK(without.error().code == Code::unauthenticated);
  CHECK(without.error().message == wrong.error().message);

  // set_password refuses a bad password (before hashing) and replaces the old one.
  auto too_short = db.core.users().set_password(created->id, "short");
  REQUIRE_FALSE(too_short.has_value());
  CHECK(too_short.error().code == Code::invalid);
  auto missing = db.core.users().set_password(created->id + nopass, "whatever123");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::not_found);
  auto before = db.core.auth().issue_token(created->id);
  REQUIRE(before.has_value());
  REQUIRE(db.core.auth().authenticate(before->token).has_value());
  REQUIRE(db.core.users().set_password(created->id, "battery staple").has_value());
  CHECK_FALSE(db.core.auth().authenticate(before->token).has_value());  // revoked
  auto login = db.core.auth().login("alice", "battery staple");
  REQUIRE(login.has_value());
  CHECK(login->user.id == created->id);
  auto who = db.core.auth().authenticate(login->token);
  REQUIRE(who.has_value());
  CHECK(who->id == created->id);
  auto old = db.core.auth().check_password("alice", "correct horse");
  REQUIRE_FALSE(old.has_value());
  CHECK(old.error().code == Code::unauthenticated);
}

namespace {

void check_rejected(chirp::Core& core, const std::string& token) {
  auto result = core.auth().authenticate(token);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Code::unauthenticated);
}

}  // namespace

// Tokens without passwords (issue_token), so no hashing cost.
TEST_CASE("chirp::authenticate") {
  TestDb db;
  Id alice = db.user("alice");
  Id bob = db.user("bob");
  auto issued = db.core.auth().issue_token(alice);
  REQUIRE(issued.has_value());
  const std::string token = issued->token;

  SUBCASE("a fresh token names its user and expires after auth.token_ttl_hours") {
    CHECK(issued->user.id == alice);
    const auto ttl = db.core.settings().value(chirp::setting::token_ttl_hours);
    CHECK(issued->expires_at_ms == k_test_epoch_ms + ttl * 3600 * 1000);
    auto who = db.core.auth().authenticate(token);
    REQUIRE(who.has_value());
    CHECK(who->id == alice);
    CHECK(who->handle == "alice");
    auto parts = jwt_parts(token);
    REQUIRE(parts.size() == 3u);
    auto header = nlohmann::json::parse(base64url_decode(parts[0]));
    CHECK(header.at("alg") == "HS256");
  }

  SUBCASE("tokens whose parts are not the JSON objects chirp issues are refused, not thrown") {
    const std::string secret = chirp::test::read_secret(db.dir / "chirp.db");
    auto claims = nlohmann::json::parse(base64url_decode(jwt_parts(token)[1]));
    const nlohmann::json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
    // Control: the same claims signed here are accepted.
    REQUIRE(db.core.auth().authenticate(chirp::test::make_jwt(hs256, claims, secret)).has_value());
    auto future = claims;
    future["iat"] = k_test_epoch_ms / 1000 + 3600;
    for (const auto& bad : std::vector<std::string>{
             chirp::test::make_jwt(hs256, nlohmann::json::array({claims}), secret),
             chirp::test::make_jwt(hs256, nlohmann::json("x"), secret),
             chirp::test::make_jwt(hs256, nlohmann::json(3), secret),
             chirp::test::make_jwt({{"alg", 1}}, claims, secret),
             chirp::test::make_jwt({{"alg", nullptr}}, claims, secret),
             chirp::test::make_jwt({{"alg", {"HS256"}}}, claims, secret),
             chirp::test::make_jwt({{"alg", "HS256"}, {"typ", false}}, claims, secret),
             chirp::test::make_jwt({{"alg", "hs256"}, {"typ", "JWT"}}, claims, secret),
             chirp::test::make_jwt(hs256, future, secret),
             "eyJhbGciOjF9.e30.x",
             token + std::string("\0junk", 5),
             token + " ",
             " " + token,
         }) {
      CAPTURE(bad);
      check_rejected(db.core, bad);
    }
  }

  SUBCASE("a token expires with the clock") {
    const auto ttl = db.core.settings().value(chirp::setting::token_ttl_hours);
    db.clock->advance_ms(ttl * 3600 * 1000 - 1000);
    CHECK(db.core.auth().authenticate(token).has_value());
    db.clock->advance_ms(1000);
    check_rejected(db.core, token);
  }

  SUBCASE("the ttl setting is used") {
    REQUIRE(db.core.settings().set(chirp::setting::token_ttl_hours, "1").has_value());
    auto short_lived = db.core.auth().issue_token(bob);
    REQUIRE(short_lived.has_value());
    CHECK(short_lived->expires_at_ms == k_test_epoch_ms + 3600 * 1000);
    db.clock->advance_ms(3600 * 1000);
    check_rejected(db.core, short_lived->token);
  }

  SUBCASE("a changed signature is rejected") {
    auto tampered = token;
    auto pos = tampered.size() - 10;  // inside the signature, not its padding bits
    tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
    check_rejected(db.core, tampered);
  }

  SUBCASE("a changed payload is rejected") {
    auto parts = jwt_parts(token);
    REQUIRE(parts.size() == 3u);
    auto payload = nlohmann::json::parse(base64url_decode(parts[1]));
    REQUIRE(payload.contains("sub"));
    payload["sub"] = std::to_string(bob);
    check_rejected(db.core, parts[0] + "." + base64url_encode(payload.dump()) + "." + parts[2]);
  }

  SUBCASE("alg none is rejected") {
    auto parts = jwt_parts(token);
    REQUIRE(parts.size() == 3u);
    auto none = base64url_encode(R"({"alg":"none","typ":"JWT"})");
    check_rejected(db.core, none + "." + parts[1] + ".");
    check_rejected(db.core, none + "." + parts[1] + "." + parts[2]);
  }

  SUBCASE("garbage is rejected") {
    for (const std::string& junk :
         std::vector<std::string>{"", "abc", "a.b.c", "..", "Bearer " + token, token + "x"}) {
      CAPTURE(junk);
      check_rejected(db.core, junk);
    }
  }

  SUBCASE("a token signed with another secret is rejected") {
    auto other = chirp::Core::open(
        {.path = db.dir / "chirp.db", .clock = db.clock, .secret_path = db.dir / "other.secret"});
    auto foreign = other.auth().issue_token(alice);
    REQUIRE(foreign.has_value());
    CHECK(other.auth().authenticate(foreign->token).has_value());
    check_rejected(db.core, foreign->token);
    check_rejected(other, token);
  }

  SUBCASE("revoke_tokens rejects earlier tokens only") {
    REQUIRE(db.core.auth().revoke_tokens(alice).has_value());
    check_rejected(db.core, token);
    auto fresh = db.core.auth().issue_token(alice);
    REQUIRE(fresh.has_value());
    CHECK(db.core.auth().authenticate(fresh->token).has_value());
    auto missing = db.core.auth().revoke_tokens(alice + bob);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == Code::not_found);
    auto no_user = db.core.auth().issue_token(alice + bob);
    REQUIRE_FALSE(no_user.has_value());
    CHECK(no_user.error().code == Code::not_found);
  }
}
