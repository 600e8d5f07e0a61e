# Every hvsnap command end to end against hvsim (https + Basic), in human
# and --json form, checked against hvsim's state (read back through the
# CLI, or straight with WQL) and its request log.
#
# HTTP round trips per verb against hvsim, from its log (one keep-alive
# connection; Basic goes with every request, so there is no 401 round trip;
# every WQL query uses OptimizeEnumeration + MaxElements 100, so up to 100
# results come in the Enumerate answer and no Pull/Release is needed):
#
#   identify             1  Identify.
#   vms                  1  Enumerate: SELECT * FROM Msvm_ComputerSystem (the
#                           host row is dropped by the client: its Name is no GUID).
#   list VM              2  Enumerate Msvm_ComputerSystem WHERE ElementName|Name
#                           (resolve VM, detect ambiguity); Enumerate
#                           Msvm_VirtualSystemSettingData WHERE
#                           VirtualSystemIdentifier = VM (snapshots, and the
#                           realized settings whose Parent is the current one).
#   create VM            3+P  resolve VM; Invoke CreateSnapshot (exactly once);
#                           P transfer Gets of the job (backoff 100 ms x1.5 up to
#                           1 s: a 200 ms job takes 3); Enumerate ASSOCIATORS OF
#                           the job via Msvm_AffectedJobElement to find the new
#                           snapshot (hvsim leaves ResultingSnapshot empty, as
#                           Windows does).
#     --name N           +1  Invoke ModifySystemSettings (ElementName).
#     --type T           +3  Enumerate the VM's realized settings (InstanceID and
#                           current UserSnapshotType); ModifySystemSettings to T
#                           before; ModifySystemSettings back after, even when the
#                           job fails. +1 (the Enumerate only) when the VM already
#                           has type T.
#     --no-wait          3   resolve VM; CreateSnapshot; one Get (to print the
#                           job's state with its id).
#   apply VM SNAP        3+P  resolve VM; list snapshots (resolve SNAP by name/GUID,
#                           detect ambiguity); Invoke ApplySnapshot; P Gets. A
#                           running VM: 3 (32775 comes back at once, no job).
#   delete VM SNAP [--tree] 3+P  same with DestroySnapshot / DestroySnapshotTree.
#   rename VM SNAP NEW   4   resolve VM; resolve SNAP; ModifySystemSettings
#                           (returns 0, no job); list again to read the name back
#                           as the host stored it.
#   job ID               1   one Get.
#   job ID --wait        P   Gets until the job ends.
#
# The waits poll because WS-Man gives no push for Msvm_ConcreteJob here;
# the backoff keeps a short job at 2-4 polls and a long one at 1 per second.
# VM and snapshot names are resolved with a query each time (no cache), so
# a name is never stale and ambiguity is always seen. The one round trip
# that could go: rename's read-back (list again) could be dropped when the
# host's ReturnValue 0 is trusted to have stored the name as given.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

start_hvsim verbs "$IT/cli-verbs.json"
WEIRD_VM="O'Brien \"qa\" \\lab\\ ñandú 日本"
WEIRD_SNAP="it's \"q\" \\b\\ été"
LAB=C1C1C1C1-0000-4000-8000-000000000002
BASE=5A000000-0000-4000-8000-000000000001
MID=5A000000-0000-4000-8000-000000000002
LEAF=5A000000-0000-4000-8000-000000000003
SIDE=5A000000-0000-4000-8000-000000000004
SIDE_LEAF=5A000000-0000-4000-8000-000000000005

# --- identify ----------------------------------------------------------------
hv identify
expect_rc 0 "identify"
expect_out "Vendor:    Microsoft Corporation"
expect_out "Protocol:  http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
expect_reqs all 1 "identify round trips"
expect_reqs Identify 1 "identify is one Identify"
hv --json identify
expect_rc 0 "identify --json"
jcheck 'j["product_vendor"] == "Microsoft Corporation"' \
  'j["protocol_version"] == "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"' \
  'isinstance(j["security_profiles"], list)'
