#!/usr/bin/env bash
# tamper_reply on a sealed answer, proved with an independent client:
# python3-winrm over http+NTLM with message encryption gets the first Get
# of the management service intact and the second as HTTP 200
# multipart/encrypted whose Length and framing still hold but whose
# signature check fails (one ciphertext byte flipped after sealing). Also
# the --log line of faulted sealed requests: the action read from the
# decrypted body, and "fault". python3-winrm and gss-ntlmssp are required
# (install-deps.sh): their absence is a failure, never a skip.
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
FAIL_SHOWS=stderr
find_python "winrm, requests_ntlm" "python3-winrm / python3-requests-ntlm"

# gets ARGS...: winrm_flow.py gets as HVHOST\demo, which must succeed
gets() {
	winrm demo gets --endpoint "$URL" --user 'HVHOST\demo' "$@"
	[ "$RC" = 0 ] || fail "winrm_flow.py gets: $OUT $(tail -3 "$T/pyerr")"
}
# q EXPR: a Python expression over the helper's JSON (j)
q() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/out" "$1"; }

cat >"$T/scenario.json" <<'EOF'
{"host": "HVHOST", "users": [{"name": "demo", "domain": "HVHOST", "password": "demo"}],
 "vms": [{"name": "web01", "state": "running"}],
 "faults": [
   {"kind": "tamper_reply", "action_contains": "Msvm_VirtualSystemManagementService", "on_request": 2},
   {"kind": "http_503", "action_contains": "Msvm_VirtualSystemSnapshotService", "on_request": 1}
 ]}
EOF
start_sim --scenario "$T/scenario.json"
VSMS=Msvm_VirtualSystemManagementService
VSSS=Msvm_VirtualSystemSnapshotService

# --- the sealed answer is delivered, tampered, and the client notices -----------
gets --encryption always --get "$VSMS" --get "$VSMS"
expect_eq "$(q 'j["results"][0].get("ok")')" True "1st sealed Get: intact"
expect_eq "$(q 'j["results"][1].get("ok")')" None "2nd sealed Get: refused by the client"
expect_eq "$(q 'j["results"][1]["wire_status"]')" 200 "the tampered answer came as HTTP 200"
expect_eq "$(q '"multipart/encrypted" in j["results"][1]["wire_type"]')" True "... sealed (multipart/encrypted)"
# ntlm-auth says "The signature checksum does not match, message has been
# altered"; a broken frame or Length would give another message
expect_eq "$(q '"signature" in j["results"][1].get("detail", "").lower()')" True \
	"the client's signature check failed (framing and Length intact)"

# --- a 503 on a sealed request: the log names the decrypted action --------------
gets --encryption always --get "$VSSS" --get "$VSSS"
expect_eq "$(q '[r.get("status") or r.get("ok") for r in j["results"]]')" "[503, True]" "503 once on the snapshot service, then fine"

expect_eq "$(logq '[(l["action"].rsplit("/",1)[-1], l["resource_uri"].rsplit("/",1)[-1], l["status"], l["encrypted"]) for l in L if l.get("fault") == "tamper_reply"]')" \
	"[('Get', '$VSMS', 200, True)]" "log: the tampered sealed Get, with its action"
expect_eq "$(logq '[(l["action"].rsplit("/",1)[-1], l["resource_uri"].rsplit("/",1)[-1], l["status"], l["encrypted"]) for l in L if l.get("fault") == "http_503"]')" \
	"[('Get', '$VSSS', 503, True)]" "log: the 503'd sealed Get, action read after decrypting"
expect_eq "$(logq 'sum(1 for l in L if "fault" in l)')" 2 "log: no other line carries \"fault\""

stop_sim "hvsim exits 0"
echo PASS
