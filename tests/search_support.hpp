#pragma once
// Search queries every front end must refuse with its own message (400 / exit 1).

#include <string>
#include <vector>

namespace chirp::test {

inline std::vector<std::string> hostile_search_queries() {
  return {
      "",  " ",  "*",  "**", "\"", "\"unbalanced", "NEAR(a b)", "NEAR(", "a OR (b",
      "text:foo", "{text}: foo", "^start", "a*b", "-", "-near", "from:", "from:a-b",
      "from:x from:y", "#", "#123", "-#tag", "-from:alice", "!!!", "\"...\"", "a\x01" "b",
      "tab\there", "new\nline", std::string("a\0b", 3), "bad\xff utf8", "\xc3",
      std::string(513, 'a'), "a b c d e f g h i j k l m n o p q",
  };
}

}  // namespace chirp::test
