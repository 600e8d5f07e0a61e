# hvsnap wsman identify|get|enumerate|invoke|put against hvsim (https +
# Basic): each subcommand's XML and --json output checked against hvsim's
# state (read back through the typed commands and raw WQL) and its log.
source "$HVSNAP_SOURCE_DIR/tests/integration/lib.sh"
source "$HVSNAP_SOURCE_DIR/tests/integration/cli_lib.sh"

start_hvsim wsman "$IT/cli-wsman.json"
V2=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2
VM1=D1D1D1D1-0000-4000-8000-000000000001
SNAP=6A000000-0000-4000-8000-000000000001
SVC=(-s CreationClassName=Msvm_VirtualSystemSnapshotService -s Name=vssnapsvc
     -s SystemCreationClassName=Msvm_ComputerSystem -s SystemName=HVRAW)

# identify: XML and JSON
hv wsman identify
expect_rc 0 "wsman identify"
expect_out "<wsmid:IdentifyResponse"
expect_out "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>"
hv wsman identify --json
expect_rc 0 "wsman identify --json"
[ "$(json_get 'j["class"]')" = IdentifyResponse ] || fail "identify class: $OUT"
[ "$(json_get 'j["properties"]["ProductVendor"]')" = "Microsoft Corporation" ] || fail "vendor: $OUT"

# get by class name + selectors; nil is null, datetimes are text
hv wsman get Msvm_ComputerSystem -s CreationClassName=Msvm_ComputerSystem -s Name=$VM1 --json
expect_rc 0 "wsman get Msvm_ComputerSystem"
[ "$(json_get 'j["properties"]["ElementName"]')" = raw01 ] || fail "get ElementName: $OUT"
[ "$(json_get 'j["properties"]["EnabledState"]')" = 3 ] || fail "get EnabledState (off): $OUT"
[ "$(json_get 'j["properties"]["InstanceID"] is None')" = True ] || fail "nil is not null: $OUT"
[ "$(json_get 'j["resource_uri"]')" = "$V2/Msvm_ComputerSystem" ] || fail "resource_uri: $OUT"
expect_reqs Get 1 "wsman get"
# the same by full URI, as XML
hv wsman get "$V2/Msvm_ComputerSystem" -s CreationClassName=Msvm_ComputerSystem -s Name=$VM1
expect_rc 0 "wsman get by URI"
expect_out "<p:ElementName>raw01</p:ElementName>"
# a missing instance is exit 5 with the fault's words
hv wsman get Msvm_ComputerSystem -s CreationClassName=Msvm_ComputerSystem -s Name=NOPE
expect_rc 5 "wsman get of a missing instance"

# enumerate: every VM (and the host row), all pages; WQL; EPRs
hv wsman enumerate Msvm_ComputerSystem --json
expect_rc 0 "wsman enumerate"
names=$(json_get '" ".join(sorted(i["properties"]["ElementName"] for i in j["instances"]))')
[ "$names" = "HVRAW raw01 raw02" ] || fail "enumerate names: $names"
hv wsman enumerate Msvm_ComputerSystem --wql "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'raw02'" --json
expect_rc 0 "wsman enumerate --wql"
[ "$(json_get 'len(j["instances"])')" = 1 ] || fail "wql count: $OUT"
[ "$(json_get 'j["instances"][0]["properties"]["EnabledState"]')" = 2 ] || fail "wql state: $OUT"
grep -q 'v2/\*' <(sed -n "$((MARK + 1)),\$p" "$LOG") || fail "WQL was not sent to the * URI"
hv wsman enumerate Msvm_VirtualSystemSnapshotService --epr --json
expect_rc 0 "wsman enumerate --epr"
[ "$(json_get 'j["eprs"][0]["selectors"]["Name"]')" = vssnapsvc ] || fail "epr selectors: $OUT"
[ "$(json_get 'j["eprs"][0]["resource_uri"]')" = "$V2/Msvm_VirtualSystemSnapshotService" ] || fail "epr uri: $OUT"
hv wsman enumerate Msvm_ComputerSystem --epr
expect_rc 0 "wsman enumerate --epr (XML)"
expect_out "<w:Items"
expect_out "EndpointReference"

# put: get a checkpoint's settings, change its name, put it back; the
# typed 'list' then shows the new name
hv wsman get Msvm_VirtualSystemSettingData -s "InstanceID=Microsoft:$SNAP"
expect_rc 0 "wsman get of the checkpoint's settings"
sed 's|<p:ElementName>before</p:ElementName>|<p:ElementName>after-put</p:ElementName>|' "$TMP/out" >"$TMP/vssd.xml"
grep -q after-put "$TMP/vssd.xml" || fail "the checkpoint's name was not in the Get output"
hv wsman put Msvm_VirtualSystemSettingData -s "InstanceID=Microsoft:$SNAP" --input "$TMP/vssd.xml" --json
expect_rc 0 "wsman put"
[ "$(json_get 'j["properties"]["ElementName"]')" = after-put ] || fail "put answer: $OUT"
hv list raw01 --json
expect_rc 0 "list after put"
[ "$(json_get 'j["snapshots"][0]["name"]')" = after-put ] || fail "put not visible: $OUT"
hv wsman put Msvm_VirtualSystemSettingData -s "InstanceID=Microsoft:$SNAP"
expect_rc 2 "wsman put without --input"
printf '<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>' >"$TMP/evil.xml"
hv wsman put Msvm_VirtualSystemSettingData -s "InstanceID=Microsoft:$SNAP" --input "$TMP/evil.xml"
expect_rc 2 "wsman put of a DOCTYPE"
expect_reqs all 0 "a refused input"

