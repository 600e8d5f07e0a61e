# Runs one test program of tests/api against a fresh hvsim: NTLM over http
# with message encryption, as against a fresh Windows host. The program
# gets the connection in HVSNAP_* (as the examples do) and hvsim's request
# log in HVSIM_LOG; it does its own checks and exits 0 only when all pass.
#   bash driver.sh PROGRAM [SCENARIO]   (default tests/api/api.json)
source "$HVSNAP_SOURCE_DIR/tests/integration/lib.sh"

PROG=${1:?program}
SCENARIO=${2:-$HVSNAP_SOURCE_DIR/tests/api/api.json}
"$HVSNAP_BUILD_DIR/hvsim" --scenario "$SCENARIO" --listen 127.0.0.1:0 \
  --port-file "$TMP/port" --log "$TMP/log" >"$TMP/hvsim.out" 2>"$TMP/hvsim.err" &
SIM=$!
PIDS+=("$SIM")
PORT=$(wait_port_file "$TMP/port" "$SIM")

set +e
HVSNAP_HOST=127.0.0.1 HVSNAP_PORT=$PORT HVSNAP_TRANSPORT=http HVSNAP_USER='APITEST\demo' \
  HVSNAP_PASSWORD='api pass' HVSIM_LOG=$TMP/log timeout 120 "$PROG" >"$TMP/out" 2>"$TMP/err"
RC=$?
set -e
cat "$TMP/out"
cat "$TMP/err" >&2
grep -qE 'Sanitizer|runtime error:' "$TMP/err" && fail "sanitizer report"
grep -qF 'api pass' "$TMP/out" "$TMP/err" && fail "the password was printed"
kill -0 "$SIM" 2>/dev/null || fail "hvsim died: $(tail -5 "$TMP/hvsim.err")"
[ "$RC" = 0 ] || fail "$(basename "$PROG") exited $RC"
echo "PASS"
