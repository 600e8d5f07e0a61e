# Shared setup of the test_hvsim_*.sh scripts, which drive hvsim (the
# Hyper-V WinRM simulator) directly: with curl + xmllint, or with Python
# clients (python3-winrm, python3-gssapi). A temp dir $T removed at exit,
# hvsim on an ephemeral loopback port, WS-Man requests, XPath over the
# reply, checks. Sourced, not run; each script still runs alone with
# HVSNAP_BUILD_DIR and HVSNAP_SOURCE_DIR set:
#   source "$(dirname "$0")/hvsim_lib.sh"
# (tests/integration/lib.sh is the helper set of the hvsnap CLI tests.)
#
# A script may set, after sourcing:
#   CURL_AUTH     curl's credential options for post/soap (default: none)
#   QUIET_CHECKS  non-empty: passed checks print nothing, the script ends
#                 with PASS alone; empty (default): each prints "ok - MESSAGE"
#   FAIL_SHOWS    what fail prints after its message: "resp" (default, the
#                 last SOAP reply) or "stderr" (the tail of hvsim's stderr)
# Files in $T: req/resp (last request/reply), port, log (hvsim's request
# log), stdout/stderr (hvsim's), tmp/ (hvsim's TMPDIR), out (a client's JSON).
# shellcheck disable=SC2034  # variables set here are read by the sourcing scripts
set -euo pipefail

HVSIM="${HVSNAP_BUILD_DIR:?}/hvsim"
SRC="${HVSNAP_SOURCE_DIR:?}"
FLOW="$SRC/tests/tools/winrm_flow.py"
T=$(mktemp -d)
SIM_PID=
KDC_PID=
CURL_AUTH=()
QUIET_CHECKS=
FAIL_SHOWS=resp

WMI=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2
WSEN=http://schemas.xmlsoap.org/ws/2004/09/enumeration
WXF=http://schemas.xmlsoap.org/ws/2004/09/transfer
SOAP=http://www.w3.org/2003/05/soap-envelope
ANON=http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous
VSSS_SEL='<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemSnapshotService</w:Selector></w:SelectorSet>'
VSMS_SEL='<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemManagementService</w:Selector></w:SelectorSet>'

# cleanup: at exit, stops hvsim (and the KDC of tests/tools/kdc.sh, if started), removes $T.
cleanup() {
	if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
	if [ -n "$KDC_PID" ]; then kill "$KDC_PID" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT

# --- outcomes ---------------------------------------------------------------------
# fail MESSAGE: prints FAIL: MESSAGE and what FAIL_SHOWS names, ends the script (exit 1).
fail() {
	echo "FAIL: $*" >&2
	if [ "$FAIL_SHOWS" = stderr ]; then
		if [ -f "$T/stderr" ]; then tail -5 "$T/stderr" >&2; fi
	else
		if [ -f "$T/resp" ]; then head -c 3000 "$T/resp" >&2; fi
		echo >&2
	fi
	exit 1
}
# ok MESSAGE: one passed check: "ok - MESSAGE", or nothing with QUIET_CHECKS.
ok() { [ -n "$QUIET_CHECKS" ] || echo "ok - $*"; }
# expect_eq GOT WANT MESSAGE: a check that GOT is WANT; a failure also shows $OUT (a client's output) once set.
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'${OUT+ ($OUT)}"; ok "$3"; }

# --- hvsim ------------------------------------------------------------------------
# start_sim [HVSIM_ARGS...]: hvsim on 127.0.0.1:0 logging to $T/log (fresh), TMPDIR $T/tmp; sets SIM_PID, PORT, URL (https:// with --https).
start_sim() {
	local scheme=http
	case " $* " in *" --https "*) scheme=https ;; esac
	rm -f "$T/port" "$T/log"
	mkdir -p "$T/tmp"
	TMPDIR="$T/tmp" "$HVSIM" --listen 127.0.0.1:0 --port-file "$T/port" --log "$T/log" "$@" >"$T/stdout" 2>"$T/stderr" &
	SIM_PID=$!
	for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
	[ -s "$T/port" ] || fail "hvsim did not start: $(cat "$T/stderr")"
	PORT=$(cat "$T/port")
	URL="$scheme://127.0.0.1:$PORT/wsman"
}
# stop_sim [-INT] [MESSAGE]: SIGTERM (or SIGINT) to hvsim; a check that it exits 0 (default MESSAGE "hvsim exits 0 on SIGTERM").
stop_sim() {
	local sig=TERM rc=0
	if [ "${1:-}" = -INT ]; then sig=INT; shift; fi
	local msg=${1:-hvsim exits 0 on SIG$sig}
	kill -"$sig" "$SIM_PID"
	wait "$SIM_PID" || rc=$?
	SIM_PID=
	[ "$rc" = 0 ] || fail "$msg: hvsim exit $rc after SIG$sig: $(tail -20 "$T/stderr")"
	ok "$msg"
}
# make_sim_cert [NEWKEY]: self-signed cert for 127.0.0.1/localhost in $T/cert.pem, key $T/key.pem (EC P-256 unless NEWKEY, e.g. rsa:2048).
make_sim_cert() {
	local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
	if [ -n "${1:-}" ]; then key=(-newkey "$1"); fi
	openssl req -x509 "${key[@]}" -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj "/CN=localhost" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 || fail "openssl req"
}