ok "identify JSON fields"

# --- vms -----------------------------------------------------------------------
hv vms
expect_rc 0 "vms"
expect_out "NAME"
expect_out "STATE"
expect_out "web01"
expect_out "$WEIRD_VM"
grep -q "^lab  *$LAB  Off\$" "$TMP/out" || fail "vms row of lab: $OUT"
grep -qF "HVCLI" "$TMP/out" && fail "the host itself is listed as a VM: $OUT"
[ "$(wc -l <"$TMP/out")" = 8 ] || fail "vms: header + 7 VMs expected: $OUT"
expect_reqs all 1 "vms round trips"
ok "vms table: every VM once, not the host, names intact"
# The ID column starts at one display column on every row, though a name
# holds 日本 (two columns a character) and accents (one).
python3 -S - "$TMP/out" <<'PY' || fail "vms columns do not line up: $OUT"
import sys, unicodedata
def width(t):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in t)
starts = {width(l[:l.index(i)]) for l in open(sys.argv[1], encoding="utf-8")
          for i in [l.split()[-2]] if l.strip()}
sys.exit(0 if len(starts) == 1 else 1)
PY
ok "vms columns line up by display width"
hv vms --no-headers -o name
expect_rc 0 "vms --no-headers -o name"
[ "$(wc -l <"$TMP/out")" = 7 ] || fail "-o name: one name a line: $OUT"
grep -qx "lab" "$TMP/out" || fail "-o name lists lab alone on its line: $OUT"
grep -q "NAME\|$LAB" "$TMP/out" && fail "-o name prints names only: $OUT"
hv vms -o wide
expect_rc 0 "vms -o wide"
grep -q "^lab  *$LAB  Off  *3\$" "$TMP/out" || fail "-o wide: lab with its state code: $OUT"
hv vms --no-headers
grep -q "NAME" "$TMP/out" && fail "--no-headers printed the header: $OUT"
hv vms -o tall
expect_rc 2 "vms -o with an unknown format"

hv vms --json
expect_rc 0 "vms --json"
W=$WEIRD_VM jcheck 'len(j["vms"]) == 7' \
  '[v["name"] for v in j["vms"] if v["id"] == "C1C1C1C1-0000-4000-8000-000000000003"] == [E["W"]]' \
  'all(set(v) >= {"name", "id", "state"} for v in j["vms"])' \
  '{v["name"]: v["state"] for v in j["vms"]}["web01"] == "Running"' \
  '{v["name"]: v["state"] for v in j["vms"]}["lab"] == "Off"'
ok "vms JSON: names, ids, states"

# --- list ------------------------------------------------------------------------
LC_ALL=C.UTF-8 hv list lab
expect_rc 0 "list (tree)"
expect_out "lab ($LAB)"
grep -q "leaf (current)  $LEAF" "$TMP/out" || fail "list: leaf should be marked current: $OUT"
[ "$(grep -c '(current)' "$TMP/out")" = 1 ] || fail "list: exactly one current: $OUT"
# the tree: base at the root, mid and side under it, leaves one deeper
grep -q "^└─ base  $BASE" "$TMP/out" || fail "list: base is the root: $OUT"
grep -q "^   ├─ mid  $MID" "$TMP/out" || fail "list: mid under base: $OUT"
grep -q "^   │  └─ leaf (current)" "$TMP/out" || fail "list: leaf under mid: $OUT"
grep -q "^   └─ side  $SIDE" "$TMP/out" || fail "list: side last under base: $OUT"
grep -q "^      └─ side-leaf  $SIDE_LEAF" "$TMP/out" || fail "list: side-leaf under side: $OUT"
expect_reqs all 2 "list round trips"
expect_reqs Enumerate 2 "list: resolve VM + one settings query"
# A terminal without UTF-8 gets the same tree in ASCII.
LC_ALL=C hv list lab
expect_rc 0 "list (tree) in the C locale"
grep -q "^\`- base  $BASE" "$TMP/out" || fail "ASCII list: base is the root: $OUT"
grep -q "^   |- mid  $MID" "$TMP/out" || fail "ASCII list: mid under base: $OUT"
grep -q "^   |  \`- leaf (current)" "$TMP/out" || fail "ASCII list: leaf under mid: $OUT"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$TMP/out" && fail "non-ASCII bytes in the C locale's tree: $OUT"
ok "ASCII tree under a locale without UTF-8"
ok "list tree shape and (current) mark"

