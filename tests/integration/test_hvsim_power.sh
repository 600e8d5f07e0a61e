#!/usr/bin/env bash
# hvsim VM power and guest readiness (issue 8): RequestStateChange
# 2/3/6/9 as jobs with transitional EnabledState codes and 32775 for
# impossible transitions; Msvm_ShutdownComponent.InitiateShutdown (0, then
# Off; 32780 while booting; 32781 locked; none without integration
# services); Msvm_HeartbeatComponent No Contact until the boot time, then
# OK; Msvm_KvpExchangeComponent items as embedded CIM-XML instances;
# Msvm_LastAppliedSnapshot after ApplySnapshot; AutomaticSnapshotsEnabled
# through ModifySystemSettings; the request log's "params"; and the host
# quirks (silent no-op ModifySystemSettings, shutdown job, v1 codes).
# curl + xmllint against hvsim-power.json (jobs 300 ms).
source "$(dirname "$0")/hvsim_lib.sh"
CURL_AUTH=(-u 'admin:s3cret')

OFF=44444444-2222-4333-8444-555555555501
RUN=44444444-2222-4333-8444-555555555502
NOIC=44444444-2222-4333-8444-555555555503
NEVER=44444444-2222-4333-8444-555555555504
HB1=44444444-2222-4333-8444-555555555505
LOCKED=44444444-2222-4333-8444-555555555506
PAUSED=44444444-2222-4333-8444-555555555507
CS_SEL() { printf '<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector><w:Selector Name="Name">%s</w:Selector></w:SelectorSet>' "$1"; }

