#!/usr/bin/env python3
"""How far two scout servers' answers differ on the HTTP benchmark's requests.

Reads the request paths from the wrk script `scout-bench http` writes
(`target/bench/wrk_search.lua`), asks both servers each one and compares the pages by
creator id: how many are identical (same creators in the same order) and what share of the
first server's results the second also returns. Used in BENCHMARKS.md (issue 15, eleventh
pass) to show what fewer re-ranked candidates (`--set rank.candidates=N`) do to the page:

    scout --index target/bench/index-100000 --set server.search_cache_mb=0 serve --addr 127.0.0.1:18400 &
    scout --index target/bench/index-100000 --set server.search_cache_mb=0 \
          --set rank.candidates=50 serve --addr 127.0.0.1:18050 &
    python3 benches/page_overlap.py target/bench/wrk_search.lua http://127.0.0.1:18400 http://127.0.0.1:18050

Standard library only; loopback servers only.
"""

import json
import re
import sys
import urllib.request


def paths_of(wrk_script):
    with open(wrk_script, encoding="utf-8") as f:
        return re.findall(r'"(/v1/search[^"]*)"', f.read())


def page_ids(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return [x["id"] for x in json.load(r)["results"]]


def compare(paths, a, b):
    identical = shared = returned = answered = 0
    for p in paths:
        first = page_ids(a, p)
        if not first:
            continue
        second = page_ids(b, p)
        answered += 1
        identical += first == second
        shared += len(set(first) & set(second))
        returned += len(first)
    return {
        "requests": len(paths),
        "pages_compared": answered,
        "identical_pages": identical,
        "top_overlap": round(shared / returned, 3) if returned else None,
    }


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: page_overlap.py WRK_SCRIPT BASE_URL_A BASE_URL_B")
    paths = paths_of(argv[1])
    if not paths:
        sys.exit(f"no /v1/search paths in {argv[1]}")
    print(json.dumps(compare(paths, argv[2].rstrip("/"), argv[3].rstrip("/"))))


if __name__ == "__main__":
    main(sys.argv)
