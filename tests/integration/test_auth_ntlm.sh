# hvsnap's NTLM against hvsim's independent acceptor (gss-ntlmssp through
# GSSAPI): http with message encryption required, https with channel
# binding Strict, wrong password, a reconnect in the middle of a job wait,
# and python3-winrm completing the same encrypted flow on the same host.
source "$(dirname "$0")/lib.sh"

HVSIM=$HVSNAP_BUILD_DIR/hvsim
SCENARIO=$HVSNAP_SOURCE_DIR/tests/integration/auth-ntlm.json
PASSWORD='N7lm pass'
export HVSNAP_PASSWORD=$PASSWORD
make_cert host

start_sim() { # NAME SCENARIO ARGS...: sets PORT and LOG
  local name=$1 scenario=$2; shift 2
  "$HVSIM" --scenario "$scenario" --listen 127.0.0.1:0 --port-file "$TMP/$name.port" \
    --log "$TMP/$name.log" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=($!)
  PORT=$(wait_port_file "$TMP/$name.port" "$!")
  LOG=$TMP/$name.log
}

count() { # PATTERN: lines of $LOG containing it
  grep -cF -- "$1" "$LOG" || true
}

# plain_soap: SOAP requests (with an action) that hvsim answered with 200
# although they were not sealed.
plain_soap() {
  python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) for r in [json.loads(l)]
          if r["action"] and not r["encrypted"] and r["status"] == 200))' "$LOG"
}

no_secret() {
  if grep -qF "$PASSWORD" "$TMP/out" "$TMP/err"; then fail "the password leaked: $*"; fi
}

# --- http: NTLM, every message sealed ---------------------------------------
start_sim http "$SCENARIO"
HTTP=(-H 127.0.0.1 -P "$PORT" --transport http -u 'HVAUTH\admin')

run_hvsnap "${HTTP[@]}" -v create web01 --name "sealed"
expect_rc 0 "create over http with NTLM and message encryption"
expect_err "authenticated with NTLM"
no_secret "create over http"
[ "$(count '"method":"CreateSnapshot"')" = 1 ] || fail "CreateSnapshot count"
[ "$(count '"auth":"negotiate-ntlm"')" -ge 5 ] || fail "requests not NTLM-authenticated"
[ "$(plain_soap)" = 0 ] || fail "a plaintext SOAP request was accepted"
[ "$(count '"encrypted":true')" -ge 5 ] || fail "requests were not sealed"
ok "one CreateSnapshot, every SOAP request sealed, NTLM on the wire"

run_hvsnap "${HTTP[@]}" --json list web01
expect_rc 0 "list over the sealed channel"
[ "$(json_get 'j["snapshots"][0]["name"]')" = sealed ] || fail "snapshot name read back"

run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http -u 'hvauth\admin' vms
expect_rc 0 "domain given in another case (Windows compares it case-insensitively)"

HVSNAP_PASSWORD='wrong' run_hvsnap "${HTTP[@]}" vms
expect_rc 4 "wrong password"
expect_err "rejected the credentials"

run_hvsnap "${HTTP[@]}" --encryption never vms
[ "$RC" != 0 ] || fail "plaintext SOAP was accepted by a host that requires encryption"
ok "--encryption never against a host requiring encryption is refused (exit $RC)"

run_hvsnap "${HTTP[@]}" --auth basic vms
expect_rc 2 "Basic over http without --allow-insecure-basic"

# --- a connection dropped while the job is polled: re-authenticate, go on ----
python3 - "$SCENARIO" "$TMP/drop.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["faults"] = [{"kind": "drop_connection", "action_contains": "transfer/Get", "on_request": 2}]
json.dump(s, open(sys.argv[2], "w"))
PY
start_sim drop "$TMP/drop.json"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http -u 'HVAUTH\admin' -v create db01
expect_rc 0 "create with the connection dropped during the wait"
[ "$(count '"method":"CreateSnapshot"')" = 1 ] || fail "CreateSnapshot sent again after the drop"
conns=$(python3 -c 'import json,sys; print(len({json.loads(l)["connection"] for l in open(sys.argv[1])}))' "$LOG")
[ "$conns" -ge 2 ] || fail "expected a second connection, saw $conns"
expect_err "authenticated with NTLM"
[ "$(grep -c 'authenticated with NTLM' "$TMP/err")" -ge 2 ] || fail "no second handshake after the drop"
ok "reconnected, authenticated again, one CreateSnapshot"

# --- a sealed reply whose ciphertext was altered: a clean protocol error ------
python3 - "$SCENARIO" "$TMP/tamper.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["faults"] = [{"kind": "tamper_reply", "action_contains": "Enumerate"}]
json.dump(s, open(sys.argv[2], "w"))
PY
start_sim tamper "$TMP/tamper.json"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http -u 'HVAUTH\admin' vms
expect_rc 7 "a tampered sealed reply"
expect_err "could not be opened"
expect_err "signature"
[ -z "$OUT" ] || fail "data from a tampered reply reached stdout: $OUT"
ok "nothing from the tampered reply was used"

# --- https: channel binding Strict --------------------------------------------
start_sim https "$SCENARIO" --https --cert "$TMP/host.pem" --key "$TMP/host.key"
HTTPS=(-H 127.0.0.1 -P "$PORT" --cacert "$TMP/host.pem" -u 'HVAUTH\admin')
run_hvsnap "${HTTPS[@]}" --auth ntlm vms
expect_rc 0 "NTLM over https with CbtHardeningLevel Strict (channel binding sent)"
[ "$(count '"encrypted":true')" = 0 ] || fail "https messages need no sealing"

run_hvsnap "${HTTPS[@]}" --auth basic --json vms
expect_rc 0 "Basic over https"
[ "$(json_get 'len(j["vms"])')" = 2 ] || fail "vms over Basic"

# --- python3-winrm 0.3.0 runs the same sealed flow on the same kind of host --
# Debian's package lives in the system interpreter, whatever python3 the
# PATH finds first.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import winrm' 2>/dev/null || fail "python3-winrm is not installed (scripts/install-deps.sh)"
start_sim pywinrm "$SCENARIO"
set +e
HVSIM_PASSWORD=$PASSWORD OPENSSL_CONF=$HVSNAP_SOURCE_DIR/tests/tools/openssl-legacy.cnf "$PY" \
  "$HVSNAP_SOURCE_DIR/tests/tools/winrm_flow.py" flow \
  --endpoint "http://127.0.0.1:$PORT/wsman" --user 'HVAUTH\admin' --vm web01 \
  >"$TMP/out" 2>"$TMP/err"
RC=$?
set -e
[ "$RC" = 0 ] || fail "python3-winrm flow: $(cat "$TMP/out" "$TMP/err")"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http -u 'HVAUTH\admin' --json list web01
expect_rc 0 "hvsnap reads the checkpoint python3-winrm made"
[ "$(json_get 'len(j["snapshots"])')" = 1 ] || fail "python3-winrm's checkpoint not seen"
[ "$(count '"method":"CreateSnapshot"')" = 1 ] || fail "CreateSnapshot count for python3-winrm"
ok "python3-winrm and hvsnap complete the same encrypted NTLM flow"

echo "$CHECKS checks passed"
