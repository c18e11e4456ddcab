#!/usr/bin/env bash
# Fuzzes the inbound mail reader (fuzz/fuzz_targets/inbound_mail.rs) with cargo-fuzz, seeded with
# the test corpus of real-world-shaped messages. Usage: scripts/fuzz.sh [SECONDS] (default 300).
# cargo-fuzz needs a nightly compiler; this machine has only stable, so RUSTC_BOOTSTRAP lets
# stable accept the flags it passes (the sanitizer-coverage instrumentation, no sanitizer).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
seconds=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus=$FRONTDOOR_CACHE/fuzz-corpus/inbound_mail
mkdir -p "$corpus"
cp -n server/tests/mail_corpus/*.eml "$corpus"/ 2>/dev/null || true
cd fuzz
RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$FRONTDOOR_CACHE/fuzz-target \
  cargo fuzz run --sanitizer none --release inbound_mail "$corpus" -- \
  -max_total_time="$seconds" -max_len=262144 -timeout=10 -print_final_stats=1