hv list "$(echo "$LAB" | tr 'A-F' 'a-f')" --json
expect_rc 0 "list by lower-case GUID, --json"
P="{s['name']: s for s in j['snapshots']}"
jcheck 'j["vm"]["name"] == "lab"' 'len(j["snapshots"]) == 5' \
  "$P['leaf']['parent_id'] == '$MID'" "$P['mid']['parent_id'] == '$BASE'" \
  "$P['side-leaf']['parent_id'] == '$SIDE'" "$P['base']['parent_id'] is None" \
  '[s["name"] for s in j["snapshots"] if s["current"]] == ["leaf"]' \
  'all(set(s) >= {"id", "instance_id", "name", "parent_id", "created", "current"} for s in j["snapshots"])' \
  "$P['mid']['instance_id'] == 'Microsoft:$MID'" "$P['base']['created'].startswith('2025-01-02T03:04:05')"
ok "list JSON fields, parents, current"

hv list "$WEIRD_VM"
expect_rc 0 "list VM named with quotes, backslashes and non-ASCII"
expect_out "$WEIRD_VM (C1C1C1C1-0000-4000-8000-000000000003)"
expect_out "$WEIRD_SNAP (current)"
hv list "$WEIRD_VM" --json
W=$WEIRD_VM S=$WEIRD_SNAP jcheck '[s["name"] for s in j["snapshots"] if s["current"]] == [E["S"]]' \
  'j["vm"]["name"] == E["W"]'
ok "weird names both directions (WQL literal out, JSON/text back)"

hv list disabled-type
expect_rc 0 "list of a VM without snapshots"
expect_out "no snapshots"

# --- not found and ambiguous --------------------------------------------------------
hv list nosuch
expect_rc 5 "unknown VM"
expect_err "no VM named 'nosuch'"
hv list HVCLI
expect_rc 5 "the host is not a VM"
hv list "O'Brien"
expect_rc 5 "a prefix of a quoted name is not a match (the quote is escaped)"
hv list dup
expect_rc 5 "ambiguous VM"
expect_err "2 VMs are named 'dup'"
expect_err "C1C1C1C1-0000-4000-8000-000000000004"
expect_err "C1C1C1C1-0000-4000-8000-000000000005"
hv list dup --json
expect_rc 5 "ambiguous VM, --json"
jcheck 'j["error"]["kind"] == "ambiguous"' '"dup" in j["error"]["message"]' \
  '"C1C1C1C1-0000-4000-8000-000000000004" in j["error"]["detail"]' \
  '"C1C1C1C1-0000-4000-8000-000000000005" in j["error"]["detail"]' 'sorted(j) == ["error", "schema_version"]' \
  'sorted(c["id"] for c in j["error"]["candidates"]) == ["C1C1C1C1-0000-4000-8000-000000000004", "C1C1C1C1-0000-4000-8000-000000000005"]' \
  'sorted(c["state"] for c in j["error"]["candidates"]) == ["Off", "Running"]'
[ -z "$ERR" ] || fail "--json error should go to stdout only, stderr: $ERR"
ok "ambiguous VM JSON lists both candidates"
hv list C1C1C1C1-0000-4000-8000-000000000005
expect_rc 0 "one of two same-named VMs by GUID"

