#!/usr/bin/env bash
# hvsim checkpoint kinds and reference points (issue 11): CreateSnapshot's
# SnapshotSettings (escaped or CDATA) and SnapshotType 2/3/32768 as the
# request log records them, bad settings and types refused; scenario
# snapshots of every VirtualSystemType; ClearSnapshotState;
# ConvertToReferencePoint (recovery only; result through
# Msvm_AffectedJobElement and Msvm_ReferencePointOfVirtualSystem);
# DestroyReferencePoint; both ReferencePointType numberings.
# curl + xmllint against hvsim-refpoints.json (jobs 200 ms).
source "$(dirname "$0")/hvsim_lib.sh"
CURL_AUTH=(-u 'admin:s3cret')
VM=55555555-2222-4333-8444-555555555501
REFP=EEEEEEEE-0000-4000-8000-000000000001

vssd_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_VirtualSystemSettingData</w:ResourceURI><w:SelectorSet><w:Selector Name="InstanceID">Microsoft:%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1"; }
rp_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_VirtualSystemReferencePoint</w:ResourceURI><w:SelectorSet><w:Selector Name="InstanceID">Microsoft:%s</w:Selector><w:Selector Name="VirtualSystemIdentifier">%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1" "$VM"; }
invoke() { # CLASS METHOD PARAMS_XML [SELECTORS] -> RV, JOB
	soap "$WMI/$1/$2" "$WMI/$1" "<p:$2_INPUT xmlns:p=\"$WMI/$1\">$3</p:$2_INPUT>" \
		"${4:-<w:SelectorSet><w:Selector Name=\"CreationClassName\">$1</w:Selector></w:SelectorSet>}"
	RV=$(el ReturnValue)
	JOB=$(xp "string(//*[local-name()='Job']//*[local-name()='Selector'][@Name='InstanceID'])")
}
create() { # SETTINGS TYPE
	invoke Msvm_VirtualSystemSnapshotService CreateSnapshot "<p:AffectedSystem>$(cs_epr "$VM")</p:AffectedSystem><p:SnapshotSettings>$1</p:SnapshotSettings><p:SnapshotType>$2</p:SnapshotType>"
}
result_of() { # JOBID CLASS: the job's Create row target
	wql "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID='$1'} WHERE AssocClass = Msvm_AffectedJobElement ResultClass = $2"
}
snap() { # ID: the VSSD in $T/resp
	wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = 'Microsoft:$1'"
}
lastlog() { logq "[l for l in L if l['method'] == '$1'][-1]['params']$2"; }

start_sim --scenario "$SRC/tests/integration/hvsim-refpoints.json"

