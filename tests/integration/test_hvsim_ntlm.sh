#!/usr/bin/env bash
# hvsim against python3-winrm 0.3.0 (Debian's package, an independent
# WinRM client): the full checkpoint flow (WQL Enumerate+Pull, Invoke
# CreateSnapshot, poll the job with Get, the snapshot through
# Msvm_AffectedJobElement) over http+NTLM with message encryption required
# and over https+Basic; plaintext SOAP refused; wrong password 401; the
# context bound to the TCP connection; a tampered sealed message; the NTLM
# domain-case and UPN quirks; channel binding None/Relaxed/Strict over
# https. python3-winrm and gss-ntlmssp are required here (install-deps.sh):
# their absence is a failure, never a skip.
set -euo pipefail

HVSIM="${HVSNAP_BUILD_DIR:?}/hvsim"
SRC="${HVSNAP_SOURCE_DIR:?}"
FLOW="$SRC/tests/tools/winrm_flow.py"
T=$(mktemp -d)
SIM_PID=
cleanup() {
	if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/stderr" ] && tail -5 "$T/stderr" >&2; exit 1; }
ok() { echo "ok - $*"; }

# Debian's interpreter: a python3 earlier on PATH (pyenv, venv) lacks the
# Debian packages.
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import winrm, requests_ntlm' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || fail "python3-winrm / python3-requests-ntlm not installed (scripts/install-deps.sh)"

# ntlm-auth hashes with MD4, which OpenSSL 3 keeps in the legacy provider:
# a private config for the python process only, never the system one.
cat >"$T/openssl.cnf" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
EOF

# winrm PASSWORD MODE ARGS...: runs the helper; its JSON goes to $T/out.
winrm() {
	local pw=$1; shift
	set +e
	HVSIM_PASSWORD="$pw" OPENSSL_CONF="$T/openssl.cnf" "$PY" "$FLOW" "$@" >"$T/out" 2>"$T/pyerr"
	RC=$?
	set -e
	OUT=$(cat "$T/out")
}
jget() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$T/out" "$1"; }
expect_ok() { [ "$RC" = 0 ] || fail "$1: $OUT $(tail -3 "$T/pyerr")"; ok "$1"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1' ($OUT)"; ok "$3"; }

# start_sim ARGS...: hvsim on an ephemeral port, its private temp dir in $T
start_sim() {
	rm -f "$T/port" "$T/log"
	mkdir -p "$T/tmp"
	TMPDIR="$T/tmp" "$HVSIM" --listen 127.0.0.1:0 --port-file "$T/port" --log "$T/log" "$@" >"$T/stdout" 2>"$T/stderr" &
	SIM_PID=$!
	for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
	[ -s "$T/port" ] || fail "hvsim did not start: $(cat "$T/stderr")"
	PORT=$(cat "$T/port")
}
stop_sim() {
	kill -TERM "$SIM_PID"
	local rc=0
	wait "$SIM_PID" || rc=$?
	SIM_PID=
	[ "$rc" = 0 ] || fail "hvsim exit $rc after SIGTERM: $(tail -20 "$T/stderr")"
	ok "hvsim exits 0 on SIGTERM"
}
# logq EXPR: evaluates a Python expression over the log lines (as L)
logq() { "$PY" -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(eval(sys.argv[2]))' "$T/log" "$1"; }

# --- http + NTLM + message encryption, the demo host (encryption required) ---
start_sim
URL="http://127.0.0.1:$PORT/wsman"
USERDIR=$(ls -d "$T"/tmp/hvsim-ntlm.* 2>/dev/null | head -1)
[ -n "$USERDIR" ] || fail "no private NTLM_USER_FILE directory"
expect_eq "$(stat -c %a "$USERDIR")" 700 "NTLM_USER_FILE directory is private"
expect_eq "$(stat -c %a "$USERDIR/users")" 600 "NTLM_USER_FILE is mode 0600"

winrm demo flow --endpoint "$URL" --user 'HVHOST\demo' --transport ntlm --encryption always
expect_ok "python3-winrm full flow over http+NTLM with message encryption"
SNAP=$(jget snapshot)
case "$SNAP" in Microsoft:*) ok "snapshot found through Msvm_AffectedJobElement ($SNAP)";; *) fail "snapshot id: $SNAP";; esac
expect_eq "$(jget job_state)" 7 "job polled with Get until Completed"
expect_eq "$(logq 'sum(1 for l in L if l["method"]=="CreateSnapshot")')" 1 "exactly one CreateSnapshot in the log"
expect_eq "$(logq 'all(l["encrypted"] and l["auth"]=="negotiate-ntlm" for l in L if l["action"])')" True "every SOAP request sealed, auth negotiate-ntlm"
expect_eq "$(logq 'sum(1 for l in L if l["action"] and "enumeration/Pull" in l["action"])>=3')" True "WQL answered through Pull"
expect_eq "$(logq '[l["status"] for l in L[:3]]')" "[401, 401, 200]" "handshake: 401, 401 + challenge, 200 (empty body)"
expect_eq "$(logq 'len(set(l["connection"] for l in L))')" 1 "one TCP connection for the whole flow"
grep -q '"auth":"negotiate-ntlm"' "$T/log" || fail "log lacks negotiate-ntlm"
# neither tokens (base64 of "NTLMSSP" starts TlRMTVNT) nor header values
! grep -qE 'TlRMTVNT|Negotiate |Basic |password' "$T/log" || fail "credentials or tokens in the log"
ok "no tokens or credentials in the log"

winrm demo plaintext --endpoint "$URL" --user 'HVHOST\demo' --encryption never
expect_ok "plaintext SOAP after NTLM on http refused (500 w:AccessDenied)"
expect_eq "$(logq 'L[-1]["status"]')" 500 "refusal is HTTP 500"

winrm wrong auth --endpoint "$URL" --user 'HVHOST\demo'
expect_eq "$(jget error)" InvalidCredentialsError "wrong password: 401 (credentials rejected)"
expect_eq "$(logq 'L[-1]["status"]')" 401 "wrong password logged as 401"

winrm demo reconnect --endpoint "$URL" --user 'HVHOST\demo'
expect_ok "a new TCP connection must authenticate again (401 + offers)"

winrm demo tamper --endpoint "$URL" --user 'HVHOST\demo'
expect_ok "tampered sealed message: 400, then the connection's context is gone (401)"

winrm demo auth --endpoint "$URL" --user 'hvhost\demo' --keep-domain-case
expect_ok "NTLM domain spelled in lower case (Windows is case-insensitive)"
winrm demo auth --endpoint "$URL" --user 'demo@HVHOST'
expect_ok "UPN form user@domain with an empty NTLM domain"
winrm demo auth --endpoint "$URL" --user 'OTHER\demo'
expect_eq "$(jget error)" InvalidCredentialsError "unknown domain refused"
grep -q 'Microsoft-HTTPAPI/2.0' <(curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/soap+xml' "$URL") || fail "Server header"

stop_sim
[ -z "$(ls -A "$T/tmp")" ] || fail "NTLM_USER_FILE left behind: $(ls -A "$T/tmp")"
ok "NTLM_USER_FILE and its directory removed at exit"

# --- fault rules see the SOAP inside sealed bodies ---------------------------
cat >"$T/faults.json" <<'EOF'
{"host": "HVHOST", "users": [{"name": "demo", "domain": "HVHOST", "password": "demo"}],
 "vms": [{"name": "web01", "state": "running"}],
 "faults": [{"kind": "http_503", "action_contains": "Msvm_VirtualSystemManagementService", "on_request": 1}]}
EOF
start_sim --scenario "$T/faults.json"
winrm demo reconnect --endpoint "http://127.0.0.1:$PORT/wsman" --user 'HVHOST\demo'
expect_eq "$(jget error)/$(jget status)" WinRMTransportError/503 "action_contains matches a sealed request (503 injected)"
expect_eq "$(logq '[l["encrypted"] for l in L if l["status"]==503]')" "[True]" "the injected 503 was a sealed request"
stop_sim

# --- https + Basic, the demo host --------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 || fail "openssl req"
start_sim --https --cert "$T/cert.pem" --key "$T/key.pem"
URL="https://127.0.0.1:$PORT/wsman"
winrm demo flow --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --transport basic --encryption never
expect_ok "python3-winrm full flow over https+Basic"
expect_eq "$(logq 'sum(1 for l in L if l["method"]=="CreateSnapshot")')" 1 "exactly one CreateSnapshot over https"
expect_eq "$(logq 'all(l["auth"]=="basic" and not l["encrypted"] for l in L if l["action"])')" True "https+Basic requests logged as basic, not encrypted"
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never
expect_ok "NTLM over https without message encryption (TLS protects it)"
stop_sim

# --- channel binding over https ----------------------------------------------
# requests_ntlm 1.1.0 sends the tls-server-end-point binding by default;
# send_cbt=False gives a client without it, --wrong-cbt a mismatching one.
cbt_scenario() {
	cat >"$T/cbt.json" <<EOF
{"host": "HVHOST", "users": [{"name": "demo", "domain": "HVHOST", "password": "demo"}],
 "auth": {"cbt_hardening": "$1"}, "vms": [{"name": "web01", "state": "running"}]}
EOF
	start_sim --scenario "$T/cbt.json" --https --cert "$T/cert.pem" --key "$T/key.pem"
	URL="https://127.0.0.1:$PORT/wsman"
}
cbt_scenario strict
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never
expect_ok "strict: a client sending the channel binding is accepted"
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never --no-cbt
expect_eq "$(jget error)" InvalidCredentialsError "strict: a client without channel binding gets 401"
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never --wrong-cbt
expect_eq "$(jget error)" InvalidCredentialsError "strict: a mismatching channel binding gets 401"
stop_sim
cbt_scenario relaxed
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never --no-cbt
expect_ok "relaxed: a client without channel binding is accepted"
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never --wrong-cbt
expect_eq "$(jget error)" InvalidCredentialsError "relaxed: a mismatching channel binding gets 401"
stop_sim
cbt_scenario none
winrm demo auth --endpoint "$URL" --ca "$T/cert.pem" --user 'HVHOST\demo' --encryption never --wrong-cbt
expect_ok "none: channel binding is not checked"
stop_sim

echo "all hvsim NTLM/encryption/CBT checks passed"
