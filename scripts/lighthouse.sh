#!/usr/bin/env bash
# Lighthouse (from npm) against the release build, in Debian's Chromium with Lighthouse's mobile
# emulation and simulated slow 4G: the performance figures in docs/benchmarks.md. A benchmark, not
# a pass/fail check, so not part of `make test`. Usage: bash scripts/lighthouse.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
LIGHTHOUSE_VERSION=12.8.2

ensure_apt curl brotli chromium
ensure_wasm_target
ensure_wasm_opt
ensure_wasm_bindgen
ensure_wasm_split
if [ ! -x "$NPM_TOOLS/node_modules/.bin/lighthouse" ]; then
  say "installing lighthouse $LIGHTHOUSE_VERSION (npm)"
  mkdir -p "$NPM_TOOLS"
  [ -f "$NPM_TOOLS/package.json" ] || echo '{"private":true}' >"$NPM_TOOLS/package.json"
  (cd "$NPM_TOOLS" && npm install --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION")
fi

build_wasm
say "building the server (release)"
cargo build --release -p server --bin frontdoor
package_site

WORK=$(mktemp -d /tmp/fd-lighthouse.XXXXXX)
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
LEPTOS_SITE_ROOT=$SITE "$CARGO_TARGET_DIR/release/frontdoor" serve --addr "127.0.0.1:$PORT" --demo \
  --database-url "sqlite://$WORK/lighthouse.db" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_http "$BASE/healthz" 60 || { cat "$WORK/server.log"; exit 1; }

# A client's session (Tom, on his phone), for the pages behind sign-in.
tom=$(curl -sf -X POST -H 'Accept: application/json' "$BASE/api/demo_people" |
  python3 -c 'import json,sys; print(next(p["user_id"] for p in json.load(sys.stdin) if p["email"] == "tom@bluebird.example"))')
cookie=$(curl -sf -o /dev/null -D - -X POST -H 'Accept: application/json' --data "user_id=$tom" "$BASE/api/demo_sign_in" |
  awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }')
[ -n "$cookie" ] || { echo "could not sign in as Tom"; exit 1; }

# One of his requests, for the request page.
reference=$(curl -sf -X POST -H 'Accept: application/json' -H "Cookie: $cookie" \
  --data 'title=Printer on floor 2 jams&description=Every third page since Monday.' "$BASE/api/create_request" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["reference"])')

printf '| page | performance | LCP | FCP | TBT | CLS | speed index | bytes |\n|---|---|---|---|---|---|---|---|\n'
for page in /signin / /requests/new "/requests/$reference"; do
  # A fresh profile per run: nothing cached from the page before (a first visit).
  CHROME_PATH=/usr/bin/chromium lighthouse "$BASE$page" --quiet --only-categories=performance \
    --output=json --output-path="$WORK/report.json" \
    --extra-headers="{\"Cookie\": \"$cookie\"}" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --user-data-dir=$WORK/profile-${page//\//_}" >/dev/null 2>"$WORK/lighthouse.log" ||
    { tail -20 "$WORK/lighthouse.log"; exit 1; }
  python3 - "$page" "$WORK/report.json" <<'EOF'
import json, sys
page, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
audit = lambda name: report["audits"][name]
print(f"| `{page}` | {round(report['categories']['performance']['score'] * 100)} "
      f"| {audit('largest-contentful-paint')['displayValue']} | {audit('first-contentful-paint')['displayValue']} "
      f"| {audit('total-blocking-time')['displayValue']} | {audit('cumulative-layout-shift')['displayValue']} "
      f"| {audit('speed-index')['displayValue']} | {round(audit('total-byte-weight')['numericValue'] / 1024)} KiB |")
EOF
done
