#!/usr/bin/env bash
# hvsim end to end with curl + xmllint: startup, HTTP routing, Basic auth,
# Identify, strict request validation faults, WQL Enumerate/Pull/Release,
# Get, the request log, clean SIGTERM shutdown and bad scenarios (exit 2).
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
QUIET_CHECKS=1
CURL_AUTH=(-u 'HVTEST\admin:s3cret')

start_sim --scenario "$SRC/tests/integration/hvsim-basic.json"
grep -qx "listening on http://127.0.0.1:$PORT/wsman" "$T/stdout" || fail "listening line: $(cat "$T/stdout")"

# --- HTTP routing -----------------------------------------------------------
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "${CURL_AUTH[@]}" "http://127.0.0.1:$PORT/other")" 404 "other path"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "${CURL_AUTH[@]}" "$URL")" 405 "GET /wsman"

# --- auth -------------------------------------------------------------------
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" >"$T/req"
HDRS=$(curl -s -D - -o /dev/null -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @"$T/req" "$URL")
grep -q '^HTTP/1.1 401' <<<"$HDRS" || fail "no credentials should give 401"
grep -qi '^WWW-Authenticate: Negotiate' <<<"$HDRS" || fail "401 must offer Negotiate"
grep -qi '^WWW-Authenticate: Basic realm="WSMAN"' <<<"$HDRS" || fail "401 must offer Basic"
CURL_AUTH=(-u 'admin:wrong'); post "$T/req"; expect_eq "$STATUS" 401 "wrong password"
CURL_AUTH=(-u 'OTHER\admin:s3cret'); post "$T/req"; expect_eq "$STATUS" 401 "wrong domain"
CURL_AUTH=(-u 'admin@HVTEST:s3cret'); post "$T/req"; expect_eq "$STATUS" 500 "UPN form authenticates (then faults: no selectors)"
CURL_AUTH=(-u 'HVTEST\admin:s3cret')

# --- Identify -----------------------------------------------------------------
identify_request >"$T/id"
post "$T/id"
expect_eq "$STATUS" 200 "Identify"
expect_eq "$(el ProtocolVersion)" "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" "ProtocolVersion"
expect_eq "$(el ProductVendor)" "Microsoft Corporation" "ProductVendor"
expect_eq "$(el ProductVersion)" "OS: 10.0.20348 SP: 0.0 Stack: 3.0" "ProductVersion"
CURL_AUTH=(); post "$T/id"; expect_eq "$STATUS" 401 "Identify without credentials"
post "$T/id" -H 'WSMANIDENTIFY: unauthenticated'; expect_eq "$STATUS" 200 "unauthenticated Identify"
post "$T/req" -H 'WSMANIDENTIFY: unauthenticated'; expect_eq "$STATUS" 401 "WSMANIDENTIFY is for Identify only"
CURL_AUTH=(-u 'HVTEST\admin:s3cret')

