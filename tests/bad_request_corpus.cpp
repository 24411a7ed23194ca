// The corpus as data: one row per hostile request, grouped by what it attacks. Each
// row is the exact bytes sent and the statuses allowed; everything else (a 2xx, a 5xx,
// a hang, another 4xx) fails the test. Bytes are spelled out rather than produced by
// an HTTP client, which would refuse to send most of them.
#include "bad_request_corpus.hpp"

#include "jwt_support.hpp"

#include <fmt/core.h>

#include <functional>
#include <initializer_list>

namespace chirp::test {

namespace {

using nlohmann::json;

constexpr const char* k_crlf = "\r\n";

/// A request: REQUEST_LINE, Host, the HEADERS lines, Content-Length when BODY is not
/// empty, then BODY. No Connection: close, so that one connection can carry several.
std::string http(const std::string& request_line, std::initializer_list<std::string> headers,
                 const std::string& body = "") {
  std::string out = request_line + k_crlf + "Host: 127.0.0.1" + k_crlf;
  for (const auto& h : headers) out += h + k_crlf;
  if (!body.empty()) out += fmt::format("Content-Length: {}{}", body.size(), k_crlf);
  return out + k_crlf + body;
}

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token; }

constexpr const char* k_json_type = "Content-Type: application/json";

/// POST /tweets with a valid body, as TOKEN (an Authorization value): a refusal is the
/// token's doing.
std::string post_as(const std::string& authorization) {
  return http("POST /tweets HTTP/1.1", {authorization, k_json_type}, R"({"text":"corpus"})");
}

/// POST TARGET with BODY as JSON, as alice.
std::string post_body(const KnownData& k, const std::string& target, const std::string& body,
                      const std::string& type = k_json_type) {
  return http("POST " + target + " HTTP/1.1", {bearer(k.alice_token), type}, body);
}

/// A request line with TARGET, as alice, no body.
std::string get_as_alice(const KnownData& k, const std::string& target,
                         const std::string& method = "GET") {
  return http(method + " " + target + " HTTP/1.1", {bearer(k.alice_token)});
}

/// TOKEN's header and payload parts decoded, changed by the caller, and signed again
/// with the server's secret: only the change can make the server refuse it.
std::string resigned(const KnownData& k, const std::function<void(json&, json&)>& change,
                     const std::string& digest = "sha256") {
  auto parts = jwt_parts(k.alice_token);
  json header = json::parse(base64url_decode(parts.at(0)));
  json payload = json::parse(base64url_decode(parts.at(1)));
  change(header, payload);
  return make_jwt(header, payload, k.secret, digest);
}

/// HEADER_PART.PAYLOAD_PART signed with the server's secret, the parts as given.
std::string signed_parts(const KnownData& k, const std::string& header_part,
                         const std::string& payload_part) {
  std::string data = header_part + "." + payload_part;
  return data + "." + base64url_encode(hmac("sha256", k.secret, data));
}

void add_token_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  const auto parts = jwt_parts(k.alice_token);
  const std::string payload_part = parts.at(1);
  const std::string header_part = parts.at(0);
  auto refused = [&](std::string name, std::string authorization) {
    out.push_back({"token: " + std::move(name), post_as(authorization), {401}});
  };
  refused("one part", bearer("abc"));
  refused("two parts", bearer(header_part + "." + payload_part));
  refused("four parts", bearer(k.alice_token + ".x"));
  refused("empty parts", bearer(".."));
  refused("header not JSON",
          bearer(signed_parts(k, base64url_encode("not json"), payload_part)));
  refused("header a JSON array",
          bearer(signed_parts(k, base64url_encode(R"(["HS256"])"), payload_part)));
  refused("header a JSON string",
          bearer(signed_parts(k, base64url_encode(R"("HS256")"), payload_part)));
  // A duplicated name: the last value is the one JSON parsers keep.
  refused("header with a duplicated alg",
          bearer(signed_parts(k, base64url_encode(R"({"alg":"HS256","alg":"none"})"),
                              payload_part)));
  refused("payload not JSON", bearer(signed_parts(k, header_part, base64url_encode("{"))));
  refused("payload a JSON array", bearer(signed_parts(k, header_part, base64url_encode("[1]"))));
  const std::string nul_payload("{\"sub\":\"1\0\"}", 12);
  refused("payload with a NUL byte",
          bearer(signed_parts(k, header_part, base64url_encode(nul_payload))));
  refused("alg a number", bearer(resigned(k, [](json& h, json&) { h["alg"] = 1; })));
  refused("alg an array", bearer(resigned(k, [](json& h, json&) { h["alg"] = {"HS256"}; })));
  refused("alg null", bearer(resigned(k, [](json& h, json&) { h["alg"] = nullptr; })));
  refused("alg missing", bearer(resigned(k, [](json& h, json&) { h.erase("alg"); })));
  refused("alg lower case", bearer(resigned(k, [](json& h, json&) { h["alg"] = "hs256"; })));
  refused("alg HS512", bearer(resigned(k, [](json& h, json&) { h["alg"] = "HS512"; }, "sha512")));
  refused("alg none", bearer(make_jwt({{"alg", "none"}, {"typ", "JWT"}},
                                      json::parse(base64url_decode(payload_part)), "", "none")));
  refused("typ a number", bearer(resigned(k, [](json& h, json&) { h["typ"] = 7; })));
  refused("sub a number", bearer(resigned(k, [](json&, json& p) {
            p["sub"] = std::stoll(p["sub"].get<std::string>());
          })));
  refused("sub past int64", bearer(resigned(k, [](json&, json& p) {
            p["sub"] = "99999999999999999999";
          })));
  refused("sub negative", bearer(resigned(k, [](json&, json& p) { p["sub"] = "-1"; })));
  refused("sub with trailing junk", bearer(resigned(k, [](json&, json& p) {
            p["sub"] = p["sub"].get<std::string>() + "x";
          })));
  refused("exp a string", bearer(resigned(k, [](json&, json& p) {
            p["exp"] = std::to_string(p["exp"].get<std::int64_t>());
          })));
  refused("exp a fraction", bearer(resigned(k, [](json&, json& p) { p["exp"] = 1e12 + 0.5; })));
  refused("exp past int64", bearer(resigned(k, [](json&, json& p) {
            p["exp"] = 99999999999999999999.0;
          })));
  refused("expired", bearer(resigned(k, [](json&, json& p) { p["exp"] = unix_now() - 10; })));
  refused("issued in the future",
          bearer(resigned(k, [](json&, json& p) { p["iat"] = unix_now() + 3600; })));
  refused("another issuer", bearer(resigned(k, [](json&, json& p) { p["iss"] = "chirq"; })));
  refused("an old token version", bearer(resigned(k, [](json&, json& p) {
            p["ver"] = p["ver"].get<std::int64_t>() + 1;
          })));
  refused("a user that does not exist",
          bearer(resigned(k, [](json&, json& p) { p["sub"] = "12345"; })));
  std::string flipped = k.alice_token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  refused("signature altered", bearer(flipped));
  refused("base64 padding", bearer(header_part + "=." + payload_part + "." + parts.at(2)));
  refused("NUL after the token", bearer(k.alice_token + std::string(1, '\0')));
  refused("NUL and junk after the token", bearer(k.alice_token + std::string("\0junk", 5)));
  refused("space inside", bearer(header_part + ". " + payload_part + "." + parts.at(2)));
  refused("scheme Basic", "Authorization: Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==");
  refused("scheme without a space", "Authorization: Bearer" + k.alice_token);
  refused("scheme alone", "Authorization: Bearer");
  refused("token alone", "Authorization: " + k.alice_token);
  refused("empty Authorization", "Authorization:");
  refused("Authorization folded over two lines", std::string("Authorization: Bearer\r\n ") +
                                                     k.alice_token);
  refused("Authorization with a space before the colon",
          "Authorization : Bearer " + k.alice_token);
  out.push_back({"token: two Authorization fields, both valid",
                 http("POST /tweets HTTP/1.1",
                      {bearer(k.alice_token), bearer(k.alice_token), k_json_type},
                      R"({"text":"corpus"})"),
                 {401}});
  out.push_back({"token: a bad token on a public read",
                 http("GET /users/alice HTTP/1.1", {bearer("x.y.z")}), {401}});
}

