# Shared settings and idempotent installers for Frontdoor's scripts. Source it; do not run it.
# Everything installed lives under $FRONTDOOR_CACHE (default ~/.cache/frontdoor), outside the clone,
# so that a fresh clone reuses tools and build output.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FRONTDOOR_CACHE=${FRONTDOOR_CACHE:-$HOME/.cache/frontdoor}
TOOLS=$FRONTDOOR_CACHE/tools
NPM_TOOLS=$FRONTDOOR_CACHE/npm
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$FRONTDOOR_CACHE/target}
export PATH=$TOOLS/bin:$NPM_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH
export RUSTUP_AUTO_INSTALL=0
SITE=$ROOT/target/site
BINARYEN_VERSION=132.0.0

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The wasm-bindgen CLI must be exactly the version of the crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
}

ensure_wasm_bindgen() {
  local want; want=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$want" ]; then return; fi
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  # Not --locked: its lockfile pins a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$want" --root "$TOOLS" --force
}

# Cuts the lazily loaded pages (`lazy_pages!`) out of the wasm into chunks of their own.
WASM_SPLIT_VERSION=0.2.4
ensure_wasm_split() {
  # It has no --version: cargo's own record of what it installed says.
  if [ -x "$TOOLS/bin/wasm-split-cli" ] &&
    grep -q "\"wasm_split_cli_support $WASM_SPLIT_VERSION " "$TOOLS/.crates.toml" 2>/dev/null; then
    return
  fi
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (a few minutes, once)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary \
    --locked --root "$TOOLS" --force
}

ensure_wasm_opt() {
  if [ -x "$NPM_TOOLS/node_modules/.bin/wasm-opt" ]; then return; fi
  say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  mkdir -p "$NPM_TOOLS"
  [ -f "$NPM_TOOLS/package.json" ] || echo '{"private":true}' >"$NPM_TOOLS/package.json"
  (cd "$NPM_TOOLS" && npm install --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION")
}

# A real OpenID provider for the single sign-on tests (npm oidc-provider; scripts/services.sh
# start_oidc runs it from here).
OIDC_PROVIDER_VERSION=9.13.3
export OIDC_PROVIDER_DIR=$NPM_TOOLS
ensure_oidc_provider() {
  if grep -qs "\"version\": \"$OIDC_PROVIDER_VERSION\"" "$NPM_TOOLS/node_modules/oidc-provider/package.json"; then return; fi
  say "installing oidc-provider $OIDC_PROVIDER_VERSION (npm)"
  mkdir -p "$NPM_TOOLS"
  [ -f "$NPM_TOOLS/package.json" ] || echo '{"private":true}' >"$NPM_TOOLS/package.json"
  (cd "$NPM_TOOLS" && npm install --no-audit --no-fund --loglevel=error "oidc-provider@$OIDC_PROVIDER_VERSION")
}

# Schemathesis (PyPI), in its own virtualenv: property-based calls against the REST API's
# OpenAPI document.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS=$FRONTDOOR_CACHE/py/schemathesis
ensure_schemathesis() {
  if "$SCHEMATHESIS/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then return; fi
  say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI)"
  python3 -m venv "$SCHEMATHESIS"
  "$SCHEMATHESIS/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
}

# Debian packages, installed only when missing: apt-get update is slow, so run it only then.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]}"
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Compiles the browser app (the size-optimised profile).
build_wasm() {
  say "building the browser app (wasm)"
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release --features hydrate
}

# Lays out $SITE as `cargo leptos build --release --split` would: wasm-split-cli (the lazily loaded
# pages into chunks of their own) → wasm-bindgen → wasm-opt -Oz on each piece → $SITE/pkg, the
# stylesheet and public/.
package_site() {
  local wasm=$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm
  local staging=$FRONTDOOR_CACHE/site-staging
  rm -rf "$staging" && mkdir -p "$staging/split"
  wasm-split-cli "$wasm" "$staging/split" --target web --out-name frontdoor
  wasm-bindgen --target web --no-typescript --keep-lld-exports --out-name frontdoor \
    --out-dir "$staging" "$staging/split/frontdoor.wasm"
  mv "$staging/frontdoor_bg.wasm" "$staging/frontdoor.wasm"
  rm "$staging/split/frontdoor.wasm"
  mv "$staging"/split/* "$staging/" && rmdir "$staging/split"
  rm -rf "$SITE" && mkdir -p "$SITE/pkg"
  cp -r "$ROOT/public/." "$SITE/"
  local piece
  for piece in "$staging"/*.wasm; do
    optimise_wasm "$piece" "$SITE/pkg/$(basename "$piece")"
  done
  cp "$staging"/*.js "$SITE/pkg/"
  cp "$ROOT/style/main.css" "$SITE/pkg/frontdoor.css"
  # Compressed once, at the best ratio, instead of on every request.
  for piece in "$SITE"/pkg/*.{wasm,js,css}; do
    brotli -q 11 -f -k "$piece"
    gzip -9 -f -k "$piece"
  done
}

# wasm-opt -Oz on $1 into $2, skipped when the input (and the way it is run) has not changed since
# the last run: its result is kept by the input's digest.
optimise_wasm() {
  local how=(-Oz --converge)
  local sum; sum=$( (cat "$1"; echo "${how[*]}") | sha256sum | cut -c1-64)
  local cached=$FRONTDOOR_CACHE/wasm-opt-cache/$sum.wasm
  if [ ! -f "$cached" ]; then
    # Passes are repeated until the module stops shrinking: about 1.5 % more than one pass.
    say "optimising $(basename "$1") (wasm-opt ${how[*]}; up to a few minutes)"
    mkdir -p "$(dirname "$cached")"
    local features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
      --enable-reference-types --enable-multivalue --enable-mutable-globals)
    wasm-opt "${how[@]}" "${features[@]}" "$1" -o "$cached.tmp" && mv "$cached.tmp" "$cached"
  fi
  cp "$cached" "$2"
}

# The wasm sizes, raw and brotli-compressed, as "raw brotli" in bytes.
wasm_sizes() {
  local wasm=$SITE/pkg/frontdoor.wasm
  echo "$(stat -c %s "$wasm") $(brotli -c -q 11 "$wasm" | wc -c)"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS: waits until URL answers 200.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$url"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}
