#!/usr/bin/env bash
# hvsim fault injection and transports: 503 once, a dropped connection,
# HTTP 500 with garbage, a truncated body, latency, a fault aimed at the
# first Pull, a job that never ends, CompletedWithWarnings, a tampered
# plaintext answer, a dropped CreateSnapshot (not processed), the --log
# lines of faulted requests (action named, "fault" set), and https with
# Basic (certificate made here with the openssl CLI), where the demo host
# accepts Basic because the channel is encrypted.
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
QUIET_CHECKS=1
CURL_AUTH=(-u 'admin:s3cret')

create() { create_snapshot "$1"; expect_eq "$(el ReturnValue)" 4096 "CreateSnapshot"; }
identify_request >"$T/id"

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
create_snapshot 22222222-2222-4333-8444-555555555502 || true
expect_eq "$STATUS" 000 "3rd CreateSnapshot: connection dropped"
soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = '22222222-2222-4333-8444-555555555502' AND VirtualSystemType = 'Microsoft:Hyper-V:Snapshot:Realized'</w:Filter></n:Enumerate>"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "the dropped CreateSnapshot made no snapshot"

# --log: a faulted request names its action and carries "fault"
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
stop_sim "exit status"

# --- https + Basic against the demo host ---------------------------------------------------
make_sim_cert rsa:2048
start_sim --https --cert "$T/cert.pem" --key "$T/key.pem"
grep -qx "listening on https://127.0.0.1:$PORT/wsman" "$T/stdout" || fail "https listening line"
CURL_AUTH=(--cacert "$T/cert.pem" -u 'HVHOST\demo:demo')
soap "$WSEN/Enumerate" "$WMI/*" '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Msvm_ComputerSystem WHERE Caption = "Virtual Machine"</w:Filter></n:Enumerate>'
expect_eq "$STATUS" 200 "https Basic on the demo host"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 4 "demo VMs"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='ElementName']='ci-test']/*[local-name()='EnabledState'])")" 2 "ci-test running"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='ElementName']='ci-runner']/*[local-name()='EnabledState'])")" 6 "ci-runner saved"
CURL_AUTH=(--cacert "$T/cert.pem" -u 'HVHOST\demo:nope')
post "$T/id"; expect_eq "$STATUS" 401 "https wrong password"
stop_sim "https exit status"
RC=0; "$HVSIM" --https --listen 127.0.0.1:0 2>/dev/null || RC=$?
expect_eq "$RC" 2 "--https without --cert"
echo PASS
