#!/usr/bin/env bash
# hvsim jobs run on the clock, not on polling: a CreateSnapshot job nobody
# polls still ends at start + duration (its snapshot created exactly once)
# and is gone after the retention time (Get: a:DestinationUnreachable); a
# job first polled long after its end reports TimeOfLastStateChange and
# ElapsedTime of its schedule, not of the poll; the Create row of
# Msvm_AffectedJobElement is there for the first request after the end,
# whatever that request is. curl + xmllint against hvsim-jobs.json
# (duration 400 ms, retention 800 ms).
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
ok() { echo "ok - $*"; }

WMI=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2
WSEN=http://schemas.xmlsoap.org/ws/2004/09/enumeration
WXF=http://schemas.xmlsoap.org/ws/2004/09/transfer
SOAP=http://www.w3.org/2003/05/soap-envelope
ANON=http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous
CURL_AUTH=(-u 'admin:s3cret')

MID=0
envelope() { # ACTION RESOURCE_URI BODY [HEADER_EXTRA]
	MID=$((MID + 1))
	printf '<s:Envelope xmlns:s="%s" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n="%s"><s:Header><a:To>%s</a:To><w:ResourceURI s:mustUnderstand="true">%s</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">%s</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">%s</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize><a:MessageID>uuid:00000000-0000-4000-8000-%012d</a:MessageID><w:OperationTimeout>PT60.000S</w:OperationTimeout>%s</s:Header><s:Body>%s</s:Body></s:Envelope>' \
		"$SOAP" "$WSEN" "$URL" "$2" "$ANON" "$1" "$MID" "${4:-}" "$3"
}
soap() {
	envelope "$@" >"$T/req"
	STATUS=$(curl -s -o "$T/resp" -w '%{http_code}' -H 'Content-Type: application/soap+xml;charset=UTF-8' \
		"${CURL_AUTH[@]}" --data-binary @"$T/req" "$URL")
}
xp() { xmllint --xpath "$1" "$T/resp" 2>/dev/null || true; }
el() { xp "string(//*[local-name()='$1'][1])"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; ok "$3"; }
wql() { # QUERY -> all items in one optimized EnumerateResponse
	soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">$1</w:Filter></n:Enumerate>"
	[ "$STATUS" = 200 ] || fail "WQL $1: HTTP $STATUS"
}
VSSS_SEL='<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemSnapshotService</w:Selector></w:SelectorSet>'
cs_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_ComputerSystem</w:ResourceURI><w:SelectorSet><w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector><w:Selector Name="Name">%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1"; }
create() { # VMID -> JOB
	soap "$WMI/Msvm_VirtualSystemSnapshotService/CreateSnapshot" "$WMI/Msvm_VirtualSystemSnapshotService" \
		"<p:CreateSnapshot_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\"><p:AffectedSystem>$(cs_epr "$1")</p:AffectedSystem><p:SnapshotSettings></p:SnapshotSettings><p:SnapshotType>2</p:SnapshotType></p:CreateSnapshot_INPUT>" "$VSSS_SEL"
	[ "$(el ReturnValue)" = 4096 ] || fail "CreateSnapshot on $1: ReturnValue $(el ReturnValue)"
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
	[ -n "$JOB" ] || fail "no job"
}
get_job() { soap "$WXF/Get" "$WMI/Msvm_ConcreteJob" "" "<w:SelectorSet><w:Selector Name=\"InstanceID\">$1</w:Selector></w:SelectorSet>"; }
snap_count() { # VMID
	wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = '$1' AND VirtualSystemType = 'Microsoft:Hyper-V:Snapshot:Realized'"
	xp "count(//*[local-name()='Items']/*)"
}
ms() { # ISO 8601 datetime -> ms since the epoch
	python3 -S -c 'import sys, datetime as d
t = d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
print(round(t.timestamp() * 1000))' "$1"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

rm -f "$T/port"
"$HVSIM" --scenario "$SRC/tests/integration/hvsim-jobs.json" --listen 127.0.0.1:0 \
	--port-file "$T/port" --log "$T/log" >"$T/stdout" 2>"$T/stderr" &
SIM_PID=$!
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || fail "hvsim did not start: $(cat "$T/stderr")"
URL="http://127.0.0.1:$(cat "$T/port")/wsman"

UNPOLLED=33333333-2222-4333-8444-555555555501
LATE=33333333-2222-4333-8444-555555555502
ASSOC=33333333-2222-4333-8444-555555555503

# --- a job nobody polls: ended on time, and gone after end + retention ----------
create "$UNPOLLED"
J1=$JOB
sleep 1.6 # > 400 ms duration + 800 ms retention, and no request meanwhile
get_job "$J1"
expect_eq "$STATUS" 500 "unpolled job after duration + retention: HTTP 500"
expect_eq "$(xp "string(//*[local-name()='Fault']/*[local-name()='Code']/*[local-name()='Subcode']/*[local-name()='Value'])")" \
	a:DestinationUnreachable "unpolled job is gone (a:DestinationUnreachable)"
expect_eq "$(snap_count "$UNPOLLED")" 1 "the unpolled job still made its snapshot, once"
wql "SELECT * FROM Msvm_AffectedJobElement"
expect_eq "$(xp "count(//*[local-name()='Items']/*[*[local-name()='AffectingElement']//*[@Name='InstanceID']='$J1'])")" 0 \
	"its Msvm_AffectedJobElement rows went with it"
wql "SELECT * FROM Msvm_ComputerSystem WHERE Name = '$UNPOLLED'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='OperationalStatus'][2])")" "" "the VM is no longer busy"
expect_eq "$(snap_count "$UNPOLLED")" 1 "looking again creates nothing more"

# --- a job polled once, well after its end: the schedule's times ----------------
create "$LATE"
J2=$JOB
sleep 0.9 # ended at +400 ms; still retained until +1200 ms
BEFORE_POLL=$(now_ms)
get_job "$J2"
expect_eq "$STATUS" 200 "late poll within retention"
expect_eq "$(el JobState)" 7 "late poll: Completed"
SUBMITTED=$(ms "$(el TimeSubmitted)")
CHANGED=$(ms "$(el TimeOfLastStateChange)")
expect_eq "$(( CHANGED - SUBMITTED ))" 400 "TimeOfLastStateChange = TimeSubmitted + duration"
[ $(( BEFORE_POLL - CHANGED )) -ge 300 ] || fail "TimeOfLastStateChange is the poll time: $CHANGED vs poll at $BEFORE_POLL"
ok "TimeOfLastStateChange is $(( BEFORE_POLL - CHANGED )) ms before the poll"
expect_eq "$(el ElapsedTime)" P0DT0H0M0.400S "ElapsedTime is the duration, not the time to the poll"
sleep 0.5 # past +1200 ms: retention counted from the end, not from the poll
get_job "$J2"
expect_eq "$STATUS" 500 "the polled job vanished at end + retention, not poll + retention"
expect_eq "$(snap_count "$LATE")" 1 "one snapshot for the late-polled job"

# --- the Create row exists from the end on, whatever request comes first --------
create "$ASSOC"
J3=$JOB
sleep 0.6
wql "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID='$J3'} WHERE AssocClass = Msvm_AffectedJobElement ResultClass = Msvm_VirtualSystemSettingData"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "Create row there for the first look after the end (no poll before)"
SNAP=$(xp "string(//*[local-name()='Items']/*/*[local-name()='InstanceID'])")
get_job "$J3"
expect_eq "$(el JobState)" 7 "and the job says Completed"
wql "SELECT * FROM Msvm_AffectedJobElement"
expect_eq "$(xp "count(//*[local-name()='Items']/*[*[local-name()='AffectingElement']//*[@Name='InstanceID']='$J3'][*[local-name()='ElementEffects']='5'])")" 1 \
	"exactly one Create row"
expect_eq "$(snap_count "$ASSOC")" 1 "exactly one snapshot"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='InstanceID'])")" "$SNAP" "the row names that snapshot"

kill -TERM "$SIM_PID"; RC=0; wait "$SIM_PID" || RC=$?; SIM_PID=
expect_eq "$RC" 0 "exit status"
echo PASS
