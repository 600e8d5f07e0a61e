#!/usr/bin/env bash
# hvsim jobs run on the clock, not on polling: a CreateSnapshot job nobody
# polls still ends at start + duration (its snapshot created exactly once)
# and is gone after the retention time (Get: a:DestinationUnreachable); a
# job first polled long after its end reports TimeOfLastStateChange and
# ElapsedTime of its schedule, not of the poll; the Create row of
# Msvm_AffectedJobElement is there for the first request after the end,
# whatever that request is. curl + xmllint against hvsim-jobs.json
# (duration 400 ms, retention 800 ms).
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
CURL_AUTH=(-u 'admin:s3cret')

create() { # VMID -> JOB
	create_snapshot "$1"
	[ "$(el ReturnValue)" = 4096 ] || fail "CreateSnapshot on $1: ReturnValue $(el ReturnValue)"
	[ -n "$JOB" ] || fail "no job"
}
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

start_sim --scenario "$SRC/tests/integration/hvsim-jobs.json"

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

stop_sim "exit status"
echo PASS