# invoke with --input: CreateSnapshot, visible in hvsim's log params
cat >"$TMP/create.xml" <<XML
<p:CreateSnapshot_INPUT xmlns:p="$V2/Msvm_VirtualSystemSnapshotService"
    xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
    xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">
  <p:AffectedSystem>
    <a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>
    <a:ReferenceParameters>
      <w:ResourceURI>$V2/Msvm_ComputerSystem</w:ResourceURI>
      <w:SelectorSet>
        <w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector>
        <w:Selector Name="Name">$VM1</w:Selector>
      </w:SelectorSet>
    </a:ReferenceParameters>
  </p:AffectedSystem>
  <p:SnapshotType>2</p:SnapshotType>
</p:CreateSnapshot_INPUT>
XML
hv wsman invoke Msvm_VirtualSystemSnapshotService CreateSnapshot "${SVC[@]}" --input "$TMP/create.xml" --json
expect_rc 0 "wsman invoke CreateSnapshot --input"
[ "$(json_get 'j["properties"]["ReturnValue"]')" = 4096 ] || fail "ReturnValue: $OUT"
[ "$(json_get 'j["properties"]["Job"]["resource_uri"]')" = "$V2/Msvm_ConcreteJob" ] || fail "Job EPR: $OUT"
JOB=$(json_get 'j["properties"]["Job"]["selectors"]["InstanceID"]')
expect_reqs CreateSnapshot 1 "wsman invoke (never resent)"
line=$(tail -n +"$((MARK + 1))" "$LOG" | grep '"method":"CreateSnapshot"')
python3 - "$line" "$VM1" <<'PY' || fail "CreateSnapshot params in hvsim's log: $line"
import json, sys
p = json.loads(sys.argv[1])["params"]
assert p["SnapshotType"] == "2", p
assert p["AffectedSystem"]["selectors"]["Name"] == sys.argv[2], p
PY
hv job "$JOB" --wait --json
expect_rc 0 "the raw CreateSnapshot's job completes"
hv list raw01 --json
[ "$(json_get 'len(j["snapshots"])')" = 2 ] || fail "no new checkpoint: $OUT"

# invoke with -p: text values and an embedded instance from a file
NEW=$(json_get '[s["id"] for s in j["snapshots"] if s["name"] != "after-put"][0]')
cat >"$TMP/settings.xml" <<'XML'
<INSTANCE CLASSNAME="Msvm_VirtualSystemSnapshotSettingData">
  <PROPERTY NAME="ConsistencyLevel" TYPE="uint8"><VALUE>2</VALUE></PROPERTY>
</INSTANCE>
XML
hv wsman invoke Msvm_VirtualSystemSnapshotService CreateSnapshot "${SVC[@]}" \
  -p SnapshotType=2 -p SnapshotSettings=@"$TMP/settings.xml" --json
expect_rc 0 "wsman invoke with -p (no AffectedSystem)"
[ "$(json_get 'j["properties"]["ReturnValue"]')" = 4 ] || fail "missing AffectedSystem is not 4: $OUT"
line=$(tail -n +"$((MARK + 1))" "$LOG" | grep '"method":"CreateSnapshot"')
python3 - "$line" <<'PY' || fail "-p params in hvsim's log: $line"
import json, sys
p = json.loads(sys.argv[1])["params"]
assert p["SnapshotType"] == "2", p
s = p["SnapshotSettings"]
assert "Msvm_VirtualSystemSnapshotSettingData" in json.dumps(s) and "ConsistencyLevel" in json.dumps(s), p
PY
printf 'not an instance' >"$TMP/bad.txt"
hv wsman invoke Msvm_VirtualSystemSnapshotService CreateSnapshot "${SVC[@]}" -p X=@"$TMP/bad.txt"
expect_rc 2 "-p NAME=@FILE without a CIM-XML INSTANCE"
expect_err "CIM-XML"
hv wsman invoke Msvm_VirtualSystemSnapshotService CreateSnapshot "${SVC[@]}" -p noequals
expect_rc 2 "-p without ="

# usage errors before any request
hv wsman frobnicate
expect_rc 2 "unknown wsman subcommand"
hv wsman get
expect_rc 2 "wsman get without RESOURCE"
hv wsman get Msvm_ComputerSystem --wql x
expect_rc 2 "--wql outside enumerate"
hv vms --wql x
expect_rc 2 "--wql outside wsman"
expect_reqs all 0 "usage errors"

# the same auth and errors as everything else: a wrong password is exit 4
HV=(-H 127.0.0.1 -P "$PORT" --auth basic -u admin --cacert "$TMP/host.pem")
HVSNAP_PASSWORD=wrong hv wsman get Msvm_ComputerSystem -s Name=$VM1
expect_rc 4 "wsman with a wrong password"

stop_hvsim
echo "all $CHECKS checks passed"
