// Which discovered tweets a viewer is shown (see visibility.hpp).
#include "discovery/visibility.hpp"

namespace chirp::detail {

std::vector<bool> visible_to(Session& /*session*/, Id /*viewer*/,
                             const std::vector<Candidate>& candidates) {
  // Until blocks and mutes exist, every live tweet is public to everyone: this is where
  // they will read the viewer's blocks (both ways) and mutes, once per page.
  return std::vector<bool>(candidates.size(), true);
}

}  // namespace chirp::detail