rsc() { # VMID STATE -> RV, JOB
	soap "$WMI/Msvm_ComputerSystem/RequestStateChange" "$WMI/Msvm_ComputerSystem" \
		"<p:RequestStateChange_INPUT xmlns:p=\"$WMI/Msvm_ComputerSystem\"><p:RequestedState>$2</p:RequestedState><p:TimeoutPeriod xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/></p:RequestStateChange_INPUT>" "$(CS_SEL "$1")"
	RV=$(el ReturnValue)
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
}
state_of() { # VMID -> EnabledState
	soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" "$(CS_SEL "$1")"
	el EnabledState
}
eventually() { # COMMAND WANT MESSAGE: polls COMMAND's output for WANT, up to 15 s
	local got
	for _ in $(seq 150); do
		got=$(eval "$1")
		[ "$got" = "$2" ] && break
		sleep 0.1
	done
	expect_eq "$got" "$2" "$3"
}
transition() { # VMID STATE DURING AFTER JOBTYPE MESSAGE
	rsc "$1" "$2"
	expect_eq "$RV" 4096 "$6: 4096"
	expect_eq "$(state_of "$1")" "$3" "$6: EnabledState $3 while the job runs"
	wait_job "$JOB"
	expect_eq "$JS" 7 "$6: job completed"
	expect_eq "$(el JobType)" "$5" "$6: JobType"
	expect_eq "$(state_of "$1")" "$4" "$6: EnabledState $4 at the end"
}
heartbeat() { # VMID -> "12", "2,2", "" (no component)
	wql "SELECT * FROM Msvm_HeartbeatComponent WHERE SystemName = '$1'"
	local n i out=
	n=$(xp "count(//*[local-name()='Items']/*/*[local-name()='OperationalStatus'])")
	for i in $(seq "$n"); do
		out="$out${out:+,}$(xp "string((//*[local-name()='Items']/*/*[local-name()='OperationalStatus'])[$i])")"
	done
	echo "$out"
}
count_of() { # CLASS VMID
	wql "SELECT * FROM $1 WHERE SystemName = '$2'"
	xp "count(//*[local-name()='Items']/*)"
}
shutdown() { # VMID FORCE -> RV, JOB
	soap "$WMI/Msvm_ShutdownComponent/InitiateShutdown" "$WMI/Msvm_ShutdownComponent" \
		"<p:InitiateShutdown_INPUT xmlns:p=\"$WMI/Msvm_ShutdownComponent\"><p:Force>$2</p:Force><p:Reason>CI reset</p:Reason></p:InitiateShutdown_INPUT>" \
		"<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ShutdownComponent</w:Selector><w:Selector Name=\"DeviceID\">Microsoft:$1\\9F8233AC-BE49-4C79-8EE3-E7E1985B2077</w:Selector><w:Selector Name=\"SystemCreationClassName\">Msvm_ComputerSystem</w:Selector><w:Selector Name=\"SystemName\">$1</w:Selector></w:SelectorSet>"
	RV=$(el ReturnValue)
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
}
vssd_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_VirtualSystemSettingData</w:ResourceURI><w:SelectorSet><w:Selector Name="InstanceID">Microsoft:%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1"; }
apply() { # SNAPID -> RV, JOB
	soap "$WMI/Msvm_VirtualSystemSnapshotService/ApplySnapshot" "$WMI/Msvm_VirtualSystemSnapshotService" \
		"<p:ApplySnapshot_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\"><p:Snapshot>$(vssd_epr "$1")</p:Snapshot></p:ApplySnapshot_INPUT>" "$VSSS_SEL"
	RV=$(el ReturnValue)
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
}
modify() { # CIMXML (raw, sent as CDATA) -> RV
	soap "$WMI/Msvm_VirtualSystemManagementService/ModifySystemSettings" "$WMI/Msvm_VirtualSystemManagementService" \
		"<p:ModifySystemSettings_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemManagementService\"><p:SystemSettings><![CDATA[$1]]></p:SystemSettings></p:ModifySystemSettings_INPUT>" "$VSMS_SEL"
	RV=$(el ReturnValue)
}
policy_xml() { # VMID UST AUTO
	printf '<INSTANCE CLASSNAME="Msvm_VirtualSystemSettingData"><PROPERTY NAME="InstanceID" TYPE="string"><VALUE>Microsoft:%s</VALUE></PROPERTY><PROPERTY NAME="UserSnapshotType" TYPE="uint16"><VALUE>%s</VALUE></PROPERTY><PROPERTY NAME="AutomaticSnapshotsEnabled" TYPE="boolean"><VALUE>%s</VALUE></PROPERTY></INSTANCE>' "$1" "$2" "$3"
}
policy_of() { # VMID -> "UST AUTO"
	wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = 'Microsoft:$1'"
	echo "$(el UserSnapshotType) $(el AutomaticSnapshotsEnabled)"
}

start_sim --scenario "$SRC/tests/integration/hvsim-power.json"

# --- impossible transitions: 32775 at once, no job ---------------------------------
for s in 9 6 3 4 10 7; do
	rsc "$OFF" "$s"
	expect_eq "$RV" 32775 "RequestedState $s on an off VM: 32775"
	expect_eq "$JOB" "" "no job for $s"
done
rsc "$OFF" abc
expect_eq "$RV" 32773 "a RequestedState that is not a number: 32773"
rsc "$PAUSED" 9
expect_eq "$RV" 32775 "pause a paused VM: 32775"

# --- start from Off: Starting, then Running with the guest booting ----------------
expect_eq "$(heartbeat "$OFF")" "" "an off VM has no heartbeat component"
expect_eq "$(count_of Msvm_KvpExchangeComponent "$OFF")" 0 "nor a KVP component"
rsc "$OFF" 2
expect_eq "$RV" 4096 "start: 4096"
expect_eq "$(state_of "$OFF")" 10 "Starting (10) while the start job runs"
START_JOB=$JOB
rsc "$OFF" 3
expect_eq "$RV" 32775 "a second request while the first runs: 32775"
wait_job "$START_JOB"
expect_eq "$JS" 7 "start job completed"
expect_eq "$(el JobType)" 12 "start JobType 12"
expect_eq "$(state_of "$OFF")" 2 "Running"
expect_eq "$(heartbeat "$OFF")" 12 "heartbeat No Contact (12) while the guest boots"
wql "SELECT * FROM Msvm_KvpExchangeComponent WHERE SystemName = '$OFF'"
expect_eq "$(xp "string(//*[local-name()='GuestIntrinsicExchangeItems']/@*[local-name()='nil'])")" true "no KVP items while booting"
shutdown "$OFF" false
expect_eq "$RV" 32780 "InitiateShutdown while booting: 32780 not ready"
eventually 'heartbeat "$OFF"' 2,2 "heartbeat OK (2,2) after guest_boot_ms"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$OFF'} WHERE AssocClass = Msvm_SystemDevice ResultClass = Msvm_HeartbeatComponent"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "heartbeat through Msvm_SystemDevice"
expect_eq "$(el DeviceID)" "Microsoft:$OFF\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47" "heartbeat DeviceID"

# --- KVP: embedded Msvm_KvpExchangeDataItem instances --------------------------------
wql "SELECT * FROM Msvm_KvpExchangeComponent WHERE SystemName = '$OFF'"
N=$(xp "count(//*[local-name()='GuestIntrinsicExchangeItems'])")
[ "$N" -ge 4 ] || fail "KVP items: $N"
declare -A KV
for i in $(seq "$N"); do
	ITEM=$(xp "string((//*[local-name()='GuestIntrinsicExchangeItems'])[$i])")
	printf '%s' "$ITEM" >"$T/item.xml"
	xmllint --noout "$T/item.xml" 2>/dev/null || fail "KVP item $i is not XML: $ITEM"
	expect_eq "$(xmllint --xpath 'string(/INSTANCE/@CLASSNAME)' "$T/item.xml")" Msvm_KvpExchangeDataItem "item $i CLASSNAME"
	expect_eq "$(xmllint --xpath "string(/INSTANCE/PROPERTY[@NAME='Source']/VALUE)" "$T/item.xml")" 2 "item $i Source"
	KV[$(xmllint --xpath "string(/INSTANCE/PROPERTY[@NAME='Name']/VALUE)" "$T/item.xml")]=$(xmllint --xpath "string(/INSTANCE/PROPERTY[@NAME='Data']/VALUE)" "$T/item.xml")
done
expect_eq "${KV[NetworkAddressIPv4]}" "169.254.7.8;192.0.2.10" "NetworkAddressIPv4, link-local first"
expect_eq "${KV[NetworkAddressIPv6]}" "fe80::7;2001:db8::10" "NetworkAddressIPv6"
expect_eq "${KV[FullyQualifiedDomainName]}" pw-off.example.test "FullyQualifiedDomainName"
[ -n "${KV[IntegrationServicesVersion]}" ] || fail "IntegrationServicesVersion"
grep -q '&lt;INSTANCE CLASSNAME=&quot;Msvm_KvpExchangeDataItem&quot;\|&lt;INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"' "$T/resp" || fail "items are escaped text on the wire"
ok "KVP items escaped on the wire"

# --- pause, save, start from Saved, resume, turn off ---------------------------------
transition "$OFF" 9 32776 9 13 "pause"
expect_eq "$(heartbeat "$OFF")" 15 "a paused VM's heartbeat: Paused (15)"
transition "$OFF" 6 32773 6 14 "save from Paused"
expect_eq "$(heartbeat "$OFF")" "" "a saved VM has no heartbeat component"
transition "$OFF" 2 10 2 12 "start from Saved"
expect_eq "$(heartbeat "$OFF")" 12 "integration services reconnect after a restore"
eventually 'heartbeat "$OFF"' 2,2 "the restored guest comes up again"
transition "$OFF" 9 32776 9 13 "pause again"
transition "$OFF" 2 32777 2 12 "resume from Paused"
expect_eq "$(heartbeat "$OFF")" 2,2 "a resumed guest answers at once"
transition "$OFF" 3 4 3 13 "turn off"
transition "$PAUSED" 3 4 3 13 "turn off a paused VM"

expect_eq "$(heartbeat "$LOCKED")" 3,2 "a degraded heartbeat"
wql "SELECT * FROM Msvm_KvpExchangeComponent WHERE SystemName = '$LOCKED'"
[[ "$(xp "string(//*[local-name()='Items'])")" != *NetworkAddressIPv4* ]] || fail "guest_ipv4 [] reports no NetworkAddressIPv4"
ok "guest_ipv4 [] reports no NetworkAddressIPv4"

# --- graceful shutdown -------------------------------------------------------------------
shutdown "$RUN" false
expect_eq "$RV" 0 "InitiateShutdown: 0"
expect_eq "$JOB" "" "no job in the answer"
expect_eq "$(state_of "$RUN")" 4 "Stopping (4) while the guest shuts down"
eventually 'state_of "$RUN"' 3 "Off after the shutdown"
shutdown "$LOCKED" false
expect_eq "$RV" 32781 "a locked guest without Force: 32781"
shutdown "$LOCKED" true
expect_eq "$RV" 0 "with Force: 0"
shutdown "$NEVER" true
expect_eq "$RV" 32780 "a guest that never answers: 32780"
shutdown "$NOIC" true
expect_fault a:DestinationUnreachable "no shutdown component without integration services"
for c in Msvm_HeartbeatComponent Msvm_ShutdownComponent Msvm_KvpExchangeComponent; do
	expect_eq "$(count_of $c "$NOIC")" 0 "no $c without integration services"
done
expect_eq "$(heartbeat "$NEVER")" 12 "guest_never_ready: No Contact for good"
expect_eq "$(heartbeat "$HB1")" 2 "a one-element heartbeat (application health unknown)"

# --- ApplySnapshot: Saved for a saved checkpoint, Off otherwise; last applied ---------
apply CCCCCCCC-0000-4000-8000-000000000003
expect_eq "$RV" 32775 "ApplySnapshot on a running VM: 32775"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$RUN'} WHERE AssocClass = Msvm_LastAppliedSnapshot"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 0 "nothing applied yet"
apply CCCCCCCC-0000-4000-8000-000000000001
expect_eq "$RV" 4096 "apply the saved checkpoint"
wait_job "$JOB"
expect_eq "$(state_of "$RUN")" 6 "Saved after applying a checkpoint with saved state"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$RUN'} WHERE AssocClass = Msvm_LastAppliedSnapshot"
expect_eq "$(el ElementName)" clean "Msvm_LastAppliedSnapshot names it"
apply CCCCCCCC-0000-4000-8000-000000000002
wait_job "$JOB"
expect_eq "$(state_of "$RUN")" 3 "Off after applying one without saved state"
wql "SELECT * FROM Msvm_LastAppliedSnapshot"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "one Msvm_LastAppliedSnapshot row"
expect_eq "$(xp "string(//*[local-name()='Antecedent']//*[@Name='InstanceID'])")" Microsoft:CCCCCCCC-0000-4000-8000-000000000002 "Antecedent is the snapshot"
expect_eq "$(xp "string(//*[local-name()='Dependent']//*[@Name='Name'])")" "$RUN" "Dependent is the VM"

# --- checkpoint policy through ModifySystemSettings -------------------------------------
expect_eq "$(policy_of "$HB1")" "3 true" "scenario policy read back"
modify "$(policy_xml "$RUN" 2 true)"
expect_eq "$RV" 0 "set UserSnapshotType 2 + AutomaticSnapshotsEnabled"
expect_eq "$(policy_of "$RUN")" "2 true" "policy changed"
modify "$(policy_xml "$RUN" 4 maybe)"
expect_eq "$RV" 4 "AutomaticSnapshotsEnabled not a boolean: 4"
expect_eq "$(policy_of "$RUN")" "2 true" "unchanged after a refusal"

# --- the request log records decoded parameters -------------------------------------------
expect_eq "$(logq "[l['params']['Force'] for l in L if l['method'] == 'InitiateShutdown']")" "['false', 'false', 'false', 'true', 'true', 'true']" "log: InitiateShutdown Force"
expect_eq "$(logq "[l['params'].get('Reason') for l in L if l['method'] == 'InitiateShutdown'][0]")" "CI reset" "log: Reason"
expect_eq "$(logq "[l['params']['TimeoutPeriod'] for l in L if l['method'] == 'RequestStateChange'][0]")" None "log: xsi:nil is null"
expect_eq "$(logq "[l['params']['Snapshot']['selectors']['InstanceID'] for l in L if l['method'] == 'ApplySnapshot'][-1]")" Microsoft:CCCCCCCC-0000-4000-8000-000000000002 "log: an EPR parameter's selectors"
expect_eq "$(logq "[l['params']['SystemSettings']['properties']['AutomaticSnapshotsEnabled'] for l in L if l['method'] == 'ModifySystemSettings'][0]")" true "log: an embedded instance's properties"
expect_eq "$(logq "len([l for l in L if l['action'] and 'Enumerate' in l['action'] and 'params' in l])")" 0 "no params on non-Invoke lines"
stop_sim "exit status"

# --- host quirks: silent no-op ModifySystemSettings, shutdown job, v1 codes ---------------
python3 -S -c 'import json,sys; s=json.load(open(sys.argv[1])); s["quirks"]={"modify_settings_noop":True,"shutdown_job":True,"transition_states":"v1"}; json.dump(s,open(sys.argv[2],"w"))' \
	"$SRC/tests/integration/hvsim-power.json" "$T/quirks.json"
start_sim --scenario "$T/quirks.json"
modify "$(policy_xml "$RUN" 2 true)"
expect_eq "$RV" 0 "no-op host: ModifySystemSettings says 0"
expect_eq "$(policy_of "$RUN")" "5 false" "no-op host: nothing changed"
shutdown "$RUN" false
expect_eq "$RV" 4096 "shutdown_job: 4096"
[ -n "$JOB" ] || fail "shutdown_job: no Job EPR"
expect_eq "$(state_of "$RUN")" 32774 "v1: Stopping 32774"
wait_job "$JOB"
expect_eq "$JS" 7 "shutdown job completed"
expect_eq "$(state_of "$RUN")" 3 "Off after the shutdown job"
rsc "$OFF" 2
expect_eq "$(state_of "$OFF")" 32770 "v1: Starting 32770"
stop_sim "exit status with quirks"

printf '{"quirks":{"transition_states":"v3"}}' >"$T/bad.json"
RC=0; "$HVSIM" --scenario "$T/bad.json" --listen 127.0.0.1:0 2>"$T/stderr" || RC=$?
expect_eq "$RC" 2 "bad quirk value: exit 2"
grep -q 'quirks.transition_states' "$T/stderr" || fail "error names quirks.transition_states: $(cat "$T/stderr")"
printf '{"vms":[{"name":"x","heartbeat":[2,2,2]}]}' >"$T/bad.json"
RC=0; "$HVSIM" --scenario "$T/bad.json" --listen 127.0.0.1:0 2>"$T/stderr" || RC=$?
expect_eq "$RC" 2 "a three-element heartbeat: exit 2"
echo PASS
