#pragma once
// The one paging rule of every list: fetch one more than asked, and when that extra
// entry exists, the next page continues below the last entry shown, within the same
// bounds.

#include <chirp/types.hpp>

#include <algorithm>
#include <vector>

namespace chirp::detail {

/// The request for the page after REQUEST, given the ids FETCHED for it (newest first,
/// up to limit + 1 of them); nullopt when nothing is left.
inline std::optional<PageRequest> next_page(const PageRequest& request,
                                            const std::vector<Id>& fetched) {
  if (fetched.size() <= static_cast<std::size_t>(request.limit)) return std::nullopt;
  PageRequest next = request;
  next.max_id = fetched[static_cast<std::size_t>(request.limit) - 1];
  return next;
}

/// The first REQUEST.limit ids of FETCHED: the ones a page shows.
inline std::vector<Id> shown_ids(const std::vector<Id>& fetched, const PageRequest& request) {
  auto n = std::min(fetched.size(), static_cast<std::size_t>(request.limit));
  return {fetched.begin(), fetched.begin() + static_cast<std::ptrdiff_t>(n)};
}

/// A page of ITEMS made from the ids FETCHED for REQUEST (items may be fewer: a tweet
/// deleted meanwhile is dropped, but the cursor still moves past it).
template <class T>
Page<T> make_page(std::vector<T> items, const std::vector<Id>& fetched,
                  const PageRequest& request) {
  return Page<T>{std::move(items), next_page(request, fetched)};
}

/// A page of ITEMS fetched (with their ids, limit + 1 at most) for REQUEST.
template <class T>
Page<T> make_page(std::vector<T> fetched_items, const PageRequest& request) {
  std::vector<Id> fetched;
  fetched.reserve(fetched_items.size());
  for (const auto& item : fetched_items) fetched.push_back(item.id);
  if (fetched_items.size() > static_cast<std::size_t>(request.limit)) {
    fetched_items.resize(static_cast<std::size_t>(request.limit));
  }
  return make_page(std::move(fetched_items), fetched, request);
}

}  // namespace chirp::detail
