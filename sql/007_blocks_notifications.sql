-- Blocks, mutes and notifications.

-- BLOCKER blocked BLOCKED: the follows both ways are gone, BLOCKED may not follow,
-- reply to, like or retweet BLOCKER (nor the other way), and neither sees the other.
CREATE TABLE blocks (
  blocker     INTEGER NOT NULL REFERENCES users(id),
  blocked     INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (blocker, blocked)
) WITHOUT ROWID;
CREATE INDEX blocks_by_blocked ON blocks(blocked, blocker);

-- MUTER no longer sees MUTED's tweets or notifications; nothing changes for MUTED.
CREATE TABLE mutes (
  muter       INTEGER NOT NULL REFERENCES users(id),
  muted       INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (muter, muted)
) WITHOUT ROWID;
CREATE INDEX mutes_by_muted ON mutes(muted, muter);

-- Bumped on both users by every block and unblock, and on the muter by every mute and
-- unmute: what a reader does not see is known from this stamp alone, and a reader
-- whose stamp is 0 (nearly everyone) hides nobody, with no query at all.
ALTER TABLE users ADD COLUMN hides_version INTEGER NOT NULL DEFAULT 0;

-- One row per (recipient, kind, actor, tweet): like, unlike, like again notifies once.
-- ids only grow (AUTOINCREMENT, and one writer at a time), so "everything after the
-- last id seen" misses nothing. tweet is NULL for a follow; tweet_key folds it to 0
-- so that the unique key holds for follows too (NULLs are distinct in a UNIQUE index).
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient   INTEGER NOT NULL REFERENCES users(id),
  kind        TEXT NOT NULL CHECK (kind IN ('mention', 'reply', 'like', 'retweet', 'follow')),
  actor       INTEGER NOT NULL REFERENCES users(id),
  tweet       INTEGER REFERENCES tweets(id),
  created_at  INTEGER NOT NULL,
  read_at     INTEGER                          -- NULL while unread
);
CREATE UNIQUE INDEX notifications_once
  ON notifications(recipient, kind, actor, coalesce(tweet, 0));
CREATE INDEX notifications_by_recipient ON notifications(recipient, id);
CREATE INDEX notifications_unread ON notifications(recipient, id) WHERE read_at IS NULL;
CREATE INDEX notifications_by_tweet ON notifications(tweet) WHERE tweet IS NOT NULL;

-- The queue carries every event the worker acts on, not only tweets to fan out:
--   kind 'tweet':  AUTHOR posted TWEET (a post, reply or retweet): fan-out, and the
--                  reply, retweet and mention notifications;
--   kind 'like':   AUTHOR liked TWEET;
--   kind 'follow': AUTHOR followed SUBJECT (TWEET is NULL).
-- Rebuilt because TWEET becomes nullable; the rows waiting in it are kept.
CREATE TABLE fanout_queue_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tweet       INTEGER,
  author      INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  kind        TEXT NOT NULL DEFAULT 'tweet' CHECK (kind IN ('tweet', 'like', 'follow')),
  subject     INTEGER
);
INSERT INTO fanout_queue_events(id, tweet, author, created_at)
  SELECT id, tweet, author, created_at FROM fanout_queue;
DROP TABLE fanout_queue;
ALTER TABLE fanout_queue_events RENAME TO fanout_queue;
