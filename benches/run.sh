#!/usr/bin/env bash
# One command for every scout benchmark (see BENCHMARKS.md):
#   benches/run.sh            full run: 10k and 100k-creator indexes, 100k-creator crawl
#   benches/run.sh --quick    10k creators everywhere, a few minutes
# Extra arguments go to `scout-bench all` (e.g. --runs 3, --skip scrapy,http).
#
# Builds scout and scout-bench in release once, installs the peers it needs (Scrapy into a
# virtualenv under target/bench/venv, wrk from Debian's packages when run as root), runs every
# benchmark, prints the table and writes target/bench/results.json. A peer that cannot be
# installed is skipped with a note, never fatal.
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=target/bench
mkdir -p "$WORK"

echo "== building scout and scout-bench (release)"
cargo build --release -p scout -p scout-bench

PY=${PYTHON:-python3}
VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import scrapy' 2>/dev/null; then
    echo "== installing Scrapy into $VENV"
    if "$PY" -m venv "$VENV" && "$VENV/bin/pip" install --quiet --disable-pip-version-check scrapy; then
        "$VENV/bin/python" -c 'import scrapy; print("scrapy", scrapy.__version__)'
    else
        echo "   Scrapy could not be installed: its benchmark will be skipped"
    fi
fi

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing wrk"
        (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 \
            || echo "   wrk could not be installed: the HTTP benchmark will be skipped"
    else
        echo "   wrk not found (apt-get install -y wrk): the HTTP benchmark will be skipped"
    fi
fi

echo "== running benchmarks"
exec target/release/scout-bench all --work "$WORK" --fts5-python "$PY" "$@"
