#!/usr/bin/env bash
# hvsim fault injection and transports: 503 once, a dropped connection,
# HTTP 500 with garbage, a truncated body, latency, a fault aimed at the
# first Pull, a job that never ends, CompletedWithWarnings, a tampered
# plaintext answer, a dropped CreateSnapshot (not processed), the --log
# lines of faulted requests (action named, "fault" set), and https with
# Basic (certificate made here with the openssl CLI), where the demo host
# accepts Basic because the channel is encrypted.
# Self-contained on purpose: each test_hvsim_*.sh can run alone.
set -euo pipefail

HVSIM="${HVSNAP_BUILD_DIR:?}/hvsim"
SRC="${HVSNAP_SOURCE_DIR:?}"
T=$(mktemp -d)
SIM_PID=
cleanup() {
	if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/resp" ] && head -c 3000 "$T/resp" >&2; echo >&2; exit 1; }

WMI=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2
WSEN=http://schemas.xmlsoap.org/ws/2004/09/enumeration
WXF=http://schemas.xmlsoap.org/ws/2004/09/transfer
SOAP=http://www.w3.org/2003/05/soap-envelope
ANON=http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous
CURL_AUTH=(-u 'admin:s3cret')

start_sim() {
	rm -f "$T/port"
	"$HVSIM" --listen 127.0.0.1:0 --port-file "$T/port" --log "$T/log" "$@" >"$T/stdout" 2>"$T/stderr" &
	SIM_PID=$!
	for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
	[ -s "$T/port" ] || fail "hvsim did not start: $(cat "$T/stderr")"
	PORT=$(cat "$T/port")
	URL="http://127.0.0.1:$PORT/wsman"
}
MID=0
# envelope ACTION RESOURCE_URI BODY [HEADER_EXTRA]
envelope() {
	MID=$((MID + 1))
	printf '<s:Envelope xmlns:s="%s" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n="%s"><s:Header><a:To>%s</a:To><w:ResourceURI s:mustUnderstand="true">%s</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">%s</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">%s</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize><a:MessageID>uuid:00000000-0000-4000-8000-%012d</a:MessageID><w:OperationTimeout>PT60.000S</w:OperationTimeout>%s</s:Header><s:Body>%s</s:Body></s:Envelope>' \
		"$SOAP" "$WSEN" "$URL" "$2" "$ANON" "$1" "$MID" "${4:-}" "$3"
}
post() {
	local f=$1; shift
	STATUS=$(curl -s -o "$T/resp" -w '%{http_code}' -H 'Content-Type: application/soap+xml;charset=UTF-8' \
		"${CURL_AUTH[@]}" "$@" --data-binary @"$f" "$URL")
}
soap() { envelope "$@" >"$T/req"; post "$T/req"; }
xp() { xmllint --xpath "$1" "$T/resp" 2>/dev/null || true; }
el() { xp "string(//*[local-name()='$1'][1])"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_fault() { # SUBCODE CONTEXT
	expect_eq "$STATUS" 500 "$2 (HTTP status)"
	expect_eq "$(xp "string(/*[local-name()='Envelope' and namespace-uri()='$SOAP']/*[local-name()='Body']/*[local-name()='Fault']/*[local-name()='Code']/*[local-name()='Subcode']/*[local-name()='Value'])")" "$1" "$2 (subcode)"
	[ -n "$(xp "string(//*[local-name()='WSManFault' and namespace-uri()='http://schemas.microsoft.com/wbem/wsman/1/wsmanfault']/@Code)")" ] || fail "$2: no f:WSManFault Code"
	expect_eq "$(xp "string(//*[local-name()='WSManFault']/@Machine)")" HVTEST "$2 (Machine)"
	[ -n "$(xp "string(//*[local-name()='Reason']/*[local-name()='Text']/@*[local-name()='lang'])")" ] || fail "$2: no Reason xml:lang"
}
wql() { # QUERY -> all items in one optimized EnumerateResponse
	soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">$1</w:Filter></n:Enumerate>"
	expect_eq "$STATUS" 200 "WQL $1"
}


VSSS_SEL='<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemSnapshotService</w:Selector></w:SelectorSet>'
cs_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_ComputerSystem</w:ResourceURI><w:SelectorSet><w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector><w:Selector Name="Name">%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1"; }
create() {
	soap "$WMI/Msvm_VirtualSystemSnapshotService/CreateSnapshot" "$WMI/Msvm_VirtualSystemSnapshotService" \
		"<p:CreateSnapshot_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\"><p:AffectedSystem>$(cs_epr "$1")</p:AffectedSystem><p:SnapshotSettings></p:SnapshotSettings><p:SnapshotType>2</p:SnapshotType></p:CreateSnapshot_INPUT>" "$VSSS_SEL"
	expect_eq "$(el ReturnValue)" 4096 "CreateSnapshot"
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
}
get_job() { soap "$WXF/Get" "$WMI/Msvm_ConcreteJob" "" "<w:SelectorSet><w:Selector Name=\"InstanceID\">$1</w:Selector></w:SelectorSet>"; }
printf '<s:Envelope xmlns:s="%s" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>' "$SOAP" >"$T/id"

start_sim --scenario "$SRC/tests/integration/hvsim-faults.json"
post "$T/id"; expect_eq "$STATUS" 200 "request 1 is normal"
post "$T/id"; expect_eq "$STATUS" 503 "request 2: 503"
RC=0; curl -s -o /dev/null "${CURL_AUTH[@]}" -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @"$T/id" "$URL" || RC=$?
expect_eq "$RC" 52 "request 3: connection dropped (curl: empty reply)"
post "$T/id"; expect_eq "$STATUS" 500 "request 4: HTTP 500"
xmllint --noout "$T/resp" 2>/dev/null && fail "request 4 body should be garbage"
RC=0; curl -s -o "$T/resp" "${CURL_AUTH[@]}" -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @"$T/id" "$URL" || RC=$?
expect_eq "$RC" 18 "request 5: truncated body (curl: partial file)"
START=$(date +%s%N); post "$T/id"; END=$(date +%s%N)
expect_eq "$STATUS" 200 "request 6 answers"
[ $(( (END - START) / 1000000 )) -ge 390 ] || fail "request 6 latency: $(( (END - START) / 1000000 )) ms"
post "$T/id"; expect_eq "$STATUS" 200 "request 7 is normal again"

# the first Pull, and only the first, gets a 503
soap "$WSEN/Enumerate" "$WMI/Msvm_ComputerSystem" '<n:Enumerate/>'
CTX=$(el EnumerationContext)
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX</n:EnumerationContext></n:Pull>"
expect_eq "$STATUS" 503 "first Pull: 503"
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX</n:EnumerationContext></n:Pull>"
expect_eq "$STATUS" 200 "retried Pull works (reads may be retried)"

# a job that never ends keeps Running below 100 %
create 22222222-2222-4333-8444-555555555501
STUCK=$JOB
sleep 0.5
get_job "$STUCK"
expect_eq "$(el JobState)" 4 "never-ending job runs"
P=$(el PercentComplete); [ "$P" -lt 100 ] || fail "PercentComplete $P"
# CompletedWithWarnings counts as success: the snapshot exists
create 22222222-2222-4333-8444-555555555502
for _ in $(seq 60); do get_job "$JOB"; [ "$(el JobState)" = 32768 ] && break; sleep 0.05; done
expect_eq "$(el JobState)" 32768 "CompletedWithWarnings"
soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = '22222222-2222-4333-8444-555555555502' AND VirtualSystemType = 'Microsoft:Hyper-V:Snapshot:Realized'</w:Filter></n:Enumerate>"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "snapshot after warnings"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='IsSaved'])")" true "standard checkpoint of a running VM is saved"
get_job "$STUCK"
expect_eq "$(el JobState)" 4 "still running"

# tamper_reply on a plaintext answer (the 2nd Get of the management
# service): delivered as 200, still XML, one character of the body changed
VSMS_SEL='<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemManagementService</w:Selector></w:SelectorSet>'
soap "$WXF/Get" "$WMI/Msvm_VirtualSystemManagementService" "" "$VSMS_SEL"
expect_eq "$STATUS" 200 "management service Get"
cp "$T/resp" "$T/resp.clean"
soap "$WXF/Get" "$WMI/Msvm_VirtualSystemManagementService" "" "$VSMS_SEL"
expect_eq "$STATUS" 200 "tampered answer still comes as 200"
xmllint --noout "$T/resp" 2>/dev/null || fail "a tampered plaintext answer stays well-formed"
DIFF=$(python3 -S - "$T/resp.clean" "$T/resp" <<'EOF2'
import sys
a, b = (open(f, "rb").read() for f in sys.argv[1:])
a, b = (x[x.index(b"<s:Body>"):] for x in (a, b))
print(len(a) == len(b) and sum(x != y for x, y in zip(a, b)))
EOF2
)
expect_eq "$DIFF" 1 "exactly one byte of the SOAP body differs"

# a dropped CreateSnapshot was not processed: no snapshot, and the log
# still names the method
soap "$WMI/Msvm_VirtualSystemSnapshotService/CreateSnapshot" "$WMI/Msvm_VirtualSystemSnapshotService" \
	"<p:CreateSnapshot_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\"><p:AffectedSystem>$(cs_epr 22222222-2222-4333-8444-555555555502)</p:AffectedSystem><p:SnapshotSettings></p:SnapshotSettings><p:SnapshotType>2</p:SnapshotType></p:CreateSnapshot_INPUT>" "$VSSS_SEL" || true
expect_eq "$STATUS" 000 "3rd CreateSnapshot: connection dropped"
soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = '22222222-2222-4333-8444-555555555502' AND VirtualSystemType = 'Microsoft:Hyper-V:Snapshot:Realized'</w:Filter></n:Enumerate>"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "the dropped CreateSnapshot made no snapshot"

# --log: a faulted request names its action and carries "fault"
logq() { python3 -S -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(eval(sys.argv[2]))' "$T/log" "$1"; }
expect_eq "$(logq '[(l["status"], l.get("fault"), l["action"]) for l in L[1:7]]')" \
	"[(503, 'http_503', 'Identify'), (0, 'drop_connection', 'Identify'), (500, 'http_500_garbage', 'Identify'), (200, 'truncated_body', 'Identify'), (200, 'latency', 'Identify'), (200, None, 'Identify')]" \
	"log: requests 2-7 with their fault kinds and the action"
expect_eq "$(logq '[(l["action"].rsplit("/",1)[-1], l["resource_uri"].rsplit("/",1)[-1], l["status"]) for l in L if l.get("fault") == "http_503" and l["action"] != "Identify"]')" \
	"[('Pull', 'Msvm_ComputerSystem', 503)]" "log: the 503 on a Pull names the Pull"
expect_eq "$(logq '[(l["action"].rsplit("/",1)[-1], l["resource_uri"].rsplit("/",1)[-1], l["method"], l["status"]) for l in L if l.get("fault") == "tamper_reply"]')" \
	"[('Get', 'Msvm_VirtualSystemManagementService', None, 200)]" "log: the tampered Get"
expect_eq "$(logq '[(l["method"], l["status"]) for l in L if l.get("fault") == "drop_connection" and l["action"] != "Identify"]')" \
	"[('CreateSnapshot', 0)]" "log: the dropped CreateSnapshot names its method"
expect_eq "$(logq 'sum(1 for l in L if "fault" in l)')" 8 "log: only faulted requests carry \"fault\""
kill -TERM "$SIM_PID"; RC=0; wait "$SIM_PID" || RC=$?; SIM_PID=
expect_eq "$RC" 0 "exit status"

# --- https + Basic against the demo host ---------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
	-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
rm -f "$T/port"
"$HVSIM" --https --cert "$T/cert.pem" --key "$T/key.pem" --listen 127.0.0.1:0 --port-file "$T/port" >"$T/stdout" 2>"$T/stderr" &
SIM_PID=$!
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || fail "https hvsim did not start: $(cat "$T/stderr")"
PORT=$(cat "$T/port"); URL="https://127.0.0.1:$PORT/wsman"
grep -qx "listening on https://127.0.0.1:$PORT/wsman" "$T/stdout" || fail "https listening line"
CURL_AUTH=(--cacert "$T/cert.pem" -u 'HVHOST\demo:demo')
soap "$WSEN/Enumerate" "$WMI/*" '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Msvm_ComputerSystem WHERE Caption = "Virtual Machine"</w:Filter></n:Enumerate>'
expect_eq "$STATUS" 200 "https Basic on the demo host"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 3 "demo VMs"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='ElementName']='ci-runner']/*[local-name()='EnabledState'])")" 6 "ci-runner saved"
CURL_AUTH=(--cacert "$T/cert.pem" -u 'HVHOST\demo:nope')
post "$T/id"; expect_eq "$STATUS" 401 "https wrong password"
kill -TERM "$SIM_PID"; RC=0; wait "$SIM_PID" || RC=$?; SIM_PID=
expect_eq "$RC" 0 "https exit status"
RC=0; "$HVSIM" --https --listen 127.0.0.1:0 2>/dev/null || RC=$?
expect_eq "$RC" 2 "--https without --cert"
echo PASS