void add_body_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  auto body = [&](std::string name, std::string text, std::vector<int> statuses,
                  const std::string& target = "/tweets") {
    out.push_back({"body: " + std::move(name), post_body(k, target, text), std::move(statuses),
                   false, false, true});
  };
  using namespace std::string_literals;
  body("NUL after the JSON", "{\"text\":\"x\"}\0junk"s, {400});
  body("NUL inside a string", "{\"text\":\"a\0b\"}"s, {400});
  body("NUL before the JSON", "\0{\"text\":\"x\"}"s, {400});
  body("a JSON array", R"(["corpus"])", {400});
  body("a JSON string", R"("corpus")", {400});
  body("a JSON number", "5", {400});
  body("JSON null", "null", {400});
  body("not JSON", "text=corpus", {400});
  body("truncated JSON", R"({"text":"corpus")", {400});
  body("two JSON documents", R"({"text":"a"}{"text":"b"})", {400});
  body("trailing junk", R"({"text":"corpus"} junk)", {400});
  body("text a number", R"({"text":5})", {400});
  body("text an object", R"({"text":{"a":1}})", {400});
  body("text an array", R"({"text":["corpus"]})", {400});
  body("text missing", R"({"txt":"corpus"})", {400});
  body("text empty", R"({"text":""})", {422});
  body("text only spaces", R"({"text":"   "})", {422});
  body("text of 281 characters", json{{"text", std::string(281, 'a')}}.dump(), {422});
  body("text with an escaped NUL", R"({"text":"a\u0000b"})", {422});
  body("text with a lone surrogate", R"({"text":"\ud800"})", {400, 422});
  body("text of invalid UTF-8", "{\"text\":\"\xff\xfe\"}", {400});
  body("text of overlong UTF-8", "{\"text\":\"\xc0\xaf\"}", {400});
  body("reply_to an object", R"({"text":"corpus","reply_to":{}})", {400});
  body("reply_to negative", R"({"text":"corpus","reply_to":-1})", {400});
  body("reply_to zero", R"({"text":"corpus","reply_to":0})", {400});
  body("reply_to a fraction", R"({"text":"corpus","reply_to":1.5})", {400});
  body("reply_to past int64", R"({"text":"corpus","reply_to":99999999999999999999})", {400});
  body("reply_to a string past int64", R"({"text":"corpus","reply_to":"9223372036854775808"})",
       {400});
  body("reply_to a string of junk", R"({"text":"corpus","reply_to":"12abc"})", {400});
  body("reply_to no such tweet", R"({"text":"corpus","reply_to":"12345"})", {404});
  body("media_urls a string", R"({"text":"corpus","media_urls":"http://a.example/x.png"})",
       {400});
  body("media_urls of numbers", R"({"text":"corpus","media_urls":[1,2]})", {400});
  const std::vector<std::string> five_urls(5, "https://a.example/x.png");
  body("media_urls five", json{{"text", "corpus"}, {"media_urls", five_urls}}.dump(), {422});
  body("media_urls not URLs", R"j({"text":"corpus","media_urls":["javascript:alert(1)"]})j",
       {422});
  body("nested 17 deep", R"({"text":"corpus","x":)" + std::string(17, '[') +
                             std::string(17, ']') + "}",
       {400});
  body("nested 30,000 deep", std::string(30000, '[') + std::string(30000, ']'), {400});
  body("objects nested 10,000 deep", [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "{\"a\":";
    return s + "1" + std::string(10000, '}');
  }(), {400});
  body("register: handle a number", R"({"handle":1,"password":"correct horse"})", {400},
       "/users");
  body("register: unicode handle", R"({"handle":"älice","password":"correct horse"})", {422},
       "/users");
  body("register: handle with a NUL", R"({"handle":"ali\u0000ce","password":"correct horse"})",
       {422}, "/users");
  body("register: handle of 16 characters",
       R"({"handle":"abcdefghijklmnop","password":"correct horse"})", {422}, "/users");
  body("register: a taken handle, other case", R"({"handle":"ALICE","password":"correct horse"})",
       {409}, "/users");
  body("register: password an array", R"({"handle":"carol","password":["x"]})", {400}, "/users");
  body("login: username a number", R"({"username":1,"password":"x"})", {400}, "/login");
  body("login: password an object", R"({"username":"alice","password":{}})", {400}, "/login");
  body("login: unicode handle", R"({"username":"älice","password":"correct horse"})", {401},
       "/login");
  // Over the 64 KiB limit: declared and sent, or declared only (the server then waits
  // for a body that never comes).
  out.push_back({"body: 70,000 bytes",
                 post_body(k, "/tweets", R"({"text":"corpus")" + std::string(70000, ' ') + "}"),
                 {413}, true});
  out.push_back({"body: a terabyte declared, none sent",
                 http("POST /tweets HTTP/1.1",
                      {bearer(k.alice_token), k_json_type, "Content-Length: 1000000000000"}),
                 {413}, true, true});
}

