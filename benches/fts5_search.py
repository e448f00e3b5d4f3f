#!/usr/bin/env python3
"""SQLite FTS5 (BM25) peer for scout's search benchmark (run by `scout-bench all`).

Loads the corpus `scout-bench export-corpus` wrote from scout's own index (the same creators,
the same texts scout indexes, the same filter fields as scout's records), builds an FTS5
table over name, bio, posts, hashtags and themes with per-column BM25 weights like scout's
field boosts, and answers the same 50 queries with the same filters as SQL conditions,
top 20 by BM25. Prints one `RESULT {json}` line with build time and latency percentiles.

FTS5 ranks by BM25 only: no candidate re-ranking and no total hit count, so it does less
work per query than scout does.
"""

import argparse
import json
import os
import re
import resource
import sqlite3
import time

# Column weights for bm25(), in column order: name, bio, posts, hashtags, themes.
WEIGHTS = (0.5, 1.0, 1.0, 2.0, 2.0)
LIMIT = 20


def percentile(sorted_ms, p):
    if not sorted_ms:
        return 0.0
    rank = max(1, min(len(sorted_ms), int(-(-p * len(sorted_ms) // 100))))
    return sorted_ms[rank - 1]


def match_expr(text):
    words = re.findall(r"\w+", text.lower())
    return " OR ".join('"%s"' % w for w in words) if words else None


def build_query(q, filters, now):
    where, params = ["docs MATCH ?"], [match_expr(q)]
    tiers, platforms = [], []
    for k, v in filters:
        if k == "lang":
            where.append("c.language = ?")
            params.append(v)
        elif k == "audience_lang":
            where.append("c.audience_lang = ?")
            params.append(v)
        elif k == "tier":
            tiers.append(v)
        elif k == "platform":
            platforms.append(v)
        elif k == "min_followers":
            where.append("c.followers >= ?")
            params.append(int(v))
        elif k == "max_followers":
            where.append("c.followers <= ?")
            params.append(int(v))
        elif k == "min_engagement":
            where.append("c.engagement >= ?")
            params.append(float(v))
        elif k == "max_sponsored_share":
            where.append("c.sponsored <= ?")
            params.append(float(v))
        elif k == "active_within_days":
            where.append("c.last_post_at >= ?")
            params.append(now - int(v) * 86400)
        elif k == "has_email":
            where.append("c.has_email = ?")
            params.append(1 if v in ("true", "1", "yes", "") else 0)
        else:
            raise SystemExit("fts5_search.py: unsupported filter %r" % k)
    if tiers:
        where.append("c.tier IN (%s)" % ",".join("?" * len(tiers)))
        params.extend(tiers)
    if platforms:
        where.append("c.platform IN (%s)" % ",".join("?" * len(platforms)))
        params.extend(platforms)
    sql = (
        "SELECT c.id, bm25(docs, %s) AS score FROM docs JOIN creators c ON c.rowid = docs.rowid "
        "WHERE %s ORDER BY score LIMIT %d" % (", ".join(map(str, WEIGHTS)), " AND ".join(where), LIMIT)
    )
    return sql, params


def load(con, corpus):
    con.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE creators(rowid INTEGER PRIMARY KEY, id TEXT, platform TEXT, language TEXT,
            audience_lang TEXT, tier TEXT, followers INTEGER, engagement REAL, sponsored REAL,
            last_post_at INTEGER, has_email INTEGER);
        CREATE VIRTUAL TABLE docs USING fts5(name, bio, posts, hashtags, themes,
            tokenize = 'unicode61 remove_diacritics 2');
        """
    )
    n = 0
    with open(corpus, encoding="utf-8") as f, con:
        for line in f:
            r = json.loads(line)
            n += 1
            con.execute(
                "INSERT INTO creators VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (n, r["id"], r["platform"], r["language"], r["audience_lang"], r["tier"],
                 r["followers"], r["engagement"], r["sponsored"], r["last_post_at"],
                 1 if r["has_email"] else 0),
            )
            con.execute(
                "INSERT INTO docs(rowid, name, bio, posts, hashtags, themes) VALUES (?,?,?,?,?,?)",
                (n, r["name"], r["bio"], r["posts"], r["hashtags"], r["themes"]),
            )
    with con:
        for col in ("language", "audience_lang", "tier", "followers", "engagement",
                    "sponsored", "last_post_at", "has_email", "platform"):
            con.execute("CREATE INDEX creators_%s ON creators(%s)" % (col, col))
        con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(a.db + suffix):
            os.remove(a.db + suffix)
    con = sqlite3.connect(a.db)
    t0 = time.perf_counter()
    n = load(con, a.corpus)
    build = time.perf_counter() - t0
    with open(a.queries, encoding="utf-8") as f:
        queries = json.load(f)
    now = int(time.time())
    prepared = [build_query(q["q"], q["filters"], now) for q in queries]
    hits = [len(con.execute(sql, p).fetchall()) for sql, p in prepared]  # warm-up
    samples = []
    for _ in range(a.rounds):
        for sql, p in prepared:
            t = time.perf_counter()
            con.execute(sql, p).fetchall()
            samples.append((time.perf_counter() - t) * 1000.0)
    samples.sort()
    r3 = lambda x: round(x, 3)
    result = {
        "creators": n,
        "sqlite_version": sqlite3.sqlite_version,
        "build_secs": r3(build),
        "build_creators_per_s": round(n / build) if build > 0 else None,
        "db_bytes": os.path.getsize(a.db),
        "queries": len(prepared),
        "rounds": a.rounds,
        "mean_hits_top20": r3(sum(hits) / max(1, len(hits))),
        "latency": {
            "n": len(samples),
            "mean_ms": r3(sum(samples) / max(1, len(samples))),
            "p50_ms": r3(percentile(samples, 50)),
            "p95_ms": r3(percentile(samples, 95)),
            "p99_ms": r3(percentile(samples, 99)),
            "max_ms": r3(samples[-1] if samples else 0.0),
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print("FTS5 %d creators: build %.1f s, p50 %.2f ms, p99 %.2f ms"
          % (n, build, result["latency"]["p50_ms"], result["latency"]["p99_ms"]))
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
