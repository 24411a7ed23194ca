-- Home timelines look up the (few) followed celebrities by follower count.
CREATE INDEX users_by_followers ON users(followers_count);

-- Generation counters for caches kept by each connection. celebrity_epoch changes
-- whenever the set of celebrities may have changed (a follower count crossed the
-- threshold, or the threshold itself changed).
CREATE TABLE counters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters(name, value) VALUES ('celebrity_epoch', 0);

-- Timelines read an author's live tweets newest first: a covering partial index
-- answers that without touching the table.
CREATE INDEX tweets_live_by_author ON tweets(author, id) WHERE deleted_at IS NULL;
-- ...and replaces the full one, which no query needs any more.
DROP INDEX tweets_by_author;