void add_framing_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  const std::string body = R"({"text":"corpus"})";
  const std::string chunked = fmt::format("{:x}\r\n{}\r\n0\r\n\r\n", body.size(), body);
  auto framed = [&](std::string name, std::string headers, std::string rest,
                    std::vector<int> statuses, bool slow = false, std::string note = "") {
    out.push_back({"framing: " + std::move(name),
                   "POST /tweets HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer(k.alice_token) +
                       "\r\nContent-Type: application/json\r\n" + headers + "\r\n" + rest,
                   std::move(statuses), true, slow, false, std::move(note)});
  };
  const std::string n = std::to_string(body.size());
  framed("two Content-Lengths that differ",
         "Content-Length: " + n + "\r\nContent-Length: " + n + "0\r\n", body, {400});
  framed("a Content-Length list that differs", "Content-Length: " + n + ", 3\r\n", body, {400});
  framed("Content-Length negative", "Content-Length: -1\r\n", body, {400});
  framed("Content-Length in hex", "Content-Length: 0x11\r\n", body, {400});
  framed("Content-Length with a plus", "Content-Length: +" + n + "\r\n", body, {400});
  framed("Content-Length past uint64", "Content-Length: 99999999999999999999999\r\n", body,
         {400, 413});
  framed("Content-Length empty", "Content-Length:\r\n", body, {400});
  framed("Content-Length longer than the body", "Content-Length: 100\r\n", body, {400}, true);
  framed("Transfer-Encoding: chunked", "Transfer-Encoding: chunked\r\n", chunked, {411});
  framed("Transfer-Encoding: CHUNKED", "Transfer-Encoding: CHUNKED\r\n", chunked, {411});
  framed("Transfer-Encoding: gzip", "Transfer-Encoding: gzip\r\nContent-Length: " + n + "\r\n",
         body, {400, 411});
  const std::string not_decoded =
      "httplib decodes only exactly `chunked`, so it reads this body until the connection "
      "closes: answered after the 5 s read timeout, a pool thread held meanwhile";
  framed("Transfer-Encoding: chunked, identity", "Transfer-Encoding: chunked, identity\r\n",
         chunked, {400, 411}, true, not_decoded);
  framed("Transfer-Encoding: identity, chunked", "Transfer-Encoding: identity, chunked\r\n",
         chunked, {400, 411}, true, not_decoded);
  framed("Transfer-Encoding: gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n", chunked,
         {400, 411}, true, not_decoded);
  framed("Transfer-Encoding and Content-Length",
         "Transfer-Encoding: chunked\r\nContent-Length: " + n + "\r\n", chunked, {400, 411});
  framed("Transfer-Encoding folded (obs-fold)", "Transfer-Encoding:\r\n chunked\r\n", chunked,
         {400, 411}, false,
         "httplib drops the folded value; the body is then no body, and the chunked bytes "
         "are read as a next request (400)");
  framed("Transfer-Encoding with a space before the colon",
         "Transfer-Encoding : chunked\r\n", chunked, {400, 411}, false,
         "RFC 9112 section 5.1 requires 400; httplib ignores the field");
  framed("Transfer-Encoding empty", "Transfer-Encoding:\r\nContent-Length: 11\r\n",
         R"({"text":""})", {400, 411, 422});
  out.push_back({"framing: Expect: 100-continue with a bad token",
                 http("POST /tweets HTTP/1.1",
                      {bearer("x.y.z"), k_json_type, "Expect: 100-continue",
                       "Content-Length: " + n}),
                 {400, 401}, true, true});
}

