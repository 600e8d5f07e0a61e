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
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
FAIL_SHOWS=stderr
find_python "winrm, requests_ntlm" "python3-winrm / python3-requests-ntlm"

# --- http + NTLM + message encryption, the demo host (encryption required) ---
start_sim
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
winrm demo reconnect --endpoint "$URL" --user 'HVHOST\demo'
expect_eq "$(jget error)/$(jget status)" WinRMTransportError/503 "action_contains matches a sealed request (503 injected)"
expect_eq "$(logq '[l["encrypted"] for l in L if l["status"]==503]')" "[True]" "the injected 503 was a sealed request"
stop_sim

# --- https + Basic, the demo host --------------------------------------------
make_sim_cert
start_sim --https --cert "$T/cert.pem" --key "$T/key.pem"
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
