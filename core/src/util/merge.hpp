#pragma once
// Merging newest-first id lists.

#include <chirp/types.hpp>

#include <algorithm>
#include <functional>
#include <vector>

namespace chirp::detail {

/// Newest-first merge of id lists into at most LIMIT unique ids.
inline std::vector<Id> merge_newest(std::vector<std::vector<Id>> sources, std::size_t limit) {
  std::vector<Id> all;
  for (auto& source : sources) all.insert(all.end(), source.begin(), source.end());
  std::sort(all.begin(), all.end(), std::greater<>());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (all.size() > limit) all.resize(limit);
  return all;
}

}  // namespace chirp::detail