void add_header_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  const std::string timeline = "GET /users/alice/timeline HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  // Each would read a home timeline but has no token: 401 unless refused first.
  auto header = [&](std::string name, std::string lines, std::vector<int> statuses,
                    std::string note = "") {
    out.push_back({"headers: " + std::move(name), timeline + lines + "\r\n", std::move(statuses),
                   true, false, false, std::move(note)});
  };
  header("a line without a colon", "NoColonHere\r\n", {400, 401},
         "RFC 9112 wants 400; httplib skips the line");
  header("a field name with a NUL", std::string("X-\0A: b\r\n", 9), {400, 401});
  header("a field of 64 KiB", "X-Big: " + std::string(65536, 'x') + "\r\n", {400});
  header("a field of 9 KiB", "X-Big: " + std::string(9000, 'x') + "\r\n", {400});
  header("5,000 fields", [] {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += fmt::format("X-H{}: v\r\n", i);
    return s;
  }(), {400, 401});
  header("a field name of spaces", "   : x\r\n", {400, 401});
  header("a field without a name", ": x\r\n", {400, 401});
  header("a bare CR in a value", "X-A: a\rb\r\n", {400, 401});
  header("Connection: Upgrade to h2c", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n",
         {400, 401});
  header("Range no part satisfies", "Range: bytes=999999-1\r\n",
         {400, 401, k_range_not_satisfiable});
  out.push_back({"headers: no Host", "POST /tweets HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                 {400, 401}, true, false, false,
                 "RFC 9112 section 3.2 requires 400; chirp answers as if Host were there"});
  out.push_back({"headers: two Hosts",
                 "POST /tweets HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 0\r\n\r\n",
                 {400, 401}, true});
  out.push_back({"headers: Content-Type text/plain",
                 post_body(k, "/tweets", R"({"text":"corpus"})", "Content-Type: text/plain"),
                 {415}, false, false, true});
  out.push_back({"headers: Content-Type form",
                 post_body(k, "/tweets", "text=corpus",
                           "Content-Type: application/x-www-form-urlencoded"),
                 {415}, false, false, true});
  out.push_back({"headers: Content-Type application/jsonx",
                 post_body(k, "/tweets", R"({"text":"corpus"})",
                           "Content-Type: application/jsonx"),
                 {415}, false, false, true});
  out.push_back({"headers: Content-Type application/json-seq",
                 post_body(k, "/tweets", R"({"text":"corpus"})",
                           "Content-Type: application/json-seq"),
                 {415}, false, false, true});
  out.push_back({"headers: Content-Type parameters only",
                 post_body(k, "/tweets", R"({"text":"corpus"})", "Content-Type: ;charset=utf-8"),
                 {415}, false, false, true});
  out.push_back({"headers: Content-Type multipart",
                 post_body(k, "/tweets", R"({"text":"corpus"})",
                           "Content-Type: multipart/form-data; boundary=x"),
                 {400, 415}, true});
  out.push_back({"headers: two Content-Types, text first",
                 http("POST /tweets HTTP/1.1",
                      {bearer(k.alice_token), "Content-Type: text/plain", k_json_type},
                      R"({"text":"corpus"})"),
                 {400, 415}, false, false, true});
}

