#!/usr/bin/env bash
# Schema-driven fuzzing of `scout serve` with schemathesis: it reads /openapi.json and sends
# generated valid and invalid requests to every route, failing on any 5xx, on responses that
# do not match the documented schemas, and on the other checks listed in CHECKS.
#
# Not part of `cargo test` (it installs schemathesis from PyPI and takes minutes).
#
#   scripts/fuzz-http.sh                      # demo index (fixtures/world), 100 examples/route
#   FUZZ_INDEX=./index scripts/fuzz-http.sh   # an index you already have (read only)
#   MAX_EXAMPLES=500 CHECKS=all scripts/fuzz-http.sh
#
# Everything lives under target/fuzz-http/ (venv, index, report). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=target/fuzz-http
PORT=${PORT:-7988}
MAX_EXAMPLES=${MAX_EXAMPLES:-100}
# The default set: no server errors, and answers that match the document (status codes,
# content types, JSON schemas). `CHECKS=all` adds the stricter generated-input checks.
CHECKS=${CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance}
SEED=${SEED:-1}

mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/schemathesis" ]; then
  echo "fuzz-http: installing schemathesis into $WORK/venv" >&2
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet 'schemathesis>=4,<5'
fi

cargo build --quiet --bin scout
SCOUT=target/debug/scout

if [ -n "${FUZZ_INDEX:-}" ]; then
  INDEX=$FUZZ_INDEX
else
  INDEX=$WORK/index
  rm -rf "$INDEX"
  echo "fuzz-http: building the demo index in $INDEX" >&2
  "$SCOUT" --index "$INDEX" demo > "$WORK/demo.log"
fi

"$SCOUT" --index "$INDEX" serve --addr "127.0.0.1:$PORT" 2> "$WORK/serve.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/health" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$WORK/serve.log" >&2; exit 1; fi
  sleep 0.2
done

status=0
# Run from $WORK: schemathesis keeps a `.schemathesis/` cache in its working directory.
(
  cd "$WORK"
  venv/bin/schemathesis run "http://127.0.0.1:$PORT/openapi.json" \
    --checks "$CHECKS" \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --request-timeout 30 \
    --generation-database none \
    --report junit --report-dir report \
    --no-color
) || status=$?

# Whatever schemathesis concluded, the server must still be up and healthy.
curl -fsS "http://127.0.0.1:$PORT/health" > /dev/null || { echo "fuzz-http: server died" >&2; status=1; }
if grep -q "panicked" "$WORK/serve.log"; then
  echo "fuzz-http: the server log shows a panic" >&2
  status=1
fi
exit $status
