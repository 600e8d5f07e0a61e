#!/usr/bin/env bash
# hvsim checkpoint operations with curl + xmllint: CreateSnapshot returns
# 4096 and a job that runs New -> Running -> Completed, the new snapshot is
# found through Msvm_AffectedJobElement, ApplySnapshot on a running VM gives
# 32775, DestroySnapshot re-parents, DestroySnapshotTree, rename through
# ModifySystemSettings, UserSnapshotType Disabled, failing jobs, job cancel
# and removal, VM RequestStateChange, ja-JP localization.
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
QUIET_CHECKS=1
CURL_AUTH=(-u 'HVTEST\admin:s3cret')

vssd_epr() { printf '<a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s/Msvm_VirtualSystemSettingData</w:ResourceURI><w:SelectorSet><w:Selector Name="InstanceID">Microsoft:%s</w:Selector></w:SelectorSet></a:ReferenceParameters>' "$ANON" "$WMI" "$1"; }
invoke_snap() { # METHOD PARAMS_XML
	soap "$WMI/Msvm_VirtualSystemSnapshotService/$1" "$WMI/Msvm_VirtualSystemSnapshotService" \
		"<p:$1_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\">$2</p:$1_INPUT>" "$VSSS_SEL"
	if [ "$STATUS" = 200 ]; then
		expect_eq "$(xp "string(//*[local-name()='Action'])")" "$WMI/Msvm_VirtualSystemSnapshotService/$1Response" "$1 response action"
	fi
	RV=$(xp "string(/*/*[local-name()='Body']/*[local-name()='$1_OUTPUT']/*[local-name()='ReturnValue'])")
	JOB=$(xp "string(//*[local-name()='$1_OUTPUT']/*[local-name()='Job']/*[local-name()='ReferenceParameters']/*[local-name()='SelectorSet']/*[local-name()='Selector'][@Name='InstanceID'])")
}
create() { invoke_snap CreateSnapshot "<p:AffectedSystem>$(cs_epr "$1")</p:AffectedSystem><p:SnapshotSettings>${2:-}</p:SnapshotSettings><p:SnapshotType>2</p:SnapshotType>"; }
wait_job() { # JOBID -> JOBSTATE when ended; records states seen in SEEN
	SEEN=
	for _ in $(seq 100); do
		get_job "$1"
		expect_eq "$STATUS" 200 "job Get"
		JS=$(el JobState)
		SEEN="$SEEN $JS"
		case "$JS" in 2|3|4) sleep 0.05 ;; *) return 0 ;; esac
	done
	fail "job $1 did not end"
}
modify() { # EMBEDDED_INSTANCE_TEXT (escaped)
	soap "$WMI/Msvm_VirtualSystemManagementService/ModifySystemSettings" "$WMI/Msvm_VirtualSystemManagementService" \
		"<p:ModifySystemSettings_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemManagementService\"><p:SystemSettings>$1</p:SystemSettings></p:ModifySystemSettings_INPUT>" "$VSMS_SEL"
	RV=$(el ReturnValue)
}
snapshots_of() { # VMID -> names in $T/resp
	wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$1'} WHERE AssocClass = Msvm_SnapshotOfVirtualSystem ResultClass = Msvm_VirtualSystemSettingData"
}
parent_of() { # NAME (after snapshots_of)
	xp "string(//*[local-name()='Items']/*[*[local-name()='ElementName']='$1']/*[local-name()='Parent'])" | sed -n 's/.*Microsoft:\([0-9A-F-]*\)".*/\1/p'
}
WEB=11111111-2222-4333-8444-555555555501
DB=11111111-2222-4333-8444-555555555502

start_sim --scenario "$SRC/tests/integration/hvsim-basic.json"

