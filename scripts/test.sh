#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (server and wasm), unit and property tests, the
# store conformance suite on SQLite and on a real PostgreSQL, HTTP tests through the real router,
# and the Playwright suite in Debian's Chromium against the running `frontdoor` binary.
# Installs what it needs (idempotently) on a fresh Debian machine.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

SERVICES=$(mktemp -d /tmp/fd-test.XXXXXX)
chmod 755 "$SERVICES"   # the postgres user must reach its data folder inside
SERVER_PID=""
CLOCK_SERVER_PID=""
FUZZ_SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$CLOCK_SERVER_PID" ] && kill "$CLOCK_SERVER_PID" 2>/dev/null || true
  [ -n "$FUZZ_SERVER_PID" ] && kill "$FUZZ_SERVER_PID" 2>/dev/null || true
  bash scripts/services.sh stop_all "$SERVICES" >/dev/null 2>&1 || true
  rm -rf "$SERVICES"
}
trap cleanup EXIT

# ---------------------------------------------------------------- tools
ensure_apt curl brotli chromium postgresql python3-aiosmtpd python3-cryptography dovecot-imapd
ensure_wasm_target
ensure_wasm_opt
ensure_wasm_bindgen
ensure_wasm_split
ensure_schemathesis
ensure_oidc_provider
if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing the end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# ---------------------------------------------------------------- static checks
say "cargo fmt --check"
cargo fmt --all -- --check
say "clippy (server: native, with tests)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
say "clippy (browser: wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# ---------------------------------------------------------------- cargo tests, both backends
say "starting PostgreSQL for the conformance suite, an SMTP server that keeps what it receives, and Dovecot (IMAP)"
eval "$(bash scripts/services.sh start_pg "$SERVICES")"
export FRONTDOOR_TEST_POSTGRES_URL=$DATABASE_URL FRONTDOOR_REQUIRE_POSTGRES=1
unset DATABASE_URL
eval "$(bash scripts/services.sh start_smtp_sink "$SERVICES")"
export FRONTDOOR_TEST_SMTP_URL=smtp://$SMTP_HOST:$SMTP_PORT FRONTDOOR_TEST_SMTP_MAILDIR=$SMTP_CAPTURE_MAILDIR
export FRONTDOOR_REQUIRE_SMTP=1 SMTP_CAPTURE_MAILDIR
eval "$(bash scripts/services.sh start_imap "$SERVICES")"
export FRONTDOOR_REQUIRE_MAIL_SERVERS=1
say "cargo test (domain, store on SQLite + PostgreSQL, HTTP, mail over SMTP)"
cargo test -p app --features ssr 2>&1 | tee "$SERVICES/cargo-app.log"
cargo test -p server 2>&1 | tee "$SERVICES/cargo-server.log"

# ---------------------------------------------------------------- browser tests
build_wasm
say "building the server"
cargo build -p server --bin frontdoor
package_site
PORT=$(free_port)
export FRONTDOOR_URL=http://127.0.0.1:$PORT FRONTDOOR_INBOUND_SECRET=e2e-inbound-secret
say "starting an OpenID provider (oidc-provider) for single sign-on"
eval "$(OIDC_REDIRECT_URIS=$FRONTDOOR_URL/auth/sso/callback bash scripts/services.sh start_oidc "$SERVICES")"
export OIDC_ISSUER OIDC_CLIENT_ID OIDC_CLIENT_SECRET
LEPTOS_SITE_ROOT=$SITE "$CARGO_TARGET_DIR/debug/frontdoor" serve --addr "127.0.0.1:$PORT" --demo \
  --database-url "sqlite://$SERVICES/e2e.db" --smtp-url "$FRONTDOOR_TEST_SMTP_URL" \
  --inbound-mail-secret "$FRONTDOOR_INBOUND_SECRET" --webhook-allow-host 127.0.0.1 \
  --oidc-issuer "$OIDC_ISSUER" --oidc-client-id "$OIDC_CLIENT_ID" --oidc-client-secret "$OIDC_CLIENT_SECRET" \
  --mail-from "Frontdoor <support@agency.example>" >"$SERVICES/server.log" 2>&1 &
SERVER_PID=$!
# A second server whose clock tests move forward (SLA timers): moving time never disturbs the
# journeys on the first one.
CLOCK_PORT=$(free_port)
export FRONTDOOR_CLOCK_URL=http://127.0.0.1:$CLOCK_PORT
LEPTOS_SITE_ROOT=$SITE "$CARGO_TARGET_DIR/debug/frontdoor" serve --addr "127.0.0.1:$CLOCK_PORT" --demo --test-clock \
  --database-url "sqlite://$SERVICES/e2e-clock.db" --smtp-url "$FRONTDOOR_TEST_SMTP_URL" \
  --mail-from "Frontdoor <support@agency.example>" >"$SERVICES/clock-server.log" 2>&1 &
