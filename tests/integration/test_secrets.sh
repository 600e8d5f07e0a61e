#!/usr/bin/env bash
# Secrets stay secret (issue 13): every literal password the integration
# tests use is given to a user of one hvsim scenario; hvsnap runs a
# representative set of commands as each (Basic over https, NTLM sealed over
# http, wrong passwords too) with -v, --trace and --json; then every output,
# trace and hvsim log is searched for every password and its Basic base64
# form. Also: HVSNAP_PASSWORD's value is overwritten in the environment block
# (/proc/PID/environ), and the process is not dumpable while it holds it.
source "$(dirname "$0")/lib.sh"

HVSIM=$HVSNAP_BUILD_DIR/hvsim
IT=$HVSNAP_SOURCE_DIR/tests/integration
RESPONDER=$HVSNAP_SOURCE_DIR/tests/tools/responder.py
make_cert host

# --- every literal test password --------------------------------------------------
# PASSWORD='...' / HVSNAP_PASSWORD='...' in scripts, "password": "..." in
# scenarios; values taken from variables ($...) are the same literals. A
# password that is also a user name ("demo") would match every log line
# naming that user, so it cannot be told apart and is left out, as are
# passwords under 4 characters (" ", used to test blank input), which
# would match ordinary text.
mapfile -t PASSWORDS < <(python3 - "$IT" <<'EOF'
import glob, re, sys
found, users = set(), set()
for path in glob.glob(sys.argv[1] + "/*"):
    text = open(path, encoding="utf-8").read()
    found.update(re.findall(r"PASSWORD=['\"]([^'\"$]+)['\"]", text))
    found.update(re.findall(r'"password":\s*"([^"$]+)"', text))
    users.update(re.findall(r'"name":\s*"([^"]+)"', text))
for p in sorted(found - users):
    if len(p.strip()) >= 4:
        print(p)
EOF
)
[ "${#PASSWORDS[@]}" -ge 6 ] || fail "found only ${#PASSWORDS[@]} test passwords: ${PASSWORDS[*]}"
ok "collected ${#PASSWORDS[@]} test passwords"

# --- one scenario, one user per password ------------------------------------------
python3 - "$TMP/scenario.json" "${PASSWORDS[@]}" <<'EOF'
import json, sys
users = [{"name": "user%d" % i, "domain": "HVSEC", "password": p}
         for i, p in enumerate(sys.argv[2:])]
json.dump({"host": "HVSEC", "users": users,
           "auth": {"basic": True, "negotiate": True},
           "jobs": {"duration_ms": 100, "retention_ms": 60000},
           "vms": [{"name": "web01", "id": "51111111-2222-4333-8444-555555555501",
                    "state": "running"}]}, open(sys.argv[1], "w"))
EOF
"$HVSIM" --scenario "$TMP/scenario.json" --https --cert "$TMP/host.pem" --key "$TMP/host.key" \
  --listen 127.0.0.1:0 --port-file "$TMP/tls.port" --log "$TMP/sim-tls.log" \
  >"$TMP/sim-tls.out" 2>"$TMP/sim-tls.err" &
PIDS+=($!)
TLS_PORT=$(wait_port_file "$TMP/tls.port" "$!")
"$HVSIM" --scenario "$TMP/scenario.json" --listen 127.0.0.1:0 --port-file "$TMP/http.port" \
  --log "$TMP/sim-http.log" >"$TMP/sim-http.out" 2>"$TMP/sim-http.err" &
PIDS+=($!)
HTTP_PORT=$(wait_port_file "$TMP/http.port" "$!")

# run N WHAT ARGS: hvsnap with its streams kept as run-N.out / run-N.err
RUNS=0
run() {
  RUNS=$((RUNS + 1))
  set +e
  "$HVSNAP" "$@" >"$TMP/run-$RUNS.out" 2>"$TMP/run-$RUNS.err"
  RC=$?
  set -e
  [ "$RC" -lt 128 ] || fail "hvsnap died of signal $((RC - 128)): $*"
}
# expect WANT WHAT: the last run exited WANT
expect() { [ "$RC" = "$1" ] || fail "$2: exit $RC, expected $1: $(cat "$TMP/run-$RUNS.err")"; }

