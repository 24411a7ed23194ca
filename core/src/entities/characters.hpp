#pragma once
// What the entity parser and the search query language count as characters of a word.

namespace chirp::detail {

/// A letter or mark of any script (Unicode L*, M*): what makes a run of word
/// characters a tag.
bool is_letter(char32_t c);
/// A letter, mark or number of any script (Unicode L*, M*, N*), or `_`.
bool is_word_char(char32_t c);

}  // namespace chirp::detail
