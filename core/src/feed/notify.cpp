#include "feed/notify.hpp"

#include "entities/store.hpp"
#include "feed/visibility.hpp"
#include "storage/rows.hpp"

namespace chirp::detail {

void notify(Db& db, std::string_view kind, Id recipient, Id actor, std::optional<Id> tweet,
            std::int64_t at_ms, std::vector<CreatedNotification>& created) {
  if (recipient == actor) return;
  if (hides(db, recipient, actor)) return;
  if (tweet && !live_tweet(db, *tweet)) return;
  auto q = db.statement(
      "INSERT INTO notifications(recipient, kind, actor, tweet, created_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id");
  q.bind(recipient, kind, actor, tweet, at_ms);
  if (q.step()) created.push_back({recipient, q->getColumn(0).getInt64()});
}

void notify_posted(Db& db, const TweetHead& tweet, std::int64_t at_ms,
                   std::vector<CreatedNotification>& created) {
  std::optional<Id> replied;
  if (tweet.reply_to) {
    if (auto parent = live_tweet(db, *tweet.reply_to)) {
      replied = parent->author;
      notify(db, "reply", parent->author, tweet.author, tweet.id, at_ms, created);
    }
  }
  for (const auto& mention : load_mentions(db, tweet.id)) {
    if (replied && mention.id == *replied) continue;  // one notification of one tweet
    notify(db, "mention", mention.id, tweet.author, tweet.id, at_ms, created);
  }
  if (tweet.retweet_of) {
    // The notification points at what was retweeted, like a like's.
    if (auto original = live_tweet(db, *tweet.retweet_of)) {
      notify(db, "retweet", original->author, tweet.author, original->id, at_ms, created);
    }
  }
}

void remove_notifications_of(Db& db, Id tweet) {
  db.statement("DELETE FROM notifications WHERE tweet = ?").bind(tweet).exec();
}

}  // namespace chirp::detail
