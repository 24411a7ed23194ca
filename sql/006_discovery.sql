-- Mentions, hashtags, trends and full-text search. All four are written in the
-- transaction that writes (or deletes) the tweet, from its text parsed once
-- (core/src/entities/): nothing here is ever re-derived at read. Retweets have none
-- of their own (they carry their original's at read); deleted tweets keep none.

-- Users a tweet mentions by handle (a handle no user holds is plain text).
CREATE TABLE mentions (
  tweet      INTEGER NOT NULL REFERENCES tweets(id),
  mentioned  INTEGER NOT NULL REFERENCES users(id),
  position   INTEGER NOT NULL,            -- 0, 1, ...: order of first appearance
  PRIMARY KEY (tweet, mentioned)
) WITHOUT ROWID;
CREATE INDEX mentions_by_mentioned ON mentions(mentioned, tweet);

-- One row per tag ever used: NAME is the case-folded key tags match by, DISPLAY the
-- spelling of its first use, shown on every tweet that uses it.
CREATE TABLE hashtags (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  display  TEXT NOT NULL
);

CREATE TABLE tweet_hashtags (
  hashtag   INTEGER NOT NULL REFERENCES hashtags(id),
  tweet     INTEGER NOT NULL REFERENCES tweets(id),
  position  INTEGER NOT NULL,             -- order of first appearance in the text
  PRIMARY KEY (hashtag, tweet)            -- a tag page is one range scan
) WITHOUT ROWID;
CREATE INDEX tweet_hashtags_by_tweet ON tweet_hashtags(tweet, hashtag);

-- Trends: how many live tweets of each hour (by created_at) use each tag, counted up
-- when a tweet is written and down when it is deleted.
CREATE TABLE hashtag_hours (
  hour     INTEGER NOT NULL,              -- created_at / 3,600,000
  hashtag  INTEGER NOT NULL REFERENCES hashtags(id),
  uses     INTEGER NOT NULL,
  PRIMARY KEY (hour, hashtag)
) WITHOUT ROWID;

-- The full-text index of live tweets' text (rowid = tweet id). Contentless: the text
-- lives in tweets once, and a deletion hands the index the text it removes.
-- remove_diacritics 2: "cafe" finds "café".
CREATE VIRTUAL TABLE tweet_search USING fts5(
  text, content = '', tokenize = 'unicode61 remove_diacritics 2');

-- The tweets already there when this migration runs are parsed and indexed by core
-- in this migration's own transaction (index_existing_tweets, core/src/entities/).