hv apply lab nosuch
expect_rc 5 "unknown snapshot"
expect_err "VM 'lab' has no snapshot 'nosuch'"
expect_reqs ApplySnapshot 0 "nothing applied for an unknown snapshot"
hv apply lab 5A000000-0000-4000-8000-00000000FFFF --json
expect_rc 5 "unknown snapshot GUID, --json"
jcheck 'j["error"]["kind"] == "not_found"' 'j["error"]["message"]'
hv apply "$WEIRD_VM" twin
expect_rc 5 "ambiguous snapshot"
expect_err "2 snapshots of '$WEIRD_VM' are named 'twin'"
expect_err "5B000000-0000-4000-8000-000000000002"
expect_err "5B000000-0000-4000-8000-000000000003"
expect_reqs ApplySnapshot 0 "nothing applied for an ambiguous snapshot"
hv apply "$WEIRD_VM" twin --json
expect_rc 5 "ambiguous snapshot, --json"
jcheck 'j["error"]["kind"] == "ambiguous"' '"5B000000-0000-4000-8000-000000000002" in j["error"]["detail"]' \
  '"5B000000-0000-4000-8000-000000000003" in j["error"]["detail"]' \
  'sorted(c["id"] for c in j["error"]["candidates"]) == ["5B000000-0000-4000-8000-000000000002", "5B000000-0000-4000-8000-000000000003"]' \
  'all(c["created"] for c in j["error"]["candidates"])'

# --- create ----------------------------------------------------------------------------
hv create lab --json
expect_rc 0 "create --json"
NEW=$(json_get 'j["snapshot"]["id"]')
NEW_JOB=$(json_get 'j["job"]["id"]')
jcheck "j['vm']['name'] == 'lab' and j['vm']['id'] == '$LAB'" 'j["vm"]["state"] and "state_code" in j["vm"]' \
  'sorted(j["snapshot"]) == ["created", "current", "id", "instance_id", "kind", "name", "parent_id", "saved", "type"]' \
  'j["snapshot"]["current"] is True' 'j["schema_version"] == 2' 'j["job"]["name"] is not None' \
  'j["snapshot"]["instance_id"] == "Microsoft:" + j["snapshot"]["id"]' \
  "j['snapshot']['parent_id'] == '$LEAF'" 'j["snapshot"]["name"].startswith("lab - (")' \
  'j["snapshot"]["created"]' 'j["job"]["state"] == "Completed"' 'j["job"]["elapsed_ms"] >= 150'
expect_reqs CreateSnapshot 1 "exactly one CreateSnapshot"
expect_reqs ModifySystemSettings 0 "plain create changes no settings"
expect_reqs Enumerate 2 "create: resolve VM + AffectedJobElement, no read-back (current is known)"
GETS=$(reqs Get)
[ "$GETS" -ge 2 ] && [ "$GETS" -le 8 ] || fail "create polled $GETS times for a 200 ms job"
ok "create: $(reqs all) round trips ($GETS job polls)"
[ "$(snaps lab "ids['$NEW']['current']")" = True ] || fail "new snapshot is current"
ok "hvsim has the new snapshot, current"

hv create lab
expect_rc 0 "create (human)"
expect_out 'Created checkpoint "lab - ('
expect_out "  parent:  $NEW"
expect_out "(Completed, "
expect_reqs CreateSnapshot 1 "exactly one CreateSnapshot (human)"

hv create "$WEIRD_VM" --name "nightly \"v2\" \\ ü 🙂'"
expect_rc 0 "create --name with quotes, backslash, non-ASCII, on a weird VM"
expect_out "Created checkpoint \"nightly \"v2\" \\ ü 🙂'\" of $WEIRD_VM"
expect_reqs CreateSnapshot 1 "create --name: one CreateSnapshot"
expect_reqs ModifySystemSettings 1 "create --name: one rename"
[ "$(snaps "$WEIRD_VM" "[x['name'] for x in j['snapshots'] if x['current']][0]")" = "nightly \"v2\" \\ ü 🙂'" ] \
  || fail "hvsim has the new name"
ok "create --name stored on the host"

hv create lab --name "$(printf 'x%.0s' $(seq 101))"
expect_rc 2 "create --name of 101 characters"
expect_reqs CreateSnapshot 0 "no checkpoint for a bad name"