# --- a recovery checkpoint with every setting, sent escaped ---------------------------
create '&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData"&gt;&lt;PROPERTY NAME="ConsistencyLevel" TYPE="uint8"&gt;&lt;VALUE&gt;2&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;PROPERTY NAME="IgnoreNonSnapshottableDisks" TYPE="boolean"&gt;&lt;VALUE&gt;true&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;PROPERTY NAME="GuestBackupType" TYPE="uint8"&gt;&lt;VALUE&gt;2&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;' 32768
expect_eq "$RV" 4096 "recovery CreateSnapshot"
expect_eq "$(lastlog CreateSnapshot "['SnapshotType']")" 32768 "log: SnapshotType"
expect_eq "$(lastlog CreateSnapshot "['SnapshotSettings']['class']")" Msvm_VirtualSystemSnapshotSettingData "log: settings class"
expect_eq "$(lastlog CreateSnapshot "['SnapshotSettings']['properties']")" "{'ConsistencyLevel': '2', 'IgnoreNonSnapshottableDisks': 'true', 'GuestBackupType': '2'}" "log: settings exactly"
expect_eq "$(lastlog CreateSnapshot "['AffectedSystem']['selectors']['Name']")" "$VM" "log: AffectedSystem"
wait_job "$JOB"
expect_eq "$JS" 7 "recovery job completed"
RJOB=$JOB
result_of "$RJOB" Msvm_VirtualSystemSettingData
expect_eq "$(el VirtualSystemType)" Microsoft:Hyper-V:Snapshot:Recovery "recovery VirtualSystemType"
expect_eq "$(el IsSaved)" false "a recovery checkpoint holds no saved state"
RSNAP=$(el InstanceID); RSNAP=${RSNAP#Microsoft:}
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$VM'} WHERE AssocClass = Msvm_MostCurrentSnapshotInBranch"
expect_eq "$(el ElementName)" user "a recovery checkpoint does not become current"

# --- disk-only, as CDATA; full; refusals -------------------------------------------------
create '<![CDATA[<INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData"><PROPERTY NAME="ConsistencyLevel" TYPE="uint8"><VALUE>1</VALUE></PROPERTY></INSTANCE>]]>' 3
expect_eq "$RV" 4096 "disk CreateSnapshot (CDATA settings)"
expect_eq "$(lastlog CreateSnapshot "['SnapshotSettings']['properties']['ConsistencyLevel']")" 1 "log: CDATA settings decoded"
expect_eq "$(lastlog CreateSnapshot "['SnapshotType']")" 3 "log: SnapshotType 3"
wait_job "$JOB"
result_of "$JOB" Msvm_VirtualSystemSettingData
expect_eq "$(el VirtualSystemType)" Microsoft:Hyper-V:Snapshot:Realized "disk checkpoint type"
expect_eq "$(el IsSaved)" false "a disk checkpoint holds no memory"
create '' 2
expect_eq "$(lastlog CreateSnapshot "['SnapshotSettings']")" "" "log: empty settings are \"\""
wait_job "$JOB"
result_of "$JOB" Msvm_VirtualSystemSettingData
expect_eq "$(el IsSaved)" true "a full Standard checkpoint of a running VM is saved"
create '' 5
expect_eq "$RV" 4 "SnapshotType 5: 4"
create '' 32769
expect_eq "$RV" 4 "SnapshotType 32769: 4"
create '&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData"&gt;&lt;PROPERTY NAME="ConsistencyLevel" TYPE="uint8"&gt;&lt;VALUE&gt;7&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;' 2
expect_eq "$RV" 4096 "ConsistencyLevel 7 starts a job"
wait_job "$JOB"
expect_eq "$JS" 10 "which fails"
expect_eq "$(el ErrorCode)" 32773 "with ErrorCode 32773"
create '&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData"&gt;&lt;PROPERTY NAME="IgnoreNonSnapshottableDisks" TYPE="boolean"&gt;&lt;VALUE&gt;yes&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;' 2
wait_job "$JOB"
expect_eq "$(el ErrorCode)" 32773 "IgnoreNonSnapshottableDisks yes: 32773"
create '&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData"' 2
expect_eq "$RV" 4 "settings that are not XML: 4"
create '&lt;INSTANCE CLASSNAME="Msvm_Other"/&gt;' 2
expect_eq "$RV" 4 "settings of another class: 4"
create '&lt;p:Msvm_VirtualSystemSnapshotSettingData xmlns:p="urn:x"/&gt;' 2
expect_fault w:SchemaValidationError "WS-CIM form of SnapshotSettings"

# --- scenario snapshot kinds; ClearSnapshotState -------------------------------------------
snap DDDDDDDD-0000-4000-8000-000000000003
expect_eq "$(el VirtualSystemType)" Microsoft:Hyper-V:Snapshot:Weird "an unknown type from the scenario"
expect_eq "$(el IsSaved)" true "saved"
snap DDDDDDDD-0000-4000-8000-000000000004
expect_eq "$(el VirtualSystemType)" Microsoft:Hyper-V:Snapshot:Missing "missing"
snap DDDDDDDD-0000-4000-8000-000000000005
expect_eq "$(el VirtualSystemType)" Microsoft:Hyper-V:Snapshot:Replica:Standard "replica"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$VM'} WHERE AssocClass = Msvm_SnapshotOfVirtualSystem ResultClass = Msvm_VirtualSystemSettingData"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 8 "all kinds through Msvm_SnapshotOfVirtualSystem"
invoke Msvm_VirtualSystemSnapshotService ClearSnapshotState "<p:SnapshotSettingData>$(vssd_epr DDDDDDDD-0000-4000-8000-000000000003)</p:SnapshotSettingData>"
expect_eq "$RV" 4096 "ClearSnapshotState"
wait_job "$JOB"
expect_eq "$(el JobType)" 73 "ClearSnapshotState JobType"
snap DDDDDDDD-0000-4000-8000-000000000003
expect_eq "$(el IsSaved)" false "saved state cleared"

# --- ConvertToReferencePoint -----------------------------------------------------------------
invoke Msvm_VirtualSystemSnapshotService ConvertToReferencePoint "<p:AffectedSnapshot>$(vssd_epr DDDDDDDD-0000-4000-8000-000000000001)</p:AffectedSnapshot><p:ReferencePointSettings></p:ReferencePointSettings>"
expect_eq "$RV" 32773 "a user checkpoint cannot be converted"
invoke Msvm_VirtualSystemSnapshotService ConvertToReferencePoint "<p:AffectedSnapshot>$(vssd_epr "$RSNAP")</p:AffectedSnapshot><p:ReferencePointSettings></p:ReferencePointSettings>"
expect_eq "$RV" 4096 "convert the recovery checkpoint"
wait_job "$JOB"
expect_eq "$JS" 7 "convert job completed"
expect_eq "$(el JobType)" 200 "convert JobType"
result_of "$JOB" Msvm_VirtualSystemReferencePoint
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "the new reference point through the job"
NEWRP=$(el InstanceID); NEWRP=${NEWRP#Microsoft:}
expect_eq "$(el ReferencePointType)" 2 "RCT based (class numbering)"
expect_eq "$(el ConsistencyLevel)" 2 "crash consistent, as the checkpoint was taken"
expect_eq "$(el VirtualSystemIdentifier)" "$VM" "VirtualSystemIdentifier"
expect_eq "$(el HasAssociatedData)" false "no associated data for RCT"
[[ "$(el ResilientChangeTrackingIdentifiers)" == rctX:* ]] || fail "RCT id: $(el ResilientChangeTrackingIdentifiers)"
[[ "$(el VirtualDiskIdentifiers)" == "Microsoft:$VM\\"* ]] || fail "disk id: $(el VirtualDiskIdentifiers)"
ok "RCT and disk identifiers"
snap "$RSNAP"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 0 "the recovery checkpoint is gone"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$VM'} WHERE AssocClass = Msvm_ReferencePointOfVirtualSystem"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 2 "two reference points via Msvm_ReferencePointOfVirtualSystem"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='InstanceID']='Microsoft:$REFP']/*[local-name()='ReferencePointType'])")" 1 "the scenario's log-based one: 1"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='InstanceID']='Microsoft:$REFP']/*[local-name()='HasAssociatedData'])")" true "with associated data"
expect_eq "$(lastlog ConvertToReferencePoint "['ReferencePointSettings']")" "" "log: ReferencePointSettings"

# --- DestroyReferencePoint -------------------------------------------------------------------
RPS='<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemReferencePointService</w:Selector></w:SelectorSet>'
invoke Msvm_VirtualSystemReferencePointService DestroyReferencePoint "<p:AffectedReferencePoint>$(rp_epr AAAAAAAA-0000-4000-8000-00000000FFFF)</p:AffectedReferencePoint>" "$RPS"
expect_eq "$RV" 32773 "DestroyReferencePoint of an unknown one: 32773"
invoke Msvm_VirtualSystemReferencePointService DestroyReferencePoint "<p:AffectedReferencePoint>$(rp_epr "$NEWRP")</p:AffectedReferencePoint>" "$RPS"
expect_eq "$RV" 4096 "DestroyReferencePoint"
wait_job "$JOB"
expect_eq "$JS" 7 "destroy reference point job completed"
wql "SELECT * FROM Msvm_VirtualSystemReferencePoint"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "one reference point left"
wql "SELECT * FROM Msvm_VirtualSystemReferencePointService"
expect_eq "$(el Name)" vsrpsvc "the reference point service"
stop_sim "exit status"

# --- the other ReferencePointType numbering -----------------------------------------------------
python3 -S -c 'import json,sys; s=json.load(open(sys.argv[1])); s["quirks"]={"reference_point_types":"method"}; json.dump(s,open(sys.argv[2],"w"))' \
	"$SRC/tests/integration/hvsim-refpoints.json" "$T/method.json"
start_sim --scenario "$T/method.json"
wql "SELECT * FROM Msvm_VirtualSystemReferencePoint WHERE InstanceID = 'Microsoft:$REFP'"
expect_eq "$(el ReferencePointType)" 0 "method numbering: log based is 0"
stop_sim "exit status (method numbering)"
printf '{"vms":[{"name":"x","snapshots":[{"name":"s","type":"weird"}]}]}' >"$T/bad.json"
RC=0; "$HVSIM" --scenario "$T/bad.json" --listen 127.0.0.1:0 2>"$T/stderr" || RC=$?
expect_eq "$RC" 2 "a snapshot type that is neither a short name nor Microsoft:…: exit 2"
echo PASS