void add_method_and_line_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  auto line = [&](std::string name, std::string bytes, std::vector<int> statuses,
                  bool keep_alive = false) {
    out.push_back({"request line: " + std::move(name), std::move(bytes), std::move(statuses), true,
                   false, keep_alive});
  };
  const std::string host = "\r\nHost: 127.0.0.1\r\n\r\n";
  line("a method of 1 KiB", std::string(1024, 'A') + " /healthz HTTP/1.1" + host, {400});
  line("a method of 64 KiB", std::string(65536, 'A') + " /healthz HTTP/1.1" + host, {400, 414});
  line("an unknown method", "BREW /tweets HTTP/1.1" + host, {400});
  line("a method in lower case", "post /tweets HTTP/1.1" + host, {400});
  line("TRACE", "TRACE /healthz HTTP/1.1" + host, {400});
  line("CONNECT", "CONNECT 127.0.0.1:80 HTTP/1.1" + host, {400});
  line("a method with a NUL", std::string("PO\0ST /tweets HTTP/1.1", 22) + host, {400});
  // A known path with a method it does not take (issue 10): 405 with Allow.
  line("PATCH a tweet", get_as_alice(k, "/tweets/" + k.alice_tweet, "PATCH"), {405}, true);
  line("PUT a user", get_as_alice(k, "/users/alice", "PUT"), {405}, true);
  line("OPTIONS *", "OPTIONS * HTTP/1.1" + host, {400, 404}, true);
  line("no version", "GET /healthz\r\nHost: 127.0.0.1\r\n\r\n", {400});
  line("HTTP/0.9", "GET /healthz\r\n\r\n", {400});
  line("HTTP/2", "GET /healthz HTTP/2" + host, {400});
  line("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400});
  line("HTTP/1.10", "GET /healthz HTTP/1.10" + host, {400});
  line("a version in lower case", "GET /healthz http/1.1" + host, {400});
  line("HTTP/9.9", "GET /healthz HTTP/9.9" + host, {400});
  line("two spaces", "POST  /tweets HTTP/1.1" + host, {400, 401});
  line("a space in the target", "GET /users/al ice HTTP/1.1" + host, {400});
  line("line feeds only", "GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n", {400});
  line("only line ends", "\r\n\r\n", {400});
  out.push_back({"request line: HTTP/1.0 POST without a token",
                 "POST /tweets HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 17"
                 "\r\n\r\n{\"text\":\"corpus\"}",
                 {401}, true});
  std::string garbage;
  for (int i = 0; i < 1024; ++i) garbage += static_cast<char>(i % 256);
  line("1 KiB of every byte value", garbage, {400});
  line("a TLS ClientHello", std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) +
                                std::string(200, '\0'),
       {400});
  out.back().slow = true;  // no line end: httplib waits for one
  out.push_back({"request line: sent alone", "GET /healthz HTTP/1.1\r\n", {400}, true, true});
}