# --type: a VM whose checkpoints are Disabled can checkpoint only if the type
# really is changed for the job; it is Disabled (2) again afterwards.
[ "$(wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = 'C1C1C1C1-0000-4000-8000-000000000006' AND VirtualSystemType = 'Microsoft:Hyper-V:System:Realized'" UserSnapshotType)" = 2 ] \
  || fail "disabled-type starts Disabled"
hv create disabled-type --type standard --json
expect_rc 0 "create --type standard on a VM with checkpoints Disabled"
expect_reqs ModifySystemSettings 2 "--type: set and put back"
expect_reqs CreateSnapshot 1 "--type: one CreateSnapshot"
expect_reqs Enumerate 3 "--type: VM, realized settings, AffectedJobElement"
[ "$(wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = 'C1C1C1C1-0000-4000-8000-000000000006' AND VirtualSystemType = 'Microsoft:Hyper-V:System:Realized'" UserSnapshotType)" = 2 ] \
  || fail "UserSnapshotType not put back to Disabled"
ok "UserSnapshotType used for the checkpoint and put back (2)"

# ProductionOnly without guest VSS fails in the job; the type still goes back.
hv create no-vss --type production-only
expect_rc 1 "create --type production-only without guest VSS fails"
expect_reqs ModifySystemSettings 2 "--type on a failing job: set and put back"
expect_reqs CreateSnapshot 1 "failing --type create: one CreateSnapshot"
[ "$(wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = 'C1C1C1C1-0000-4000-8000-000000000007' AND VirtualSystemType = 'Microsoft:Hyper-V:System:Realized'" UserSnapshotType)" = 5 ] \
  || fail "UserSnapshotType not put back to Standard after a failed job"
ok "UserSnapshotType put back after a failed checkpoint"

hv create web01 --type production
expect_rc 0 "create --type production on a Production VM"
expect_reqs ModifySystemSettings 0 "no settings change when the type already matches"
expect_reqs Enumerate 3 "--type already set: VM, realized settings, AffectedJobElement"
WEB_SNAP=$(snaps web01 "j['snapshots'][0]['id']")

hv create lab --type bogus
expect_rc 2 "create --type bogus"
expect_reqs all 0 "a bad --type sends nothing"

# --- apply ---------------------------------------------------------------------------
hv apply lab mid
expect_rc 0 "apply (human)"
expect_out "Applied checkpoint \"mid\" ($MID) to lab"
expect_reqs ApplySnapshot 1 "one ApplySnapshot"
expect_reqs Enumerate 4 "apply: resolve VM and snapshot, then both read back"
[ "$(snaps lab "ids['$MID']['current']")" = True ] || fail "mid is current after apply"
ok "apply made mid current on the host"

hv apply lab "Microsoft:$(echo "$BASE" | tr 'A-F' 'a-f')" --json
expect_rc 0 "apply by Microsoft:guid, --json"
jcheck "j['snapshot']['id'] == '$BASE'" 'j["job"]["state"] == "Completed"' 'j["vm"]["name"] == "lab"' \
  'j["snapshot"]["current"] is True'   # the value after the apply, not before
[ "$(snaps lab "ids['$BASE']['current']")" = True ] || fail "base is current after apply"

hv apply "$WEIRD_VM" "$WEIRD_SNAP"
expect_rc 0 "apply a snapshot named with quotes/backslashes/non-ASCII"
hv apply "$WEIRD_VM" 5B000000-0000-4000-8000-000000000003
expect_rc 0 "apply one of two same-named snapshots by GUID"
[ "$(snaps "$WEIRD_VM" "ids['5B000000-0000-4000-8000-000000000003']['current']")" = True ] || fail "twin #2 current"

hv apply web01 "$WEB_SNAP"
expect_rc 1 "apply on a running VM"
expect_err "Invalid state for this operation"
expect_err "Off or Saved"
expect_reqs Get 0 "32775 comes at once: no job to poll"
hv apply web01 "$WEB_SNAP" --json
expect_rc 1 "apply on a running VM, --json"
jcheck 'j["error"]["code"] == 32775' 'j["error"]["kind"] == "failed"' \
  '"Invalid state" in j["error"]["message"]'