CLOCK_SERVER_PID=$!
wait_http "$FRONTDOOR_URL/healthz" 60 || { cat "$SERVICES/server.log"; exit 1; }
wait_http "$FRONTDOOR_CLOCK_URL/healthz" 60 || { cat "$SERVICES/clock-server.log"; exit 1; }
say "playwright (Chromium: phone and desktop)"
set +e
(cd end2end && CI=1 npx playwright test 2>&1) | tee "$SERVICES/playwright.log"
e2e_status=${PIPESTATUS[0]}
set -e

# The REST API against its own OpenAPI document: property-based calls (Schemathesis), valid and
# invalid, with a token made the way a person makes one. No 5xx, no answer outside the schema.
# Its own server on a fresh database: the journeys leave settings behind (two-step sign-in
# required of staff) that would stop the token being made.
say "schemathesis (the REST API against its OpenAPI document)"
FUZZ_PORT=$(free_port)
LEPTOS_SITE_ROOT=$SITE "$CARGO_TARGET_DIR/debug/frontdoor" serve --addr "127.0.0.1:$FUZZ_PORT" --demo \
  --database-url "sqlite://$SERVICES/api-fuzz.db" >"$SERVICES/api-fuzz-server.log" 2>&1 &
FUZZ_SERVER_PID=$!
wait_http "http://127.0.0.1:$FUZZ_PORT/healthz" 60 || { cat "$SERVICES/api-fuzz-server.log"; exit 1; }
set +e
bash scripts/api-fuzz.sh "http://127.0.0.1:$FUZZ_PORT" 2>&1 | tee "$SERVICES/schemathesis.log"
api_status=${PIPESTATUS[0]}
set -e
kill "$FUZZ_SERVER_PID" 2>/dev/null || true
FUZZ_SERVER_PID=""
if [ "$api_status" != 0 ]; then
  echo "API fuzz server log, warnings and errors (last 40):"
  grep -aE "WARN|ERROR|panicked" "$SERVICES/api-fuzz-server.log" | tail -40 || true
fi

# The server must stop cleanly on SIGTERM (graceful shutdown, nothing lost).
kill -TERM "$SERVER_PID"
server_status=0; wait "$SERVER_PID" || server_status=$?
SERVER_PID=""
grep -q "stopped" "$SERVICES/server.log" || { echo "server did not shut down gracefully:"; tail -20 "$SERVICES/server.log"; server_status=1; }
# When a journey failed, what the server said about it (warnings, errors and slow requests) is
# the first thing to read; the folder is removed on exit.
if [ "$e2e_status" != 0 ]; then
  echo "server log, warnings and errors (last 60):"
  grep -aE "WARN|ERROR|panicked" "$SERVICES/server.log" | tail -60 || true
fi

# ---------------------------------------------------------------- summary
cargo_passed=$(cat "$SERVICES"/cargo-*.log | awk '/^test result:/ { sum += $4 } END { print sum + 0 }')
cargo_failed=$(cat "$SERVICES"/cargo-*.log | awk '/^test result:/ { sum += $6 } END { print sum + 0 }')
e2e_passed=$(grep -Eo '[0-9]+ passed' "$SERVICES/playwright.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
e2e_failed=$(grep -Eo '[0-9]+ failed' "$SERVICES/playwright.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
read -r wasm_raw wasm_br < <(wasm_sizes)
echo
echo "wasm: $wasm_raw bytes raw, $wasm_br bytes brotli"
echo "cargo test: $cargo_passed passed, $cargo_failed failed"
echo "end2end (playwright): $e2e_passed passed, $e2e_failed failed"
# CI shows only the tail of this output: name the journeys that failed, and their first error line.
if [ "$e2e_status" != 0 ]; then
  grep -aE '^\s+✘' "$SERVICES/playwright.log" | sed 's/^\s*/  /' || true
  grep -aE '^\s+(Error|TimeoutError):' "$SERVICES/playwright.log" | head -5 | cut -c1-300 || true
fi
echo "rest api (schemathesis): $([ "$api_status" = 0 ] && echo passed || echo FAILED)"
[ "$e2e_status" = 0 ] && [ "$api_status" = 0 ] && [ "$server_status" = 0 ]