# --- strict validation --------------------------------------------------------
printf '<s:Envelope xmlns:s="%s"><s:Header>' "$SOAP" >"$T/bad"; post "$T/bad"
expect_fault w:SchemaValidationError "malformed XML"
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><s:Envelope xmlns:s="%s"><s:Header/><s:Body>&e;</s:Body></s:Envelope>' "$SOAP" >"$T/bad"; post "$T/bad"
expect_fault w:SchemaValidationError "DOCTYPE"
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" | sed 's#<a:Action[^>]*>[^<]*</a:Action>##' >"$T/bad"; post "$T/bad"
expect_fault a:MessageInformationHeaderRequired "missing Action"
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" | sed 's#<a:MessageID>[^<]*</a:MessageID>##' >"$T/bad"; post "$T/bad"
expect_fault a:MessageInformationHeaderRequired "missing MessageID"
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" | sed 's#<a:ReplyTo>.*</a:ReplyTo>##' >"$T/bad"; post "$T/bad"
expect_fault a:MessageInformationHeaderRequired "missing ReplyTo"
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" | sed 's#<a:To>[^<]*</a:To>#<a:To>http://x/elsewhere</a:To>#' >"$T/bad"; post "$T/bad"
expect_fault a:DestinationUnreachable "wrong To"
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" | sed 's#uuid:00000000-0000-4000-8000-[0-9]*#not-a-uuid#' >"$T/bad"; post "$T/bad"
expect_fault a:InvalidMessageInformationHeader "bad MessageID"
soap "http://example.com/NoSuchAction" "$WMI/Msvm_ComputerSystem" ""
expect_fault a:ActionNotSupported "unknown action"
soap "$WXF/Get" "$WMI/Msvm_NoSuchClass" "" '<w:SelectorSet><w:Selector Name="InstanceID">x</w:Selector></w:SelectorSet>'
expect_fault a:DestinationUnreachable "unknown class"
expect_eq "$(xp "string(//*[local-name()='RelatesTo'])")" "uuid:00000000-0000-4000-8000-$(printf %012d $MID)" "fault RelatesTo"
soap "$WXF/Get" "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service" ""
expect_fault a:DestinationUnreachable "other namespace"
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="Bogus">x</w:Selector></w:SelectorSet>'
expect_fault w:InvalidSelectors "non-key selector"
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="Name">a</w:Selector><w:Selector Name="Name">b</w:Selector></w:SelectorSet>'
expect_fault w:InvalidSelectors "duplicate selector"
envelope "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="Name">HVTEST</w:Selector></w:SelectorSet>' | sed 's#PT60.000S#sixty seconds#' >"$T/bad"; post "$T/bad"
expect_fault w:InvalidHeader "invalid OperationTimeout"
soap "$WSEN/Enumerate" "$WMI/Msvm_ComputerSystem" '<n:Enumerate><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Msvm_ComputerSystem</w:Filter></n:Enumerate>'
expect_fault w:CannotProcessFilter "class URI with a WQL filter"
grep -q "class name must be" "$T/resp" || fail "WQL URI fault text"
soap "$WSEN/Enumerate" "$WMI/*" '<n:Enumerate><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Msvm_ComputerSystem WHERE ElementName = </w:Filter></n:Enumerate>'
expect_fault w:CannotProcessFilter "bad WQL"
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" '<n:Pull><n:EnumerationContext>uuid:DEADBEEF-0000-4000-8000-000000000000</n:EnumerationContext></n:Pull>'
expect_fault n:InvalidEnumerationContext "unknown enumeration context"
STATUS=$(curl -s -o "$T/resp" -w '%{http_code}' "${CURL_AUTH[@]}" -H 'Content-Type: text/plain' --data-binary @"$T/req" "$URL")
expect_eq "$STATUS" 415 "wrong Content-Type"

# --- Enumerate + Pull, the way libvirt finds a VM by name ---------------------------
soap "$WSEN/Enumerate" "$WMI/*" "<n:Enumerate><w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_ComputerSystem WHERE Description = \"Microsoft Virtual Machine\" AND ElementName = 'web01'</w:Filter></n:Enumerate>"
expect_eq "$STATUS" 200 "Enumerate"
expect_eq "$(xp "count(//*[local-name()='EnumerateResponse' and namespace-uri()='$WSEN']/*)")" 1 "EnumerateResponse holds only the context"
CTX=$(xp "string(//*[local-name()='EnumerationContext' and namespace-uri()='$WSEN'])")
[[ "$CTX" =~ ^uuid:[0-9A-F-]{36}$ ]] || fail "context format: $CTX"
expect_eq "$(xp "string(/*/@*[local-name()='lang'])")" en-US "xml:lang on Envelope"
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX</n:EnumerationContext></n:Pull>"
expect_eq "$STATUS" 200 "Pull"
ITEM="//*[local-name()='Items' and namespace-uri()='$WSEN']/*[local-name()='Msvm_ComputerSystem' and namespace-uri()='$WMI/Msvm_ComputerSystem']"
expect_eq "$(xp "count($ITEM)")" 1 "one item"
expect_eq "$(xp "string($ITEM/*[local-name()='ElementName'])")" web01 "ElementName"
expect_eq "$(xp "string($ITEM/*[local-name()='Name'])")" 11111111-2222-4333-8444-555555555501 "Name"
expect_eq "$(xp "string($ITEM/*[local-name()='EnabledState'])")" 2 "EnabledState"
expect_eq "$(xp "string($ITEM/@*[local-name()='type'])")" p:Msvm_ComputerSystem_Type "xsi:type"
expect_eq "$(xp "string($ITEM/*[local-name()='InstanceID']/@*[local-name()='nil'])")" true "InstanceID nil"
expect_eq "$(xp "count($ITEM/*[local-name()='InstallDate']/*[local-name()='Datetime' and namespace-uri()='http://schemas.dmtf.org/wbem/wscim/1/common'])")" 1 "cim:Datetime"
[[ "$(xp "string($ITEM/*[local-name()='LastReplicationTime'])")" == "1601-01-01T00:00:00Z" ]] || fail "never datetime"
expect_eq "$(xp "count(//*[local-name()='EndOfSequence' and namespace-uri()='$WSEN'])")" 1 "EndOfSequence"
expect_eq "$(xp "count(//*[local-name()='PullResponse']/*[local-name()='EnumerationContext'])")" 0 "no context on last Pull"
xp "$ITEM/*" | grep -o '<p:[A-Za-z]*' | sed 's/<p://' >"$T/props"
LC_ALL=C sort -f "$T/props" | diff -q - "$T/props" >/dev/null || fail "properties not alphabetical"
[ "$(wc -l <"$T/props")" -ge 40 ] || fail "too few properties: $(wc -l <"$T/props")"
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX</n:EnumerationContext></n:Pull>"
expect_fault n:InvalidEnumerationContext "context is gone after the end"

# one item per Pull, fresh context each time, then Release
soap "$WSEN/Enumerate" "$WMI/Msvm_ComputerSystem" '<n:Enumerate/>'
CTX=$(xp "string(//*[local-name()='EnumerationContext'])")
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX</n:EnumerationContext></n:Pull>"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 1 "one item per Pull"
expect_eq "$(el ElementName)" HVTEST "host comes first"
expect_eq "$(el Caption)" "Hosting Computer System" "host Caption"
CTX2=$(xp "string(//*[local-name()='PullResponse']/*[local-name()='EnumerationContext'])")
[ -n "$CTX2" ] && [ "$CTX2" != "$CTX" ] || fail "each Pull gives a new context"
expect_eq "$(xp "name(//*[local-name()='PullResponse']/*[1])")" n:EnumerationContext "context before Items"
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX2</n:EnumerationContext><n:MaxElements>3</n:MaxElements></n:Pull>"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 3 "MaxElements on Pull"
CTX3=$(xp "string(//*[local-name()='PullResponse']/*[local-name()='EnumerationContext'])")
soap "$WSEN/Release" "$WMI/Msvm_ComputerSystem" "<n:Release><n:EnumerationContext>$CTX3</n:EnumerationContext></n:Release>"
expect_eq "$STATUS" 200 "Release"
expect_eq "$(xp "string(//*[local-name()='Action'])")" "$WSEN/ReleaseResponse" "ReleaseResponse"
soap "$WSEN/Pull" "$WMI/Msvm_ComputerSystem" "<n:Pull><n:EnumerationContext>$CTX3</n:EnumerationContext></n:Pull>"
expect_fault n:InvalidEnumerationContext "released context"

# OptimizeEnumeration + MaxElements, EnumerateEPR
wql "SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Virtual Machine'"
expect_eq "$(xp "count(//*[local-name()='EnumerateResponse']/*[local-name()='Items']/*)")" 8 "all VMs"
expect_eq "$(xp "count(//*[local-name()='EnumerateResponse']/*[local-name()='EndOfSequence'])")" 1 "optimized EndOfSequence"
soap "$WSEN/Enumerate" "$WMI/*" '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>2</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "dup"</w:Filter></n:Enumerate>'
expect_eq "$(xp "count(//*[local-name()='Items']/*[local-name()='EndpointReference'])")" 2 "EPR items"
expect_eq "$(xp "count(//*[local-name()='Items']//*[local-name()='Selector' and @Name='Name'])")" 2 "duplicate names both found"
expect_eq "$(xp "string(//*[local-name()='Items']/*[1]/*[local-name()='Address'])")" "$ANON" "EPR address"

# WQL literals: escapes, double quotes, non-ASCII, OR, NOT, IS NULL, numbers
wql "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'it\\'s \"quoted\" \\\\ back'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='Name'])")" 11111111-2222-4333-8444-555555555503 "escaped quotes"
wql 'SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "日本語のVM"'
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='EnabledState'])")" 9 "non-ASCII name, paused"
wql "SELECT * FROM Msvm_ComputerSystem WHERE (ElementName = 'web01' OR ElementName = 'DB01') AND NOT EnabledState = 6"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 2 "OR/AND/NOT, case-insensitive"
wql "SELECT * FROM Msvm_ComputerSystem WHERE InstallDate IS NULL"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='Name'])")" HVTEST "IS NULL"
wql "SELECT * FROM Msvm_ComputerSystem WHERE EnabledState = 3"
expect_eq "$(xp "count(//*[local-name()='Items']/*)")" 5 "numeric literal"

# ASSOCIATORS OF, as libvirt lists snapshots
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='11111111-2222-4333-8444-555555555502'} WHERE AssocClass = Msvm_SnapshotOfVirtualSystem ResultClass = Msvm_VirtualSystemSettingData"
expect_eq "$(xp "count(//*[local-name()='Items']/*[local-name()='Msvm_VirtualSystemSettingData'])")" 4 "four snapshots"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='ElementName']='mid']/*[local-name()='Parent'])")" '\\HVTEST\root\virtualization\v2:Msvm_VirtualSystemSettingData.InstanceID="Microsoft:AAAAAAAA-0000-4000-8000-000000000001"' "Parent path"
expect_eq "$(xp "string(//*[local-name()='Items']/*[*[local-name()='ElementName']='root']/*[local-name()='CreationTime'])")" 2025-01-02T03:04:05.5Z "CreationTime"
wql "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='11111111-2222-4333-8444-555555555502'} WHERE AssocClass = Msvm_MostCurrentSnapshotInBranch"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='ElementName'])")" leaf "current snapshot"
wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = '11111111-2222-4333-8444-555555555502' AND VirtualSystemType = 'Microsoft:Hyper-V:System:Realized'"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='Parent'])")" '\\HVTEST\root\virtualization\v2:Msvm_VirtualSystemSettingData.InstanceID="Microsoft:AAAAAAAA-0000-4000-8000-000000000003"' "realized Parent is the current snapshot"
expect_eq "$(xp "string(//*[local-name()='Items']/*/*[local-name()='UserSnapshotType'])")" 5 "UserSnapshotType"

# --- Get ------------------------------------------------------------------------
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector><w:Selector Name="Name">11111111-2222-4333-8444-555555555502</w:Selector></w:SelectorSet>'
expect_eq "$STATUS" 200 "Get"
expect_eq "$(xp "string(//*[local-name()='Action'])")" "$WXF/GetResponse" "GetResponse"
expect_eq "$(xp "string(/*/*[local-name()='Body']/*[local-name()='Msvm_ComputerSystem']/*[local-name()='ElementName'])")" db01 "Get body"
soap "$WXF/Get" "$WMI/Msvm_VirtualSystemSnapshotService" "" '<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_VirtualSystemSnapshotService</w:Selector></w:SelectorSet>'
expect_eq "$(el Name)" vssnapsvc "snapshot service"
expect_eq "$(el SystemName)" HVTEST "service SystemName"
soap "$WXF/Get" "$WMI/Msvm_VirtualSystemSettingData" "" '<w:SelectorSet><w:Selector Name="InstanceID">Microsoft:00000000-0000-4000-8000-00000000FFFF</w:Selector></w:SelectorSet>'
expect_fault a:DestinationUnreachable "Get of a missing instance"
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="Name">HVTEST</w:Selector></w:SelectorSet>'
expect_eq "$(el RequestedState)" 12 "host RequestedState"

# --- log, shutdown ----------------------------------------------------------------
N_LOG=$(wc -l <"$T/log")
[ "$N_LOG" -ge 40 ] || fail "log lines: $N_LOG"
grep -q '"status":401' "$T/log" || fail "log has the 401s"
grep -q '"auth":"basic"' "$T/log" || fail "log has auth"
grep -q "\"resource_uri\":\"$WMI/Msvm_ComputerSystem\"" "$T/log" || fail "log has resource URIs"
grep -q 's3cret\|Authorization\|Basic ' "$T/log" && fail "log leaks credentials"
BEFORE=$(wc -l <"$T/log")
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="Name">HVTEST</w:Selector></w:SelectorSet>'
expect_eq "$(( $(wc -l <"$T/log") - BEFORE ))" 1 "one log line per request"
tail -1 "$T/log" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]==200 and d["action"].endswith("/Get") and d["connection"]>0 and d["time"].endswith("Z")' || fail "log line fields"

stop_sim "exit status after SIGTERM"

# --- bad scenarios exit 2 with a clear message ------------------------------------
# bad_scenario JSON MESSAGE [PLACE]: hvsim exits 2 on the scenario JSON, its message naming PLACE
bad_scenario() {
	echo "$1" >"$T/bad.json"
	RC=0; "$HVSIM" --scenario "$T/bad.json" --listen 127.0.0.1:0 2>"$T/err" || RC=$?
	expect_eq "$RC" 2 "$2"
	[ -z "${3:-}" ] || grep -q "$3" "$T/err" || fail "message names $3: $(cat "$T/err")"
}
bad_scenario '{"vms": [{"name": "x", "state": "exploded"}]}' "bad scenario exit" 'vms\[0\].state'
bad_scenario '{"vms": [], "typo": 1}' "unknown key exit"
bad_scenario '{"auth": {"cbt_hardening": "paranoid"}}' "bad cbt_hardening exit" 'auth.cbt_hardening'
bad_scenario "{\"auth\": {\"keytab\": \"$T/no-such.keytab\"}}" "unreadable keytab exit" 'auth.keytab'
bad_scenario '{not json' "invalid JSON exit"
# A host has at most 2,048 VMs: a "count" of 100,000 took minutes to load.
bad_scenario '{"vms": [{"name": "v", "count": 100000}]}' "a VM count over 2,048" 'vms\[0\].count'
bad_scenario '{"vms": [{"name": "v", "count": 2048}, {"name": "w"}]}' "VM 2,049 of a host" 'more than 2048 VMs'
echo '{"vms": [{"name": "v", "count": 2048}]}' >"$T/max.json"
"$HVSIM" --scenario "$T/max.json" --listen 127.0.0.1:0 --port-file "$T/max.port" >/dev/null 2>"$T/err" &
MAX_PID=$!
for _ in $(seq 100); do [ -s "$T/max.port" ] && break; sleep 0.1; done
[ -s "$T/max.port" ] || fail "hvsim did not start with 2,048 VMs: $(cat "$T/err")"
kill "$MAX_PID"; wait "$MAX_PID" || true
ok "2,048 VMs load"
bad_scenario '{"hosts": [{"host": "h", "count": 30, "vms": [{"name": "v", "count": 2000}]}]}' \
  "a fleet of 60,000 VMs" 'more than 50000 VMs in all hosts'
RC=0; "$HVSIM" --scenario "$T/missing.json" 2>"$T/err" || RC=$?
expect_eq "$RC" 2 "missing scenario exit"
RC=0; "$HVSIM" --bogus 2>"$T/err" || RC=$?
expect_eq "$RC" 2 "unknown option exit"

# --- demo host: Basic refused on http (encryption required), SIGINT exit 0 ---------------
start_sim
CURL_AUTH=(-u 'HVHOST\demo:demo')
soap "$WXF/Get" "$WMI/Msvm_ComputerSystem" "" '<w:SelectorSet><w:Selector Name="Name">HVHOST</w:Selector></w:SelectorSet>'
expect_eq "$STATUS" 401 "demo host refuses Basic on http"
stop_sim -INT "exit status after SIGINT"
echo "PASS"