void add_target_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  // KEEP_ALIVE: the request is well-formed HTTP, answered on a connection that stays open.
  auto target = [&](std::string name, std::string bytes, std::vector<int> statuses,
                    bool keep_alive = true) {
    out.push_back({"target: " + std::move(name), std::move(bytes), std::move(statuses), true,
                   false, keep_alive});
  };
  const std::string host = " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  target("a raw line feed", "GET /users/al\nice" + host, {400}, false);
  target("a raw CR", "GET /users/al\rice" + host, {400, 404}, false);
  target("a raw tab", "GET /users/al\tice" + host, {400, 404}, false);
  target("a raw NUL", std::string("GET /users/alice\0", 17) + host, {400}, false);
  target("percent-encoded CR LF", "GET /users/al%0d%0aice" + host, {404});
  target("percent-encoded NUL", "GET /users/alice%00" + host, {404});
  target("percent-encoded NUL in a tweet id", "GET /tweets/1%00" + host, {404});
  target("a bad percent escape", "GET /users/%zz" + host, {400, 404}, false);
  target("a truncated percent escape", "GET /users/alice%" + host, {400, 404}, false);
  target("a path of 20 KiB", "GET /users/" + std::string(20000, 'a') + host, {k_uri_too_long},
         false);
  target("a query of 20 KiB", "GET /users/alice/tweets?x=" + std::string(20000, 'a') + host,
         {k_uri_too_long}, false);
  target("dot-dot to another route", "GET /users/../healthz" + host, {404});
  target("encoded dot-dot", "GET /users/%2e%2e/tweets" + host, {404});
  target("dot-dot in a delete", get_as_alice(k, "/tweets/../users/alice", "DELETE"), {404});
  target("a double slash", "GET //healthz" + host, {404});
  target("no leading slash", "GET healthz" + host, {400, 404}, false);
  target("absolute form", "GET http://127.0.0.1/users/alice/timeline" + host, {400, 401, 404},
         false);
  target("absolute form post", post_body(k, "http://127.0.0.1/tweets", R"({"text":"corpus"})"),
         {400, 404});
  target("asterisk form", "GET *" + host, {400, 404}, false);
  target("a unicode handle", "GET /users/\xc3\xa4lice" + host, {404}, false);
  target("a percent-encoded unicode handle", "GET /users/%C3%A4lice" + host, {404});
  target("a handle of invalid UTF-8", "GET /users/%ff%fe" + host, {404});
  target("a handle of 16 characters", "GET /users/abcdefghijklmnop" + host, {404});
  target("a tweet id past int64", "GET /tweets/99999999999999999999" + host, {404});
  target("a tweet id of int64 max + 1", "GET /tweets/9223372036854775808" + host, {404});
  target("a negative tweet id", "GET /tweets/-1" + host, {404});
  target("tweet id zero", "GET /tweets/0" + host, {404});
  target("a tweet id with a plus", "GET /tweets/+1" + host, {404});
  target("a tweet id in hex", "GET /tweets/0x10" + host, {404});
  target("a user id past int64", "GET /users/99999999999999999999" + host, {404});
  target("follow a user id past int64",
         get_as_alice(k, "/users/99999999999999999999/follow", "POST"), {404});
  target("like a tweet id past int64",
         get_as_alice(k, "/tweets/99999999999999999999/like", "POST"), {404});
  target("retweet a tweet id past int64",
         get_as_alice(k, "/tweets/99999999999999999999/retweet", "POST"), {404});
  target("delete a tweet id past int64", get_as_alice(k, "/tweets/99999999999999999999", "DELETE"),
         {404});
  target("follow oneself", get_as_alice(k, "/users/alice/follow", "POST"), {422});
  target("delete another's tweet", get_as_alice(k, "/tweets/" + k.bob_tweet, "DELETE"), {403});
  target("another's home timeline", get_as_alice(k, "/users/bob/timeline"), {403});
  target("another's home timeline by id", get_as_alice(k, "/users/" + k.bob_id + "/timeline"),
         {403});
  target("undo a retweet never made",
         get_as_alice(k, "/tweets/" + k.alice_tweet + "/retweet", "DELETE"), {404});
}

