#!/usr/bin/env bash
# Fuzzes the running API from its own OpenAPI document with schemathesis (PyPI), a bounded number
# of examples per operation, as a district supervisor and as an operator: no answer may be a 5xx,
# and every documented answer must match its schema. Run by .ci/run before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${HAP_FUZZ_VENV:-$HOME/.cache/hap-schemathesis}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==4.32.5"
fi

DATA="$(mktemp -d)"
PORT="${HAP_FUZZ_PORT:-3199}"
# The fuzzer sends thousands of requests a minute: the rate limit has its own test.
export HAP_DATA_DIR="$DATA" HAP_PORT="$PORT" HAP_STATE_MAX_LAG_MS=0 HAP_RATE_LIMIT_PER_MINUTE=1000000
# On failure the server's log is shown (the fuzzer reports request ids).
trap 'status=$?; kill "${SERVER:-0}" 2>/dev/null || true; [ $status -ne 0 ] && tail -n 40 "$DATA/serve.log"; rm -rf "$DATA"' EXIT

# A small synthetic district, so the figures, worklists and reports have rows to answer with.
npx hap generate --scale 0.01 --seed 7 --out "$DATA/synthetic" >/dev/null
npx hap import "$DATA/synthetic/events.ndjson" >/dev/null
npx hap population import --replace "$DATA/synthetic/population.csv" >/dev/null
SUPERVISOR="$(npx hap token create --role district_supervisor --label fuzz 2>/dev/null | tail -1)"
OPERATOR="$(npx hap token create --role operator --label fuzz 2>/dev/null | tail -1)"

# node itself (not npx), so that $! is the server and the trap stops it.
if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "fuzz: port $PORT already answers (another server?): set HAP_FUZZ_PORT" >&2
  exit 1
fi
node bin/hap.js serve >"$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { echo "fuzz: the server stopped" >&2; exit 1; }
  sleep 1
done

for TOKEN in "$SUPERVISOR" "$OPERATOR"; do
  "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/docs/json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "${HAP_FUZZ_EXAMPLES:-25}" --seed 20261128 --workers 1 --request-timeout 60
done
echo "fuzz: no server error, every documented answer matched its schema"
