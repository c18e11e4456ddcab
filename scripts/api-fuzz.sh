#!/usr/bin/env bash
# Property-based calls against the REST API of a running demo server (Schemathesis, from PyPI):
# every operation of /api/v1/openapi.json, with generated valid and invalid input, checked for
# 5xx answers and answers outside the document (status, content type, schema).
# Usage: bash scripts/api-fuzz.sh http://127.0.0.1:PORT   (the server must run with --demo)
source "$(dirname "$0")/lib.sh"
ensure_schemathesis
BASE=${1:?usage: api-fuzz.sh BASE_URL}
WORK=$(mktemp -d /tmp/fd-api-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# A token made as an agency admin would make one: sign in (demo), then "Make token".
alex=$(curl -sf -X POST -H 'Accept: application/json' "$BASE/api/demo_people" |
  python3 -c 'import json,sys; print(next(p["user_id"] for p in json.load(sys.stdin) if p["email"] == "alex@agency.example"))')
cookie=$(curl -sf -o /dev/null -D - -X POST -H 'Accept: application/json' --data "user_id=$alex" "$BASE/api/demo_sign_in" |
  awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }')
token=$(curl -sf -X POST -H 'Accept: application/json' -H "Cookie: $cookie" \
  --data 'name=Schemathesis&scopes=tickets%3Awrite+accounts%3Awrite+knowledge%3Aread+events%3Aread' \
  "$BASE/api/create_api_token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
[ -n "$token" ] || { echo "could not make an API token"; exit 1; }

# Below the token's rate limit (10 a second), so every call is answered for real.
"$SCHEMATHESIS/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/api/v1/openapi.json" --url "$BASE" \
  --header "Authorization: Bearer $token" \
  --checks all --mode all --max-examples "${API_FUZZ_EXAMPLES:-40}" --rate-limit 8/s \
  --seed "${API_FUZZ_SEED:-20261127}" --no-color
