-- Home timelines now keep each pulled author's newest tweet ids (not only an id they
-- posted nothing after), so a deleted tweet must name its author in cache_changes too:
-- from here on, a row with tweet and author set means "AUTHOR's tweets changed: TWEET
-- was posted or deleted".
DROP TRIGGER tweets_changed;
CREATE TRIGGER tweets_changed
AFTER UPDATE OF text, media_urls, like_count, retweet_count, reply_count ON tweets
BEGIN
  INSERT INTO cache_changes(tweet) VALUES (OLD.id);
END;

CREATE TRIGGER tweets_deleted AFTER UPDATE OF deleted_at ON tweets BEGIN
  INSERT INTO cache_changes(tweet, author) VALUES (OLD.id, OLD.author);
END;

DROP TRIGGER tweets_removed;
CREATE TRIGGER tweets_removed AFTER DELETE ON tweets BEGIN
  INSERT INTO cache_changes(tweet, author) VALUES (OLD.id, OLD.author);
END;
