-- No column is named `user`: in PostgreSQL (a second engine to come) it is a reserved
-- word, and `SELECT user` there returns the login name instead of failing. The renames
-- carry the primary keys and likes_by_tweet along.
ALTER TABLE timeline RENAME COLUMN user TO reader;
ALTER TABLE likes RENAME COLUMN user TO liker;
