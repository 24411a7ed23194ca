-- Hybrid fan-out bookkeeping and the indexes timelines read through.

-- Home timelines look up the (few) followed celebrities by follower count.
CREATE INDEX users_by_followers ON users(followers_count);

-- 1 once fan-out has skipped one of the user's tweets as a celebrity's: that tweet is in
-- no inbox, so the user's tweets are pulled at read time from then on, even after the
-- follower count (or the threshold) no longer makes the user a celebrity.
ALTER TABLE users ADD COLUMN pulled INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_pulled ON users(id) WHERE pulled = 1;

-- Counters shared by every connection:
--   celebrity_epoch changes whenever the set of pulled authors may have changed, so
--   each connection's cache of that set knows to reload;
--   inactive_days_changed_at is when fanout.inactive_days last changed: a reader not
--   seen since then may have been skipped under the old value, and is rebuilt.
CREATE TABLE counters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters(name, value) VALUES ('celebrity_epoch', 0), ('inactive_days_changed_at', 0);

-- Timelines read an author's live tweets newest first: a covering partial index
-- answers that without touching the table...
CREATE INDEX tweets_live_by_author ON tweets(author, id) WHERE deleted_at IS NULL;
-- ...and replaces the full one, which no query needs any more.
DROP INDEX tweets_by_author;
