-- chirp schema, version 1. Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE users (
  id               INTEGER PRIMARY KEY,            -- Snowflake id
  handle           TEXT NOT NULL COLLATE NOCASE UNIQUE,
  name             TEXT NOT NULL DEFAULT '',
  bio              TEXT NOT NULL DEFAULT '',
  password_hash    TEXT,                           -- argon2id (crypto_pwhash_str), NULL = no login
  token_version    INTEGER NOT NULL DEFAULT 0,     -- bumped to revoke earlier tokens
  created_at       INTEGER NOT NULL,
  last_seen_at     INTEGER NOT NULL,
  inbox_floor      INTEGER NOT NULL DEFAULT 0,     -- inbox is complete for tweet ids >= this
  followers_count  INTEGER NOT NULL DEFAULT 0,
  following_count  INTEGER NOT NULL DEFAULT 0,
  tweets_count     INTEGER NOT NULL DEFAULT 0,
  likes_count      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tweets (
  id              INTEGER PRIMARY KEY,             -- Snowflake id: sorts by time
  author          INTEGER NOT NULL REFERENCES users(id),
  text            TEXT NOT NULL,                   -- '' for a retweet
  reply_to        INTEGER REFERENCES tweets(id),
  retweet_of      INTEGER REFERENCES tweets(id),
  media_urls      TEXT,                            -- JSON array, NULL when none
  created_at      INTEGER NOT NULL,
  deleted_at      INTEGER,                         -- soft delete
  like_count      INTEGER NOT NULL DEFAULT 0,
  retweet_count   INTEGER NOT NULL DEFAULT 0,
  reply_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tweets_by_author ON tweets(author, id);
CREATE INDEX tweets_by_reply_to ON tweets(reply_to) WHERE reply_to IS NOT NULL;
CREATE UNIQUE INDEX tweets_one_retweet ON tweets(author, retweet_of)
  WHERE retweet_of IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX tweets_by_retweet_of ON tweets(retweet_of) WHERE retweet_of IS NOT NULL;

CREATE TABLE follows (
  follower    INTEGER NOT NULL REFERENCES users(id),
  followee    INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (follower, followee)
) WITHOUT ROWID;
CREATE INDEX follows_by_followee ON follows(followee, follower);

CREATE TABLE likes (
  user        INTEGER NOT NULL REFERENCES users(id),
  tweet       INTEGER NOT NULL REFERENCES tweets(id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user, tweet)
) WITHOUT ROWID;
CREATE INDEX likes_by_tweet ON likes(tweet, user);

-- The pushed inbox: one row per (reader, tweet). A cache kept by the fan-out worker,
-- so it carries no foreign keys (they would double the cost of every pushed row).
CREATE TABLE timeline (
  user   INTEGER NOT NULL,
  tweet  INTEGER NOT NULL,
  PRIMARY KEY (user, tweet)
) WITHOUT ROWID;

-- Transactional outbox between posting and fan-out.
CREATE TABLE fanout_queue (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tweet       INTEGER NOT NULL,
  author      INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