# --- CreateSnapshot: 4096 + job, job runs, result through AffectedJobElement ----------
create "$WEB" '&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData"&gt;&lt;PROPERTY NAME="ConsistencyLevel" TYPE="uint8"&gt;&lt;VALUE&gt;1&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;QUALIFIER NAME="x"/&gt;&lt;/INSTANCE&gt;'
expect_eq "$RV" 4096 "CreateSnapshot ReturnValue"
[[ "$JOB" =~ ^[0-9A-F-]{36}$ ]] || fail "job id: $JOB"
expect_eq "$(xp "count(//*[local-name()='Job']/*[local-name()='EndpointReference'])")" 0 "Job EPR has no wrapper"
get_job "$JOB"
expect_eq "$(el JobType)" 70 "JobType"
case "$(el JobState)" in 2|4) ;; *) fail "a fresh job is New or Running, not $(el JobState)" ;; esac
[ "$(el PercentComplete)" -lt 100 ] || fail "fresh job PercentComplete"
expect_eq "$(el TimeBeforeRemoval)" "P0DT0H0M2S" "TimeBeforeRemoval interval"
soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>50</w:MaxElements><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID='$JOB'} WHERE AssocClass = Msvm_AffectedJobElement ResultClass = Msvm_VirtualSystemSettingData</w:Filter></n:Enumerate>"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 0 "no snapshot before the job completes"
wait_job "$JOB"
expect_eq "$JS" 7 "job completed"
expect_eq "$(el PercentComplete)" 100 "PercentComplete at the end"
expect_eq "$(el ErrorCode)" 0 "ErrorCode"
wql "SELECT * FROM Msvm_AffectedJobElement"
ROW="//*[local-name()='Items']/*[*[local-name()='AffectingElement']//*[@Name='InstanceID']='$JOB'][*[local-name()='ElementEffects']='5']"
expect_eq "$(xp "count($ROW)")" 1 "Create row for the job"
SNAP=$(xp "string($ROW/*[local-name()='AffectedElement']//*[local-name()='Selector'][@Name='InstanceID'])")
[[ "$SNAP" =~ ^Microsoft:[0-9A-F-]{36}$ ]] || fail "snapshot id: $SNAP"
expect_eq "$(xp "string($ROW/*[local-name()='AffectedElement']/*[local-name()='ReferenceParameters']/*[local-name()='ResourceURI'])")" "$WMI/Msvm_VirtualSystemSettingData" "AffectedElement ResourceURI"
expect_eq "$(xp "count(//*[local-name()='Items']/*[*[local-name()='AffectingElement']//*[@Name='InstanceID']='$JOB'][*[local-name()='ElementEffects']='0'])")" 1 "VM row with ElementEffects 0"
wql "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID='$JOB'} WHERE AssocClass = Msvm_AffectedJobElement ResultClass = Msvm_VirtualSystemSettingData"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='InstanceID'])")" "$SNAP" "ASSOCIATORS OF the job"
NAME=$(xp "string(//*[local-name()='Items']/*/*[local-name()='ElementName'])")
[[ "$NAME" =~ ^web01\ -\ \([0-9]{2}/[0-9]{2}/[0-9]{4}\ -\ [0-9]{1,2}:[0-9]{2}:[0-9]{2}\ [AP]M\)$ ]] || fail "default name: $NAME"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='VirtualSystemType'])")" "Microsoft:Hyper-V:Snapshot:Realized" "snapshot type"
SNAPID=${SNAP#Microsoft:}

# --- rename through ModifySystemSettings, 100-character limit -----------------------
modify "&lt;INSTANCE CLASSNAME=\"Msvm_VirtualSystemSettingData\"&gt;&lt;PROPERTY NAME=\"InstanceID\" TYPE=\"string\"&gt;&lt;VALUE&gt;$SNAP&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;PROPERTY NAME=\"ElementName\" TYPE=\"string\"&gt;&lt;VALUE&gt;before 'patch' &amp;amp; ü&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;"
expect_eq "$RV" 0 "rename"
wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = '$SNAP'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='ElementName'])")" "before 'patch' & ü" "renamed"
LONG=$(printf 'x%.0s' $(seq 101))
modify "&lt;INSTANCE CLASSNAME=\"Msvm_VirtualSystemSettingData\"&gt;&lt;PROPERTY NAME=\"InstanceID\" TYPE=\"string\"&gt;&lt;VALUE&gt;$SNAP&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;PROPERTY NAME=\"ElementName\" TYPE=\"string\"&gt;&lt;VALUE&gt;$LONG&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;"
expect_eq "$RV" 4 "101-character name refused"
# the limit counts characters, not UTF-8 bytes: 100 x "é" is 200 bytes
E100=$(printf '\xc3\xa9%.0s' $(seq 100))
rename_xml() { printf '&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSettingData"&gt;&lt;PROPERTY NAME="InstanceID" TYPE="string"&gt;&lt;VALUE&gt;%s&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;PROPERTY NAME="ElementName" TYPE="string"&gt;&lt;VALUE&gt;%s&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;' "$SNAP" "$1"; }
modify "$(rename_xml "$E100")"
expect_eq "$RV" 0 "100 x é (200 bytes) accepted"
wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = '$SNAP'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='ElementName'])")" "$E100" "100 x é stored"
modify "$(rename_xml "${E100}é")"
expect_eq "$RV" 4 "101 x é refused"
modify "$(rename_xml "$(printf '\xf0\x9f\x93\xb8%.0s' $(seq 100))")"
expect_eq "$RV" 0 "100 four-byte characters accepted (code points, 400 bytes)"
# Put counts the same way
put_name() {
	soap "$WXF/Put" "$WMI/Msvm_VirtualSystemSettingData" \
		"<p:Msvm_VirtualSystemSettingData xmlns:p=\"$WMI/Msvm_VirtualSystemSettingData\"><p:InstanceID>$SNAP</p:InstanceID><p:ElementName>$1</p:ElementName></p:Msvm_VirtualSystemSettingData>" \
		"<w:SelectorSet><w:Selector Name=\"InstanceID\">$SNAP</w:Selector></w:SelectorSet>"
}
put_name "$E100"
expect_eq "$STATUS" 200 "Put of 100 x é accepted"
put_name "${E100}é"
expect_eq "$STATUS" 500 "Put of 101 x é refused"
modify "$(rename_xml "before 'patch' &amp;amp; ü")"
expect_eq "$RV" 0 "name put back"
modify "<![CDATA[<?xml version=\"1.0\"?>
<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSettingData\"><PROPERTY NAME=\"InstanceID\" TYPE=\"string\"><VALUE>Microsoft:$WEB</VALUE></PROPERTY><PROPERTY NAME=\"UserSnapshotType\" TYPE=\"uint16\"><VALUE>5</VALUE></PROPERTY></INSTANCE>]]>"
expect_eq "$RV" 0 "UserSnapshotType through CDATA"
wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = 'Microsoft:$WEB'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='UserSnapshotType'])")" 5 "UserSnapshotType changed"
modify '&lt;p:Msvm_VirtualSystemSettingData xmlns:p="urn:x"/&gt;'
expect_fault w:SchemaValidationError "WS-CIM form of an embedded instance"

