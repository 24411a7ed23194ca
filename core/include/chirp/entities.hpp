#pragma once
/// Mentions and hashtags: what a tweet's text names, found once when the tweet is
/// written (and stored with it), never again at read.
///
/// The rules (README "Mentions and hashtags"):
///  - A word character is a letter, mark or number of any script (Unicode general
///    categories L*, M*, N*) or `_`.
///  - `@handle` and `#tag` start at the beginning of the text or after a character that
///    is neither a word character nor one of `@ # & /` (so `a@b.com`, `##x`, `&#39;` and
///    `example.com/#top` name nothing).
///  - A mention is `@` and 1..15 of `[A-Za-z0-9_]`, not followed by another word
///    character or `@` (`@alice,` and `@alice.` mention alice; `@alice@host` and
///    `@toolonghandle_1234` nobody). Only handles of existing users are stored.
///  - A hashtag is `#` and a run of up to 100 word characters holding at least one
///    letter or mark (`#café`, `#日本`, `#tag.` -> tag; `#123` and `#_` are not tags).
///  - Tags match by their full Unicode case folding (`#Straße` = `#STRASSE`), not
///    normalized otherwise (a precomposed `é` and `e` + U+0301 are different tags).

#include <string>
#include <string_view>
#include <vector>

namespace chirp {

struct TextEntities {
  /// Handles as written, each once (compared ignoring ASCII case), in order.
  std::vector<std::string> mentions;
  struct Hashtag {
    std::string name;      ///< the case-folded key tags match by
    std::string spelling;  ///< as written in this text, without the `#`
  };
  /// Each tag once (by name), in order.
  std::vector<Hashtag> hashtags;
};

/// The mentions and hashtags of TEXT (valid UTF-8; invalid bytes end any entity).
TextEntities parse_entities(std::string_view text);

/// The key a tag matches by: its full Unicode case folding. Valid UTF-8 only.
std::string fold_tag(std::string_view tag);

/// TAG (with or without one leading `#`) when it is a whole hashtag by the rules above:
/// the name to look it up by; empty when it is not a hashtag.
std::string hashtag_name(std::string_view tag);

}  // namespace chirp
