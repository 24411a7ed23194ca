// The input rules of validate.hpp: tweet text, handles, names, bios, passwords, media.

#include <chirp/validate.hpp>

#include <doctest/doctest.h>
#include <utf8.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace {

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool mentions(const std::string& message, const std::string& word) {
  return lower(message).find(lower(word)) != std::string::npos;
}

/// Expects TEXT to be refused as invalid with a message that mentions WORD.
template <class T>
void check_invalid(const chirp::Result<T>& result, const std::string& word = "") {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == chirp::Code::invalid);
  CHECK_FALSE(result.error().message.empty());
  if (!word.empty()) {
    CHECK_MESSAGE(mentions(result.error().message, word),
                  "message \"" << result.error().message << "\" should mention " << word);
  }
}

}  // namespace

TEST_CASE("chirp::validate_tweet_text") {
  using chirp::validate_tweet_text;

  SUBCASE("plain text is returned unchanged") {
    auto text = validate_tweet_text("hello world");
    REQUIRE(text.has_value());
    CHECK(*text == "hello world");
  }

  SUBCASE("white space is trimmed at both ends, inner newlines and tabs kept") {
    auto text = validate_tweet_text(" \t\n  hello\n\tworld  \n\t ");
    REQUIRE(text.has_value());
    CHECK(*text == "hello\n\tworld");
  }

  SUBCASE("empty and white-space-only text is refused") {
    check_invalid(validate_tweet_text(""));
    check_invalid(validate_tweet_text(" "));
    check_invalid(validate_tweet_text(" \n\t \n "));
  }

  SUBCASE("one code point is enough") {
    auto text = validate_tweet_text("x");
    REQUIRE(text.has_value());
    CHECK(*text == "x");
  }

  SUBCASE("280 code points are allowed whatever their byte length") {
    for (std::string piece : {"a", "\xC3\xA9" /* é */, "\xE4\xB8\xAD" /* 中 */,
                              "\xF0\x9F\x98\x80" /* 😀 */}) {
      CAPTURE(piece);
      auto text = validate_tweet_text(repeat(piece, 280));
      REQUIRE_MESSAGE(text.has_value(), (text ? "" : text.error().message));
      CHECK(*text == repeat(piece, 280));
      CHECK(chirp::code_points(*text) == 280u);
    }
  }

  SUBCASE("281 code points are refused, and the message says 280") {
    for (std::string piece : {"a", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80"}) {
      CAPTURE(piece);
      check_invalid(validate_tweet_text(repeat(piece, 281)), "280");
    }
  }

  SUBCASE("the limit applies after trimming") {
    auto padded = "   \n" + repeat("b", 280) + "\n\t  ";
    auto text = validate_tweet_text(padded);
    REQUIRE(text.has_value());
    CHECK(*text == repeat("b", 280));
  }

  SUBCASE("code points are counted, not grapheme clusters") {
    // e + COMBINING ACUTE ACCENT: two code points per visible letter.
    std::string e_acute = "e\xCC\x81";
    CHECK(validate_tweet_text(repeat(e_acute, 140)).has_value());
    check_invalid(validate_tweet_text(repeat(e_acute, 141)), "280");
  }

  SUBCASE("invalid UTF-8 is refused") {
    const std::vector<std::string> bad = {
        "\x80",                          // lone continuation byte
        "abc\xBF",                       // continuation byte after ASCII
        "\xC0\xAF",                      // overlong '/'
        "\xC1\xBF",                      // overlong two-byte
        "\xE0\x80\xAF",                  // overlong three-byte '/'
        "\xF0\x80\x80\xAF",              // overlong four-byte '/'
        "\xED\xA0\x80",                  // UTF-16 surrogate U+D800
        "\xED\xBF\xBF",                  // UTF-16 surrogate U+DFFF
        "\xF4\x90\x80\x80",              // above U+10FFFF
        "\xE4\xB8",                      // truncated sequence
        "ok \xE4\xB8 then more",         // truncated in the middle
        "\xFF",                          // never valid
        "\xFE",                          // never valid
        "\xF8\x88\x80\x80\x80",          // five-byte form
    };
    for (const auto& text : bad) {
      CAPTURE(text);
      check_invalid(validate_tweet_text(text), "UTF-8");
    }
  }

  SUBCASE("control characters other than newline and tab are refused") {
    const std::vector<std::string> bad = {
        std::string("a\0b", 3), "a\x01" "b", "bell\x07", "a\rb", "esc\x1B[31m", "del\x7F",
        "a\x0B" "b", "a\x0C" "b", "c1 \xC2\x85 control" /* U+0085 NEL */,
    };
    for (const auto& text : bad) {
      CAPTURE(text);
      check_invalid(validate_tweet_text(text), "control");
    }
  }

  SUBCASE("valid multi-byte characters of every length pass") {
    std::string text = "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x90\xA6 \xF4\x8F\xBF\xBF";
    auto checked = validate_tweet_text(text);
    REQUIRE(checked.has_value());
    CHECK(*checked == text);
  }
}

TEST_CASE("chirp::code_points") {
  CHECK(chirp::code_points("") == 0u);
  CHECK(chirp::code_points("abc") == 3u);
  CHECK(chirp::code_points("h\xC3\xA9llo") == 5u);
  CHECK(chirp::code_points("\xE4\xB8\xAD\xE6\x96\x87") == 2u);
  CHECK(chirp::code_points("\xF0\x9F\x98\x80!") == 2u);
}

TEST_CASE("chirp::validate_handle") {
  using chirp::validate_handle;

  SUBCASE("letters, digits and underscores of 1 to 15 characters pass unchanged") {
    for (std::string handle : {"a", "Z", "_", "9", "alice", "Alice_Smith", "user_123",
                               "abcdefghijklmno", "___0123456789__"}) {
      CAPTURE(handle);
      auto checked = validate_handle(handle);
      REQUIRE(checked.has_value());
      CHECK(*checked == handle);
    }
  }

  SUBCASE("empty or longer than 15 is refused") {
    check_invalid(validate_handle(""));
    check_invalid(validate_handle("abcdefghijklmnop"), "15");
  }

  SUBCASE("other characters are refused") {
    for (std::string handle : {"a-b", "a b", "a.b", "a@b", "@alice", "caf\xC3\xA9", "a/b",
                               "a\nb", "a%", "a'b", " alice", "alice "}) {
      CAPTURE(handle);
      check_invalid(validate_handle(handle));
    }
  }

  SUBCASE("a refusal quotes the handle only when it is valid UTF-8") {
    // Found by fuzz_tweet_text (tests/fuzz/tweet_text/crash-handle-message-not-utf8).
    for (std::string handle : {"\xE3\x80\x80\x85\xA0 sixteen bytes", "a\xFF"}) {
      auto refused = validate_handle(handle);
      REQUIRE_FALSE(refused.has_value());
      const auto& message = refused.error().message;
      CHECK(utf8::is_valid(message.begin(), message.end()));
    }
  }
}

TEST_CASE("chirp::validate_name") {
  using chirp::validate_name;

  SUBCASE("empty is allowed") {
    auto checked = validate_name("");
    REQUIRE(checked.has_value());
    CHECK(checked->empty());
  }

  SUBCASE("trimmed") {
    auto checked = validate_name("  Alice Smith   ");
    REQUIRE(checked.has_value());
    CHECK(*checked == "Alice Smith");
  }

  SUBCASE("50 code points pass, 51 are refused with a message saying 50") {
    CHECK(validate_name(repeat("\xC3\xA9", 50)).has_value());
    CHECK(validate_name(repeat("n", 50)).has_value());
    check_invalid(validate_name(repeat("\xC3\xA9", 51)), "50");
    check_invalid(validate_name(repeat("n", 51)), "50");
  }

  SUBCASE("one line of valid UTF-8") {
    check_invalid(validate_name("Alice\nSmith"));
    check_invalid(validate_name("Alice\x01"));
    check_invalid(validate_name("Al\xC0\xAF" "ice"));
  }
}

TEST_CASE("chirp::validate_bio") {
  using chirp::validate_bio;

  SUBCASE("empty is allowed and text is trimmed") {
    CHECK(validate_bio("").has_value());
    auto checked = validate_bio("  I write C++.  ");
    REQUIRE(checked.has_value());
    CHECK(*checked == "I write C++.");
  }

  SUBCASE("160 code points pass, 161 are refused with a message saying 160") {
    CHECK(validate_bio(repeat("\xE4\xB8\xAD", 160)).has_value());
    check_invalid(validate_bio(repeat("\xE4\xB8\xAD", 161)), "160");
    check_invalid(validate_bio(repeat("b", 161)), "160");
  }

  SUBCASE("invalid UTF-8 and control characters are refused") {
    check_invalid(validate_bio("bio \xED\xA0\x80"));
    check_invalid(validate_bio("bio \x1B"));
  }
}

TEST_CASE("chirp::validate_password") {
  using chirp::validate_password;
  CHECK(validate_password(repeat("p", 8)).has_value());
  CHECK(validate_password(repeat("p", 1024)).has_value());
  // 8 bytes made of 4 two-byte characters is long enough: the rule counts bytes.
  CHECK(validate_password(repeat("\xC3\xA9", 4)).has_value());
  check_invalid(validate_password(""), "8");
  check_invalid(validate_password(repeat("p", 7)), "8");
  check_invalid(validate_password(repeat("p", 1025)), "1024");
  check_invalid(validate_password("password\xC0\xAF"));
}

TEST_CASE("chirp::validate_media_urls") {
  using chirp::validate_media_urls;

  SUBCASE("none is fine") {
    auto checked = validate_media_urls({});
    REQUIRE(checked.has_value());
    CHECK(checked->empty());
  }

  SUBCASE("up to four http(s) urls pass in order") {
    std::vector<std::string> urls = {"https://example.com/a.png", "http://example.com/b.jpg",
                                     "https://cdn.example.org/c.gif?x=1",
                                     "https://example.com/d"};
    auto checked = validate_media_urls(urls);
    REQUIRE(checked.has_value());
    CHECK(*checked == urls);
  }

  SUBCASE("a fifth url is refused with a message saying 4") {
    std::vector<std::string> urls(5, "https://example.com/a.png");
    check_invalid(validate_media_urls(urls), "4");
  }

  SUBCASE("other schemes are refused") {
    for (std::string url : {"ftp://example.com/a.png", "javascript:alert(1)",
                            "file:///etc/passwd", "example.com/a.png", "", "https//x",
                            "data:image/png;base64,AAAA"}) {
      CAPTURE(url);
      check_invalid(validate_media_urls({url}));
    }
  }

  SUBCASE("urls with spaces are refused") {
    check_invalid(validate_media_urls({"https://example.com/a b.png"}));
  }

  SUBCASE("2048 bytes pass, 2049 are refused") {
    std::string prefix = "https://example.com/";
    std::string ok = prefix + std::string(2048 - prefix.size(), 'x');
    REQUIRE(ok.size() == 2048u);
    CHECK(validate_media_urls({ok}).has_value());
    check_invalid(validate_media_urls({ok + "x"}), "2048");
  }
}
