# Inbox layout experiment in raw SQL, on a copy of a database `chirp-bench gen` made:
# fan-out rows/s for the same pushes written three ways into timeline(reader, tweet):
#   direct  one INSERT ... SELECT per tweet, BATCH tweets per commit (chirp before
#           fanout.sort_rows);
#   sorted  one INSERT ... SELECT ... ORDER BY reader, tweet per commit of BATCH tweets
#           (what fanout.sort_rows does);
#   staged  per tweet into a small staging table, merged into timeline in key order
#           every MERGE seconds (reads then union both tables).
# Same pragmas as chirp (WAL, synchronous=NORMAL, 64 MiB cache), SQLite's checkpoint
# every AUTOCKPT pages (environment, default 1000), the final checkpoint counted; then
# 2 s of newest-20 inbox reads. Nothing here is run by CI.
#   python3 bench/inbox_layout.py DB direct|sorted|staged SECONDS [MERGE_SECONDS] [BATCH]
import random, shutil, sqlite3, sys, time, os
src, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
merge_s = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
batch = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
db = src + ".exp"
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix): os.remove(db + suffix)
shutil.copy(src, db)
con = sqlite3.connect(db, isolation_level=None)
for p in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "wal_autocheckpoint=" + os.environ.get("AUTOCKPT", "1000")):
    con.execute("PRAGMA " + p)
thr = int(con.execute("SELECT value FROM settings WHERE key='fanout.celebrity_threshold'").fetchone()[0])
authors = [r[0] for r in con.execute(
    "SELECT followee FROM follows GROUP BY followee HAVING count(*) < ?", (thr,))]
next_id = con.execute("SELECT max(tweet) FROM timeline").fetchone()[0] + 1
inbox_rows = con.execute("SELECT count(*) FROM timeline").fetchone()[0]
rng = random.Random(1)
target = "timeline" if mode == "direct" else "timeline_recent"
if mode == "staged":
    con.execute("CREATE TABLE timeline_recent(reader INTEGER NOT NULL, tweet INTEGER NOT NULL, "
                "PRIMARY KEY (reader, tweet)) WITHOUT ROWID")
insert = f"INSERT OR IGNORE INTO {target}(reader, tweet) SELECT follower, ? FROM follows WHERE followee = ?"
def merge():
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT OR IGNORE INTO timeline(reader, tweet) SELECT reader, tweet FROM timeline_recent")
    con.execute("DELETE FROM timeline_recent")
    con.execute("COMMIT")
rows = tweets = 0
merge_time = 0.0
t0 = time.time(); last_merge = t0
if mode == "sorted":
    con.execute("CREATE TEMP TABLE items(tweet INTEGER PRIMARY KEY, author INTEGER NOT NULL)")
while mode == "sorted" and time.time() - t0 < seconds:
    con.execute("BEGIN IMMEDIATE")
    con.execute("DELETE FROM items")
    for _ in range(batch):
        con.execute("INSERT INTO items VALUES (?, ?)", (next_id, authors[rng.randrange(len(authors))]))
        tweets += 1; next_id += 1
    cur = con.execute("INSERT OR IGNORE INTO timeline(reader, tweet) SELECT f.follower, i.tweet "
                      "FROM items i JOIN follows f ON f.followee = i.author ORDER BY f.follower, i.tweet")
    rows += cur.rowcount
    con.execute("COMMIT")
while mode != "sorted" and time.time() - t0 < seconds:
    con.execute("BEGIN IMMEDIATE")
    for _ in range(batch):
        cur = con.execute(insert, (next_id, authors[rng.randrange(len(authors))]))
        rows += cur.rowcount; tweets += 1; next_id += 1
    con.execute("COMMIT")
    if mode == "staged" and time.time() - last_merge >= merge_s:
        m0 = time.time(); merge(); merge_time += time.time() - m0; last_merge = time.time()
write_s = time.time() - t0
# reads: the newest 20 of random readers, with what is staged still staged
readers = [r[0] for r in con.execute("SELECT DISTINCT reader FROM timeline LIMIT 20000")]
q_direct = "SELECT tweet FROM timeline WHERE reader = ? ORDER BY tweet DESC LIMIT 20"
q_staged = ("SELECT tweet FROM (SELECT tweet FROM timeline WHERE reader = ?1 UNION ALL "
            "SELECT tweet FROM timeline_recent WHERE reader = ?1) ORDER BY tweet DESC LIMIT 20")
q = q_staged if mode == "staged" else q_direct
staged_rows = con.execute("SELECT count(*) FROM timeline_recent").fetchone()[0] if mode == "staged" else 0
n = 0; r0 = time.time()
while time.time() - r0 < 2:
    con.execute(q, (readers[rng.randrange(len(readers))],)).fetchall(); n += 1
reads = n / (time.time() - r0)
fm = 0.0
if mode == "staged":
    m0 = time.time(); merge(); fm = time.time() - m0
c0 = time.time(); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); ck = time.time() - c0
print(f"{mode:7} merge={merge_s:>4}s batch={batch}: inbox {inbox_rows:,} rows; {tweets:,} tweets, {rows:,} rows "
      f"in {write_s:.1f} s (merges {merge_time:.1f} s of it) + final merge {fm:.1f} s + checkpoint {ck:.1f} s "
      f"-> {rows / (write_s + fm + ck):,.0f} rows/s; reads {reads:,.0f}/s with {staged_rows:,} rows staged")
con.close()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix): os.remove(db + suffix)