# --- WS-Man over curl -------------------------------------------------------------
MID=0
# envelope ACTION RESOURCE_URI BODY [HEADER_EXTRA]: prints a WS-Man request to $URL; MessageID number MID counts up.
envelope() {
	MID=$((MID + 1))
	printf '<s:Envelope xmlns:s="%s" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n="%s"><s:Header><a:To>%s</a:To><w:ResourceURI s:mustUnderstand="true">%s</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">%s</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">%s</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize><a:MessageID>uuid:00000000-0000-4000-8000-%012d</a:MessageID><w:OperationTimeout>PT60.000S</w:OperationTimeout>%s</s:Header><s:Body>%s</s:Body></s:Envelope>' \
		"$SOAP" "$WSEN" "$URL" "$2" "$ANON" "$1" "$MID" "${4:-}" "$3"
}
# identify_request: prints a WS-Man Identify request.
identify_request() {
	printf '<s:Envelope xmlns:s="%s" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>' "$SOAP"
}
# post FILE [CURL_ARGS...]: POSTs FILE as SOAP to $URL with CURL_AUTH; STATUS = the HTTP code, reply in $T/resp.
post() {
	local f=$1; shift
	STATUS=$(curl -s -o "$T/resp" -w '%{http_code}' -H 'Content-Type: application/soap+xml;charset=UTF-8' \
		"${CURL_AUTH[@]}" "$@" --data-binary @"$f" "$URL")
}
# soap ACTION RESOURCE_URI BODY [HEADER_EXTRA]: envelope into $T/req, then post it.
soap() { envelope "$@" >"$T/req"; post "$T/req"; }
# xp XPATH: XPath over the last reply; empty output when it does not evaluate.
xp() { xmllint --xpath "$1" "$T/resp" 2>/dev/null || true; }
# el NAME: the text of the first element named NAME in the last reply.
el() { xp "string(//*[local-name()='$1'][1])"; }
# expect_fault SUBCODE CONTEXT: checks (5) that the last reply is HTTP 500, a SOAP fault with SUBCODE, WSManFault Code and Machine HVTEST, Reason xml:lang.
expect_fault() {
	expect_eq "$STATUS" 500 "$2 (HTTP status)"
	expect_eq "$(xp "string(/*[local-name()='Envelope' and namespace-uri()='$SOAP']/*[local-name()='Body']/*[local-name()='Fault']/*[local-name()='Code']/*[local-name()='Subcode']/*[local-name()='Value'])")" "$1" "$2 (subcode)"
	[ -n "$(xp "string(//*[local-name()='WSManFault' and namespace-uri()='http://schemas.microsoft.com/wbem/wsman/1/wsmanfault']/@Code)")" ] || fail "$2: no f:WSManFault Code"
	expect_eq "$(xp "string(//*[local-name()='WSManFault']/@Machine)")" HVTEST "$2 (Machine)"
	[ -n "$(xp "string(//*[local-name()='Reason']/*[local-name()='Text']/@*[local-name()='lang'])")" ] || fail "$2: no Reason xml:lang"
}
# wql QUERY: one optimized WQL Enumerate (up to 100 items in the reply); fails unless HTTP 200.
wql() {
	soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">$1</w:Filter></n:Enumerate>"
	[ "$STATUS" = 200 ] || fail "WQL $1: HTTP $STATUS"
}
# cs_epr VMID: the EPR contents (Address, ReferenceParameters) of the Msvm_ComputerSystem named VMID.
cs_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_ComputerSystem</w:ResourceURI><w:SelectorSet><w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector><w:Selector Name="Name">%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1"; }
# create_snapshot VMID: CreateSnapshot (type 2, no settings) of VMID, no check; JOB = the job InstanceID in the reply, if any.
create_snapshot() {
	soap "$WMI/Msvm_VirtualSystemSnapshotService/CreateSnapshot" "$WMI/Msvm_VirtualSystemSnapshotService" \
		"<p:CreateSnapshot_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\"><p:AffectedSystem>$(cs_epr "$1")</p:AffectedSystem><p:SnapshotSettings></p:SnapshotSettings><p:SnapshotType>2</p:SnapshotType></p:CreateSnapshot_INPUT>" "$VSSS_SEL"
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
}
# get_job JOBID: Get of the Msvm_ConcreteJob JOBID.
get_job() { soap "$WXF/Get" "$WMI/Msvm_ConcreteJob" "" "<w:SelectorSet><w:Selector Name=\"InstanceID\">$1</w:Selector></w:SelectorSet>"; }
# wait_job JOBID: Gets the job until it leaves New/Starting/Running (up to
# 5 s); JS is its JobState then.
wait_job() {
	for _ in $(seq 100); do
		get_job "$1"
		JS=$(el JobState)
		case "$JS" in 2|3|4) sleep 0.05 ;; *) return 0 ;; esac
	done
	fail "job $1 did not end"
}

# --- Python clients and the request log ---------------------------------------------
# find_python IMPORTS WHAT: PY = /usr/bin/python3 (Debian's, with the Debian packages) or else python3, whichever can "import IMPORTS"; fails naming WHAT.
find_python() {
	local p
	PY=
	for p in /usr/bin/python3 python3; do
		if command -v "$p" >/dev/null && "$p" -c "import $1" 2>/dev/null; then PY=$p; break; fi
	done
	[ -n "$PY" ] || fail "$2 not installed (scripts/install-deps.sh)"
}
# winrm PASSWORD ARGS...: tests/tools/winrm_flow.py (python3-winrm) under $PY; RC = its exit code, OUT = its JSON (in $T/out), stderr in $T/pyerr.
winrm() {
	local pw=$1; shift
	set +e
	HVSIM_PASSWORD="$pw" OPENSSL_CONF="$SRC/tests/tools/openssl-legacy.cnf" "$PY" "$FLOW" "$@" >"$T/out" 2>"$T/pyerr"
	RC=$?
	set -e
	OUT=$(cat "$T/out")
}
# expect_ok MESSAGE: a check that the last winrm call exited 0.
expect_ok() { [ "$RC" = 0 ] || fail "$1: $OUT $(tail -3 "$T/pyerr")"; ok "$1"; }
# jget KEY: a top-level key of the JSON in $T/out (None when absent).
jget() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$T/out" "$1"; }
# logq EXPR: a Python expression over hvsim's request log $T/log, its lines as dicts in L.
logq() { "${PY:-python3}" -S -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(eval(sys.argv[2]))' "$T/log" "$1"; }
