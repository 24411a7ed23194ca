#pragma once
// The one place where the discovery reads (tag pages, tweet search) decide which
// tweets a viewer is shown. Every candidate passes through visible_to before it is
// hydrated, page after page, so that a hidden tweet never fills a page's slot.
//
// A block hides tweets both ways (neither the blocker nor the blocked sees the
// other's), a mute hides the muted user's tweets from the muter: the same rule as every
// other list (feed/visibility.hpp, hidden_users), read once per page.

#include <chirp/types.hpp>

#include <cstddef>
#include <vector>

namespace chirp::detail {

struct Session;

/// A tweet a discovery read found, with its author.
struct Candidate {
  Id tweet = 0;
  Id author = 0;
};

/// Which of CANDIDATES (in their order) VIEWER (0: anonymous) may be shown: a flag per
/// candidate. Inside the read transaction of the page.
std::vector<bool> visible_to(Session& session, Id viewer, const std::vector<Candidate>& candidates);

/// The first WANT candidates VIEWER may be shown, in order, and for each its place in
/// the unfiltered order (0, 1, ...). FETCH(offset, n) returns the unfiltered candidates
/// from OFFSET on, at most N; it is asked again, further on, while hidden ones leave
/// the page short and more remain.
struct Visible {
  std::vector<Candidate> candidates;
  std::vector<std::size_t> places;
};
template <class Fetch>
Visible collect_visible(Session& session, Id viewer, std::size_t want, Fetch&& fetch) {
  Visible out;
  std::size_t offset = 0;
  while (out.candidates.size() < want) {
    std::vector<Candidate> batch = fetch(offset, want);
    auto shown = visible_to(session, viewer, batch);
    for (std::size_t i = 0; i < batch.size() && out.candidates.size() < want; ++i) {
      if (!shown[i]) continue;
      out.candidates.push_back(batch[i]);
      out.places.push_back(offset + i);
    }
    if (batch.size() < want) break;
    offset += batch.size();
  }
  return out;
}

}  // namespace chirp::detail
