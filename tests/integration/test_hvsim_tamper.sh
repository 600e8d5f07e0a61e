#!/usr/bin/env bash
# tamper_reply on a sealed answer, proved with an independent client:
# python3-winrm over http+NTLM with message encryption gets the first Get
# of the management service intact and the second as HTTP 200
# multipart/encrypted whose Length and framing still hold but whose
# signature check fails (one ciphertext byte flipped after sealing). Also
# the --log line of faulted sealed requests: the action read from the
# decrypted body, and "fault". python3-winrm and gss-ntlmssp are required
# (install-deps.sh): their absence is a failure, never a skip.
# Self-contained on purpose: each test_hvsim_*.sh can run alone.
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

winrm() { # ARGS...: the helper's JSON goes to $T/out
	set +e
	HVSIM_PASSWORD=demo OPENSSL_CONF="$T/openssl.cnf" "$PY" "$FLOW" "$@" >"$T/out" 2>"$T/pyerr"
	RC=$?
	set -e
	OUT=$(cat "$T/out")
	[ "$RC" = 0 ] || fail "winrm_flow.py $1: $OUT $(tail -3 "$T/pyerr")"
}
# q EXPR: a Python expression over the helper's JSON (j)
q() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/out" "$1"; }
# logq EXPR: a Python expression over the log lines (L)
logq() { "$PY" -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(eval(sys.argv[2]))' "$T/log" "$1"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1' ($OUT)"; ok "$3"; }

cat >"$T/scenario.json" <<'EOF'
{"host": "HVHOST", "users": [{"name": "demo", "domain": "HVHOST", "password": "demo"}],
 "vms": [{"name": "web01", "state": "running"}],
 "faults": [
   {"kind": "tamper_reply", "action_contains": "Msvm_VirtualSystemManagementService", "on_request": 2},
   {"kind": "http_503", "action_contains": "Msvm_VirtualSystemSnapshotService", "on_request": 1}
 ]}
EOF
mkdir -p "$T/tmp"
TMPDIR="$T/tmp" "$HVSIM" --scenario "$T/scenario.json" --listen 127.0.0.1:0 --port-file "$T/port" \
	--log "$T/log" >"$T/stdout" 2>"$T/stderr" &
SIM_PID=$!
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || fail "hvsim did not start: $(cat "$T/stderr")"
URL="http://127.0.0.1:$(cat "$T/port")/wsman"
VSMS=Msvm_VirtualSystemManagementService
VSSS=Msvm_VirtualSystemSnapshotService

# --- the sealed answer is delivered, tampered, and the client notices -----------
winrm gets --endpoint "$URL" --user 'HVHOST\demo' --encryption always --get "$VSMS" --get "$VSMS"
expect_eq "$(q 'j["results"][0].get("ok")')" True "1st sealed Get: intact"
expect_eq "$(q 'j["results"][1].get("ok")')" None "2nd sealed Get: refused by the client"
expect_eq "$(q 'j["results"][1]["wire_status"]')" 200 "the tampered answer came as HTTP 200"
expect_eq "$(q '"multipart/encrypted" in j["results"][1]["wire_type"]')" True "... sealed (multipart/encrypted)"
# ntlm-auth says "The signature checksum does not match, message has been
# altered"; a broken frame or Length would give another message
expect_eq "$(q '"signature" in j["results"][1].get("detail", "").lower()')" True \
	"the client's signature check failed (framing and Length intact)"

# --- a 503 on a sealed request: the log names the decrypted action --------------
winrm gets --endpoint "$URL" --user 'HVHOST\demo' --encryption always --get "$VSSS" --get "$VSSS"
expect_eq "$(q '[r.get("status") or r.get("ok") for r in j["results"]]')" "[503, True]" "503 once on the snapshot service, then fine"

expect_eq "$(logq '[(l["action"].rsplit("/",1)[-1], l["resource_uri"].rsplit("/",1)[-1], l["status"], l["encrypted"]) for l in L if l.get("fault") == "tamper_reply"]')" \
	"[('Get', '$VSMS', 200, True)]" "log: the tampered sealed Get, with its action"
expect_eq "$(logq '[(l["action"].rsplit("/",1)[-1], l["resource_uri"].rsplit("/",1)[-1], l["status"], l["encrypted"]) for l in L if l.get("fault") == "http_503"]')" \
	"[('Get', '$VSSS', 503, True)]" "log: the 503'd sealed Get, action read after decrypting"
expect_eq "$(logq 'sum(1 for l in L if "fault" in l)')" 2 "log: no other line carries \"fault\""

kill -TERM "$SIM_PID"; RC=0; wait "$SIM_PID" || RC=$?; SIM_PID=
[ "$RC" = 0 ] || fail "hvsim exit $RC: $(tail -20 "$T/stderr")"
ok "hvsim exits 0"
echo PASS