# --- ApplySnapshot: 32775 at once on a running VM; works when off -------------------
invoke_snap ApplySnapshot "<p:Snapshot>$(vssd_epr "$SNAPID")</p:Snapshot>"
expect_eq "$RV" 32775 "ApplySnapshot on a running VM"
expect_eq "$JOB" "" "no job for 32775"
invoke_snap ApplySnapshot "<p:Snapshot>$(vssd_epr AAAAAAAA-0000-4000-8000-000000000001)</p:Snapshot>"
expect_eq "$RV" 4096 "ApplySnapshot on an off VM"
wait_job "$JOB"
expect_eq "$JS" 7 "apply job"
expect_eq "$(el JobType)" 71 "apply JobType"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='$DB'} WHERE AssocClass = Msvm_MostCurrentSnapshotInBranch"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='ElementName'])")" root "applied snapshot is current"
soap "$WSEN/Enumerate" "$WMI/*" '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "web01"</w:Filter></n:Enumerate>'
invoke_snap CreateSnapshot "<p:AffectedSystem><a:EndpointReference>$(cs_epr "$WEB")</a:EndpointReference></p:AffectedSystem><p:SnapshotSettings/><p:SnapshotType>2</p:SnapshotType>"
expect_fault w:SchemaValidationError "EndpointReference wrapper"

# --- DestroySnapshot re-parents the children -------------------------------------------
invoke_snap DestroySnapshot "<p:AffectedSnapshot>$(vssd_epr AAAAAAAA-0000-4000-8000-000000000002)</p:AffectedSnapshot>"
expect_eq "$RV" 4096 "DestroySnapshot"
wait_job "$JOB"
expect_eq "$JS" 7 "destroy job"
snapshots_of "$DB"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 3 "three snapshots left"
expect_eq "$(parent_of leaf)" AAAAAAAA-0000-4000-8000-000000000001 "leaf re-parented to root"
expect_eq "$(parent_of side)" AAAAAAAA-0000-4000-8000-000000000001 "side unchanged"

# --- DestroySnapshotTree removes the subtree -----------------------------------------------
invoke_snap DestroySnapshotTree "<p:SnapshotSettingData>$(vssd_epr AAAAAAAA-0000-4000-8000-000000000001)</p:SnapshotSettingData>"
expect_eq "$RV" 4096 "DestroySnapshotTree"
wait_job "$JOB"
expect_eq "$JS" 7 "destroy tree job"
snapshots_of "$DB"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 0 "whole tree gone"
wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = 'Microsoft:$DB'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='Parent']/@*[local-name()='nil'])")" true "no current snapshot"

