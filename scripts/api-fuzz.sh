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
call() { # call NAME ARGS... : a server function's JSON answer, or the reason it failed
  local name=$1; shift
  curl -sS --fail-with-body -X POST -H 'Accept: application/json' "$@" "$BASE/api/$name" ||
    { echo "api-fuzz.sh: $name failed" >&2; return 1; }
}
alex=$(call demo_people | python3 -c 'import json,sys; print(next(p["user_id"] for p in json.load(sys.stdin) if p["email"] == "alex@agency.example"))')
cookie=$(curl -sS -o /dev/null -D - -X POST -H 'Accept: application/json' --data "user_id=$alex" "$BASE/api/demo_sign_in" |
  awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }')
made=$(call create_api_token -H "Cookie: $cookie" \
  --data 'name=Schemathesis&scopes=tickets%3Awrite+accounts%3Awrite+knowledge%3Aread+events%3Aread')
token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$made")

# Below the token's rate limit (10 a second), so every call is answered for real. Run from the
# scratch folder: Schemathesis keeps its example cache in the working directory.
cd "$WORK"
"$SCHEMATHESIS/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/api/v1/openapi.json" --url "$BASE" \
  --header "Authorization: Bearer $token" \
  --checks all --mode all --max-examples "${API_FUZZ_EXAMPLES:-40}" --rate-limit 8/s \
  --seed "${API_FUZZ_SEED:-20261127}" --no-color