for i in "${!PASSWORDS[@]}"; do
  export HVSNAP_PASSWORD=${PASSWORDS[$i]}
  TLS=(-H 127.0.0.1 -P "$TLS_PORT" --cacert "$TMP/host.pem" -u "user$i")
  HTTP=(-H 127.0.0.1 -P "$HTTP_PORT" --transport http -u "HVSEC\\user$i")
  run "${TLS[@]}" --auth basic --trace -v vms; expect 0 "Basic vms as user$i"
  run "${TLS[@]}" --auth basic --json create web01; expect 0 "Basic create as user$i"
  run "${HTTP[@]}" --auth ntlm --trace -v --json list web01; expect 0 "NTLM list as user$i"
  run "${HTTP[@]}" --auth negotiate --trace job 00000000-0000-4000-8000-000000000000
  # the password of the next user: rejected, and reported without it
  export HVSNAP_PASSWORD=${PASSWORDS[$(( (i + 1) % ${#PASSWORDS[@]} ))]}
  run "${TLS[@]}" --auth basic --trace -v --json vms; expect 4 "a wrong Basic password"
  run "${HTTP[@]}" --auth ntlm --trace -v vms; expect 4 "a wrong NTLM password"
done
ok "$RUNS runs as ${#PASSWORDS[@]} users, right and wrong passwords"

# --- nothing anywhere shows a password --------------------------------------------
FILES=("$TMP"/run-*.out "$TMP"/run-*.err "$TMP"/sim-*)
for i in "${!PASSWORDS[@]}"; do
  p=${PASSWORDS[$i]}
  b64=$(printf '%s:%s' "user$i" "$p" | base64 -w0)
  if hits=$(grep -lF -e "$p" -e "$b64" "${FILES[@]}"); then
    fail "password #$i appears in: $hits"
  fi
done
ok "no password (nor its Basic form) in ${#FILES[@]} outputs, traces and hvsim logs"
grep -q 'Authorization: \[redacted\]\|--> request' "$TMP"/run-1.err || fail "the trace run traced nothing"
ok "the traces were written (the search covered real SOAP dumps)"

# --- the environment block and dumpability ---------------------------------------
# A host that answers after 3 s keeps hvsnap waiting, holding the password.
python3 "$RESPONDER" --port-file "$TMP/slow.port" --delay-ms 3000 --basic 'admin:x' &
PIDS+=($!)
SLOW_PORT=$(wait_port_file "$TMP/slow.port" "$!")
SECRET='env-only secret 51'
# As root, run hvsnap as nobody: a dumpable process's /proc files belong to
# its user, a non-dumpable one's to root. Otherwise run it as ourselves.
AS=()
if [ "$(id -u)" = 0 ]; then AS=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
HVSNAP_PASSWORD=$SECRET "${AS[@]}" "$HVSNAP" -H 127.0.0.1 -P "$SLOW_PORT" --transport http \
  --auth basic --allow-insecure-basic -u admin vms >/dev/null 2>&1 &
HV_PID=$!
PIDS+=($HV_PID)
sleep 1
kill -0 "$HV_PID" 2>/dev/null || fail "hvsnap did not stay waiting for the slow host"
owner=$(stat -c %u "/proc/$HV_PID/environ")
[ "$owner" = 0 ] || fail "/proc/$HV_PID belongs to uid $owner: the process is dumpable"
ok "hvsnap holding a password is not dumpable (its /proc files belong to root)"
if [ "$(id -u)" = 0 ]; then
  tr '\0' '\n' <"/proc/$HV_PID/environ" >"$TMP/environ"
  grep -q '^HVSNAP_PASSWORD=' "$TMP/environ" || fail "HVSNAP_PASSWORD is not in the environment block at all"
  if grep -qF "$SECRET" "$TMP/environ"; then fail "/proc/PID/environ still shows the password"; fi
  ok "/proc/PID/environ no longer shows HVSNAP_PASSWORD's value"
else
  # Only root may read a non-dumpable process's environment: that the
  # read is refused is what protects the value here.
  if cat "/proc/$HV_PID/environ" >/dev/null 2>&1; then fail "another process of the user can read hvsnap's environment"; fi
  ok "the environment of hvsnap cannot be read by the user's other processes"
fi
wait "$HV_PID" || true

echo "PASS ($CHECKS checks)"