void add_query_attacks(std::vector<BadRequest>& out, const KnownData& k) {
  auto query = [&](std::string text) {
    // A space ends the target: the rest is a malformed request line, refused with a close.
    bool well_formed = text.find(' ') == std::string::npos;
    out.push_back({"query: " + text,
                   "GET /users/alice/tweets?" + text + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                   {400}, true, false, well_formed});
  };
  for (const char* q :
       {"limit=-1", "limit=0", "limit=201", "limit=1e9", "limit=1000000000",
        "limit=99999999999999999999", "limit=abc", "limit=", "limit=5.5", "limit=+5", "limit= 5",
        "limit=5%00", "limit=%00", "limit=%zz", "limit=0x10", "limit=5&limit=500",
        "max_id=abc", "max_id=-1", "max_id=0", "max_id=", "max_id=9223372036854775808",
        "max_id=99999999999999999999", "since_id=1.5", "since_id=-5", "since_id=%ff",
        "max_id=1&max_id=x", "limit=20&since_id=abc&max_id=1"}) {
    query(q);
  }
  out.push_back({"query: a bad limit on a home timeline",
                 get_as_alice(k, "/users/alice/timeline?limit=-1"), {400}, true, false, true});
  out.push_back({"query: a bad max_id on followers",
                 "GET /users/alice/followers?max_id=abc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                 {400}, true, false, true});
}

}  // namespace

std::vector<BadRequest> bad_request_corpus(const KnownData& known) {
  std::vector<BadRequest> out;
  add_token_attacks(out, known);
  add_body_attacks(out, known);
  add_framing_attacks(out, known);
  add_header_attacks(out, known);
  add_method_and_line_attacks(out, known);
  add_target_attacks(out, known);
  add_query_attacks(out, known);
  return out;
}

}  // namespace chirp::test
