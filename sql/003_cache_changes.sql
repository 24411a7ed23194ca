-- Each connection keeps an in-process cache of hydrated tweets (text, author, counters).
-- This log tells every connection, in every process, what changed since it last looked:
-- one row per change to a cached field, written by triggers in the same transaction as
-- the change itself, so no code path can forget it:
--   tweet set, author NULL: that tweet's text, counters or deletion changed;
--   tweet and author set: AUTHOR posted TWEET (home timelines remember, per pulled
--     author, that they have nothing newer than some id);
--   both NULL: drop everything (a user's displayed fields or a setting changed).
-- At least the newest 10,000 rows are kept (trimmed every 1,000, which costs posting
-- less than a delete per row); a connection that fell further behind drops its whole
-- cache. seq needs no AUTOINCREMENT: the newest row is never trimmed, so max(seq) + 1
-- never goes back to a number a reader has seen.
CREATE TABLE cache_changes (
  seq     INTEGER PRIMARY KEY,  -- commit order: one writer at a time
  tweet   INTEGER,
  author  INTEGER
);

CREATE TRIGGER cache_changes_trim AFTER INSERT ON cache_changes WHEN NEW.seq % 1000 = 0 BEGIN
  DELETE FROM cache_changes WHERE seq <= NEW.seq - 10000;
END;

CREATE TRIGGER tweets_changed
AFTER UPDATE OF text, media_urls, deleted_at, like_count, retweet_count, reply_count ON tweets
BEGIN
  INSERT INTO cache_changes(tweet) VALUES (OLD.id);
END;

CREATE TRIGGER tweets_posted AFTER INSERT ON tweets BEGIN
  INSERT INTO cache_changes(tweet, author) VALUES (NEW.id, NEW.author);
END;

CREATE TRIGGER tweets_removed AFTER DELETE ON tweets BEGIN
  INSERT INTO cache_changes(tweet) VALUES (OLD.id);
END;

CREATE TRIGGER users_renamed AFTER UPDATE OF handle, name ON users BEGIN
  INSERT INTO cache_changes(tweet) VALUES (NULL);
END;

CREATE TRIGGER settings_inserted AFTER INSERT ON settings BEGIN
  INSERT INTO cache_changes(tweet) VALUES (NULL);
END;
CREATE TRIGGER settings_updated AFTER UPDATE ON settings BEGIN
  INSERT INTO cache_changes(tweet) VALUES (NULL);
END;
CREATE TRIGGER settings_deleted AFTER DELETE ON settings BEGIN
  INSERT INTO cache_changes(tweet) VALUES (NULL);
END;

-- Bumped whenever the user follows or unfollows someone: a connection's cache of which
-- celebrities a reader follows is good while this (and the celebrity epoch) holds.
ALTER TABLE users ADD COLUMN follows_version INTEGER NOT NULL DEFAULT 0;
