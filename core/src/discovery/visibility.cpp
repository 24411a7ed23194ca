// Which discovered tweets a viewer is shown (see visibility.hpp).
#include "discovery/visibility.hpp"

#include "feed/visibility.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

namespace chirp::detail {

std::vector<bool> visible_to(Session& session, Id viewer, const std::vector<Candidate>& candidates) {
  std::vector<bool> shown(candidates.size(), true);
  if (viewer == 0) return shown;  // anonymous: nobody blocks or mutes for them
  auto reader = load_user_row(session.db, viewer);
  if (!reader) return shown;
  // The users a block stands between (either way) or the viewer mutes. Retweets carry no
  // text or tags of their own (entities/store.cpp), so a candidate is always an original
  // and its author is the one to check.
  auto hidden = hidden_users(session, *reader);
  if (hidden.empty()) return shown;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    shown[i] = !is_hidden(hidden, candidates[i].author);
  }
  return shown;
}

}  // namespace chirp::detail
