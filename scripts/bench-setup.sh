#!/usr/bin/env bash
# Measures `make run` from nothing: a fresh clone with an empty tool/build cache (FRONTDOOR_CACHE),
# until /healthz answers; then the second, warm run of the same command. Results go to stdout;
# docs/benchmarks.md records them. Takes ~15 minutes on 2 cores and uses both.
# (Crates already in ~/.cargo/registry and apt packages already installed are not re-fetched.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/fd-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git clone -q "$ROOT" "$WORK/clone"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

serve_until_healthy() {
  local start=$SECONDS
  (cd "$WORK/clone" && FRONTDOOR_CACHE=$WORK/cache FRONTDOOR_ADDR=127.0.0.1:$PORT \
    DATABASE_URL=sqlite://$WORK/fd.db exec bash scripts/run.sh) >"$WORK/$1.log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$WORK/$1.log"; exit 1; }
    sleep 0.5
  done
  echo "$1: $((SECONDS - start)) s until the portal answered"
  kill -TERM "$pid"; wait "$pid" || true
}

serve_until_healthy cold
serve_until_healthy warm