# --- Disabled checkpoints and injected job failure end in Exception -----------------------
create 11111111-2222-4333-8444-555555555507
expect_eq "$RV" 4096 "CreateSnapshot on a Disabled VM starts a job"
wait_job "$JOB"
expect_eq "$JS" 10 "Disabled: Exception"
expect_eq "$(el ErrorCode)" 32768 "Disabled ErrorCode"
[[ "$(el ErrorDescription)" == *disabled* ]] || fail "Disabled ErrorDescription: $(el ErrorDescription)"
create 11111111-2222-4333-8444-555555555508
wait_job "$JOB"
expect_eq "$JS" 10 "injected failure"
expect_eq "$(el ErrorDescription)" "Injected failure." "injected ErrorDescription"
FAILED_JOB=$JOB

# --- job cancel via RequestStateChange, then removal after retention -------------------------
create "$WEB"
soap "$WMI/Msvm_ConcreteJob/RequestStateChange" "$WMI/Msvm_ConcreteJob" "<p:RequestStateChange_INPUT xmlns:p=\"$WMI/Msvm_ConcreteJob\"><p:RequestedState>4</p:RequestedState></p:RequestStateChange_INPUT>" "<w:SelectorSet><w:Selector Name=\"InstanceID\">$JOB</w:Selector></w:SelectorSet>"
expect_eq "$(el ReturnValue)" 0 "cancel"
get_job "$JOB"
expect_eq "$(el JobState)" 8 "Terminated"
sleep 2.1
get_job "$FAILED_JOB"
expect_fault a:DestinationUnreachable "job gone after retention"
wql "SELECT * FROM Msvm_AffectedJobElement"
expect_eq "$(xp "count(//*[local-name()='Items']/*[*[local-name()='AffectingElement']//*[@Name='InstanceID']='$FAILED_JOB'])")" 0 "AJE rows go with the job"

# --- VM RequestStateChange -------------------------------------------------------------------
soap "$WMI/Msvm_ComputerSystem/RequestStateChange" "$WMI/Msvm_ComputerSystem" "<p:RequestStateChange_INPUT xmlns:p=\"$WMI/Msvm_ComputerSystem\"><p:RequestedState>2</p:RequestedState></p:RequestStateChange_INPUT>" "<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ComputerSystem</w:Selector><w:Selector Name=\"Name\">$DB</w:Selector></w:SelectorSet>"
expect_eq "$(el ReturnValue)" 4096 "start VM"
JOB=$(xp "string(//*[local-name()='Selector'][@Name='InstanceID'])")
wait_job "$JOB"
expect_eq "$(el JobType)" 12 "start JobType"
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" "<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ComputerSystem</w:Selector><w:Selector Name=\"Name\">$DB</w:Selector></w:SelectorSet>"
expect_eq "$(el EnabledState)" 2 "VM running"
soap "$WMI/Msvm_ComputerSystem/RequestStateChange" "$WMI/Msvm_ComputerSystem" "<p:RequestStateChange_INPUT xmlns:p=\"$WMI/Msvm_ComputerSystem\"><p:RequestedState>2</p:RequestedState></p:RequestStateChange_INPUT>" "<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ComputerSystem</w:Selector><w:Selector Name=\"Name\">$DB</w:Selector></w:SelectorSet>"
expect_eq "$(el ReturnValue)" 32775 "already running"
soap "$WMI/Msvm_VirtualSystemSnapshotService/NoSuchMethod" "$WMI/Msvm_VirtualSystemSnapshotService" "<p:NoSuchMethod_INPUT xmlns:p=\"$WMI/Msvm_VirtualSystemSnapshotService\"/>" "$VSSS_SEL"
expect_fault a:ActionNotSupported "unknown method"
stop_sim "exit status"

# --- ja-JP host: localized strings --------------------------------------------------------
sed 's/"locale": "en-US"/"locale": "ja-JP"/' "$SRC/tests/integration/hvsim-basic.json" >"$T/ja.json"
start_sim --scenario "$T/ja.json"
wql "SELECT * FROM Msvm_ComputerSystem WHERE Name = '$WEB' OR Name = 'HVTEST'"
expect_eq "$(xp "string(/*/@*[local-name()='lang'])")" ja-JP "xml:lang ja-JP"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='Name']='$WEB']/*[local-name()='Caption'])")" "仮想マシン" "ja VM Caption"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='Name']='$WEB']/*[local-name()='StatusDescriptions'])")" "正常稼働中" "ja StatusDescriptions"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='Name']='HVTEST']/*[local-name()='Caption'])")" "ホスト コンピューター システム" "ja host Caption"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='Name']='$WEB']/*[local-name()='Description'])")" "Microsoft Virtual Machine" "VM Description is not localized"
echo PASS