# --- rename ----------------------------------------------------------------------------
hv rename lab side "side \"B\" \\ ñ"
expect_rc 0 "rename (human)"
expect_out "Renamed checkpoint $SIDE of lab to \"side \"B\" \\ ñ\""
expect_reqs ModifySystemSettings 1 "rename: one ModifySystemSettings"
expect_reqs all 4 "rename round trips"
[ "$(snaps lab "ids['$SIDE']['name']")" = "side \"B\" \\ ñ" ] || fail "rename stored on the host"
hv rename lab "side \"B\" \\ ñ" side2 --json
expect_rc 0 "rename by a quoted name, --json"
jcheck 'j["snapshot"]["name"] == "side2"' "j['snapshot']['id'] == '$SIDE'"
hv rename lab side2 "$(printf 'é%.0s' $(seq 100))"
expect_rc 0 "rename to 100 non-ASCII characters (characters, not bytes)"
hv rename lab "$SIDE" "$(printf 'r%.0s' $(seq 101))"
expect_rc 2 "rename to 101 characters"
expect_err "at most 100 characters"
expect_reqs ModifySystemSettings 0 "a too long name is not sent"
hv rename lab "$SIDE" ""
expect_rc 2 "rename to an empty name"
hv rename lab "$SIDE" "$(printf 'a\tb')"
expect_rc 2 "rename to a name with a control character"
hv rename lab "$SIDE" side
expect_rc 0 "rename back"

# --- delete (children move up) and delete --tree ------------------------------------------
hv delete lab mid
expect_rc 0 "delete (human)"
expect_out "Deleted checkpoint \"mid\" ($MID) of lab"
expect_reqs DestroySnapshot 1 "one DestroySnapshot"
[ "$(snaps lab "'$MID' in ids")" = False ] || fail "mid still there"
[ "$(snaps lab "ids['$LEAF']['parent_id']")" = "$BASE" ] || fail "leaf re-parented to base"
ok "delete re-parents the children on the host"

hv delete lab side --tree --json
expect_rc 0 "delete --tree --json"
jcheck "j['snapshot']['id'] == '$SIDE'" 'j["job"]["state"] == "Completed"' \
  'j["snapshot"]["current"] is False' 'j["snapshot"]["deleted"] is True'
expect_reqs DestroySnapshotTree 1 "one DestroySnapshotTree"
expect_reqs DestroySnapshot 0 "--tree is not DestroySnapshot"
[ "$(snaps lab "sorted(x['id'] for x in j['snapshots'] if x['id'] in ('$SIDE', '$SIDE_LEAF'))")" = "[]" ] \
  || fail "side and side-leaf gone"
[ "$(snaps lab "'$LEAF' in ids and '$BASE' in ids")" = True ] || fail "the rest of the tree stays"
ok "delete --tree removed exactly the subtree"

hv delete lab side
expect_rc 5 "delete of a deleted snapshot"

# --- job ---------------------------------------------------------------------------------
hv job "$NEW_JOB"
expect_rc 0 "job (human)"
expect_out "Job $NEW_JOB"
expect_out "state:    Completed (7)"
expect_out "progress: 100%"
expect_reqs all 1 "job: one Get"
hv job "$NEW_JOB" --json
expect_rc 0 "job --json"
jcheck "j['job']['id'] == '$NEW_JOB'" 'j["job"]["state"] == "Completed"' 'j["job"]["percent"] == 100' \
  'j["job"]["error_description"] is None'
hv job "$NEW_JOB" --wait --json
expect_rc 0 "job --wait on an ended job"
expect_reqs Get 1 "an ended job needs one Get"
hv job 00000000-0000-4000-8000-000000000000
expect_rc 5 "job that never existed"
expect_err "does not exist"
expect_err "5 minutes"

stop_hvsim
finish
