#!/usr/bin/env bash
# Sets up everything this machine needs, builds Frontdoor, and serves it with demo data on SQLite.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_apt curl brotli
ensure_wasm_target
ensure_wasm_opt
# One build at a time: on two cores, overlapping builds measured slower (docs/benchmarks.md).
ensure_wasm_bindgen
ensure_wasm_split
build_wasm
say "building the server (release)"
cargo build -p server --release --bin frontdoor
package_site

ADDR=${FRONTDOOR_ADDR:-127.0.0.1:3000}
cat >&2 <<MSG

  Frontdoor is starting at  http://$ADDR
  Demo data is on SQLite (${DATABASE_URL:-sqlite://data/frontdoor.db}).
  Sign in by picking a person, e.g.
    Dana Whitfield   client admin, Acme Logistics   dana@acme.example
    Tom Becker       client, Bluebird Dental        tom@bluebird.example
    Sam Rivera       agent                          sam@agency.example
  (every demo person's password is frontdoor-demo)  Stop with Ctrl-C.

MSG
export LEPTOS_SITE_ROOT=$SITE LEPTOS_ENV=PROD
exec "$CARGO_TARGET_DIR/release/frontdoor" serve --addr "$ADDR" --demo
