#pragma once
// The two Unicode tables the entity parser needs, generated from the Unicode database
// by scripts/gen-unicode-tables (unicode_tables.cpp): no locale is consulted, so every
// machine parses a tweet the same way.

#include <cstddef>
#include <cstdint>

namespace chirp::detail {

struct CodeRange {
  char32_t first;
  char32_t last;
};
/// The code points of general categories L* and M* (letters and marks), and of N*
/// (numbers), each as sorted, disjoint ranges.
extern const CodeRange k_letter_ranges[];
extern const std::size_t k_letter_range_count;
extern const CodeRange k_number_ranges[];
extern const std::size_t k_number_range_count;

struct CaseFold {
  char32_t from;
  const char* to;  ///< UTF-8: the full case folding (one to three code points)
};
/// Every code point whose full case folding differs from itself, sorted by FROM.
extern const CaseFold k_case_folds[];
extern const std::size_t k_case_fold_count;

}  // namespace chirp::detail
