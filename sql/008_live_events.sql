-- The log live home streams read (GET /stream/home, chirp timeline --follow): one row
-- per tweet fan-out made visible, written by the fan-out worker in the transaction that
-- pushed it (or skipped it as a celebrity's), so a row exists exactly when the tweet is
-- in every home timeline it belongs to. seq numbers the rows in commit order (one
-- writer at a time), which is what a stream resumes from: fan-out may make an older
-- tweet visible after a newer one (an import, a tweet queued behind others), and a
-- stream that resumed after the newest tweet id it delivered would skip it.
-- Rows older than stream.resume_minutes are trimmed by the worker, but never the
-- newest, so max(seq) + 1 never goes back to a number a stream has seen (no
-- AUTOINCREMENT needed).
CREATE TABLE home_events (
  seq         INTEGER PRIMARY KEY,
  tweet       INTEGER NOT NULL,
  author      INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
