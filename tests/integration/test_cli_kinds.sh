# Checkpoint kinds and settings through the CLI against hvsim (issue 11):
# the exact SnapshotType and SnapshotSettings each create option sends (from
# hvsim's request log, which records an embedded instance's properties),
# usage errors that send nothing, list's kinds and saved state with
# recovery checkpoints hidden unless --include-recovery, apply/rename's
# refusal of recovery checkpoints (by name: always; by GUID: unless
# --force), clear-state, and refpoint convert -> list -> delete under both
# documented ReferencePointType numberings.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

KINDS_VM=6B000000-0000-4000-8000-000000000001
USER=6C000000-0000-4000-8000-000000000001
BACKUP=6C000000-0000-4000-8000-000000000002
WEIRD=6C000000-0000-4000-8000-000000000003
LOGRP=6D000000-0000-4000-8000-000000000001
NIGHTLY=6E000000-0000-4000-8000-000000000002

# sent METHOD EXPR: a Python expression on the params (p) of the last
# METHOD request of the last hv command, as hvsim logged them.
sent() {
  python3 -S - "$LOG" "$MARK" "$1" "$2" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8").read().splitlines()[int(sys.argv[2]):]]
rows = [r for r in rows if r.get("method") == sys.argv[3] and not r.get("fault")]
if not rows:
    sys.exit("no %s request was sent" % sys.argv[3])
p = rows[-1]["params"]
print(eval(sys.argv[4]))
PY
}
expect_sent() { # METHOD EXPR WANT WHAT
  local got
  got=$(sent "$1" "$2") || fail "$4: $got"
  [ "$got" = "$3" ] || fail "$4: $2 is '$got', expected '$3'"
  ok "$4"
}
SETTINGS_CLASS=Msvm_VirtualSystemSnapshotSettingData

start_hvsim kinds "$IT/cli-kinds.json"

# --- create: SnapshotType and SnapshotSettings, exactly --------------------------
# create_case WHAT TYPE PROPS OPTIONS...: PROPS is the Python repr of the
# settings' properties, or "" for an empty SnapshotSettings.
create_case() {
  local what=$1 type=$2 props=$3; shift 3
  hv --json create kinds "$@"
  expect_rc 0 "create $what"
  expect_reqs CreateSnapshot 1 "create $what: one CreateSnapshot"
  expect_sent CreateSnapshot 'p["SnapshotType"]' "$type" "create $what: SnapshotType $type"
  if [ -z "$props" ]; then
    expect_sent CreateSnapshot 'repr(p["SnapshotSettings"])' "''" "create $what: SnapshotSettings is \"\""
  else
    expect_sent CreateSnapshot 'p["SnapshotSettings"]["class"]' "$SETTINGS_CLASS" "create $what: settings class"
    expect_sent CreateSnapshot 'p["SnapshotSettings"]["properties"]' "$props" "create $what: settings exactly"
  fi
}
create_case "(defaults)" 2 ""
jcheck 'j["snapshot"]["kind"] == "checkpoint"' 'j["snapshot"]["saved"] is True' \
  'j["snapshot"]["type"] == "Microsoft:Hyper-V:Snapshot:Realized"' 'j["snapshot"]["current"] is True'
ok "a full Standard checkpoint of a running VM: kind checkpoint, saved, current"
NEWFULL=$(json_get 'j["snapshot"]["id"]')
hv --json list kinds
expect_rc 0 "list --json after a create"
jcheck "[s['id'] for s in j['snapshots'] if s['current']] == ['$NEWFULL']"
ok "create's current: true is what the host says (list reads it back)"
create_case "--kind full" 2 "" --kind full
create_case "--kind disk" 3 "" --kind disk
jcheck 'j["snapshot"]["kind"] == "checkpoint"' 'j["snapshot"]["saved"] is False'
ok "a disk checkpoint holds no saved state"
create_case "--consistency application" 2 "{'ConsistencyLevel': '1'}" --consistency application
create_case "--consistency crash" 2 "{'ConsistencyLevel': '2'}" --consistency crash
create_case "--ignore-non-snapshottable-disks" 2 "{'IgnoreNonSnapshottableDisks': 'true'}" \
  --ignore-non-snapshottable-disks
create_case "--guest-backup-type full" 2 "{'GuestBackupType': '1'}" --guest-backup-type full
create_case "--guest-backup-type copy" 2 "{'GuestBackupType': '2'}" --guest-backup-type copy
create_case "--kind disk --consistency crash" 3 "{'ConsistencyLevel': '2'}" --kind disk --consistency crash
create_case "recovery, every setting" 32768 \
  "{'ConsistencyLevel': '2', 'IgnoreNonSnapshottableDisks': 'true', 'GuestBackupType': '2'}" \
  --kind recovery --consistency crash --ignore-non-snapshottable-disks --guest-backup-type copy
jcheck 'j["snapshot"]["kind"] == "recovery"' 'j["snapshot"]["saved"] is False' \
  'j["snapshot"]["type"] == "Microsoft:Hyper-V:Snapshot:Recovery"' 'j["snapshot"]["current"] is False'
ok "the new recovery checkpoint is found through the job and reported as recovery, not current"
NEWREC=$(json_get 'j["snapshot"]["id"]')
create_case "recovery, application" 32768 "{'ConsistencyLevel': '1', 'IgnoreNonSnapshottableDisks': 'true'}" \
  --kind recovery --consistency application --ignore-non-snapshottable-disks
hv create kinds --kind recovery --name "named backup"
expect_rc 0 "create --kind recovery --name (text)"
expect_out "kind:    recovery"
expect_reqs ModifySystemSettings 1 "a recovery checkpoint is named afterwards"
NAMEDREC=$(grep -oE '[0-9A-F]{8}-[0-9A-F-]{27}' "$TMP/out" | head -1)

for bad in "--kind big" "--consistency none" "--guest-backup-type diff" "--kind 2"; do
  # shellcheck disable=SC2086
  hv create kinds $bad
  expect_rc 2 "create $bad"
  expect_reqs all 0 "create $bad sends nothing"
done
hv --json create kinds --consistency sometimes
expect_rc 2 "create --consistency sometimes --json"
jcheck 'j["error"]["kind"] == "usage"' '"application or crash" in j["error"]["message"]'
hv list kinds --kind disk
expect_rc 2 "--kind belongs to create"
hv create kinds --include-recovery
expect_rc 2 "--include-recovery belongs to list"

# --- list: kinds, saved state, recovery hidden --------------------------------------
hv --json list kinds
expect_rc 0 "list --json"
jcheck 'not [s for s in j["snapshots"] if s["kind"] == "recovery"]' \
  'j["hidden_recovery"] == 4' \
  '{s["name"]: s["kind"] for s in j["snapshots"] if s["name"] in ("user","weird","gone","copy","plan")} == {"user": "checkpoint", "weird": "other", "gone": "missing", "copy": "replica", "plan": "other"}' \
  '[s["type"] for s in j["snapshots"] if s["name"] == "weird"] == ["Microsoft:Hyper-V:Snapshot:Weird"]' \
  '[s["saved"] for s in j["snapshots"] if s["name"] == "weird"] == [True]' \
  '[s["saved"] for s in j["snapshots"] if s["name"] == "gone"] == [False]' \
  'all(set(s) >= {"kind", "saved", "type"} for s in j["snapshots"])'
ok "list: recovery hidden, unknown and planned types listed as other, missing, replica, saved"
hv --json list kinds --include-recovery
expect_rc 0 "list --include-recovery --json"
BID=$BACKUP NID=$NEWREC jcheck '{s["id"]: s["kind"] for s in j["snapshots"]}[E["BID"]] == "recovery"' \
  '{s["id"]: s["kind"] for s in j["snapshots"]}[E["NID"]] == "recovery"' \
  'len([s for s in j["snapshots"] if s["kind"] == "recovery"]) == 4' 'j["hidden_recovery"] == 0'
ok "list --include-recovery shows them with their kind"
expect_reqs all 2 "list: resolve VM + one query, recovery or not"
hv list kinds
expect_rc 0 "list (text)"
expect_out "weird [other] (saved)"
expect_out "gone [missing]"
expect_out "copy [replica]"
expect_out "4 recovery checkpoints hidden"
grep -q "backup" "$TMP/out" && fail "a recovery checkpoint shown without --include-recovery: $OUT"
ok "text list: kinds marked, recovery hidden"
hv list kinds --include-recovery
expect_rc 0 "list --include-recovery (text)"
expect_out "backup [recovery]"

# --- apply / rename refuse recovery checkpoints -----------------------------------------
hv apply offvm nightly
expect_rc 2 "apply a recovery checkpoint by name"
expect_err "recovery checkpoint"
expect_reqs ApplySnapshot 0 "refused before ApplySnapshot"
hv apply offvm nightly --force
expect_rc 2 "apply a recovery checkpoint by name, even with --force"
expect_reqs ApplySnapshot 0 "still nothing applied"
hv --json apply offvm "$NIGHTLY"
expect_rc 2 "apply a recovery checkpoint by GUID without --force"
jcheck 'j["error"]["kind"] == "usage"' 'any("--force" in h for h in j["error"]["hints"])'
expect_reqs ApplySnapshot 0 "nothing applied without --force"
hv rename offvm nightly "renamed"
expect_rc 2 "rename a recovery checkpoint by name"
expect_reqs ModifySystemSettings 0 "refused before ModifySystemSettings"
hv rename offvm "Microsoft:$NIGHTLY" "nightly-kept" --force
expect_rc 0 "rename a recovery checkpoint by Microsoft:GUID with --force"
expect_sent ModifySystemSettings 'p["SystemSettings"]["properties"]["ElementName"]' nightly-kept "rename sent"
hv --json apply offvm "$NIGHTLY" --force
expect_rc 0 "apply a recovery checkpoint by GUID with --force"
expect_reqs ApplySnapshot 1 "one ApplySnapshot"
expect_sent ApplySnapshot 'p["Snapshot"]["selectors"]["InstanceID"]' "Microsoft:$NIGHTLY" "ApplySnapshot names it"
jcheck 'j["snapshot"]["kind"] == "recovery"'
hv apply offvm base
expect_rc 0 "apply of a user checkpoint needs no --force"
hv delete kinds weird --force
expect_rc 2 "--force does not apply to delete"

# --- clear-state ---------------------------------------------------------------------------
hv --json clear-state kinds weird
expect_rc 0 "clear-state --json"
expect_reqs ClearSnapshotState 1 "one ClearSnapshotState"
expect_sent ClearSnapshotState 'p["SnapshotSettingData"]["selectors"]["InstanceID"]' "Microsoft:$WEIRD" "ClearSnapshotState names it"
jcheck 'j["snapshot"]["saved"] is False' 'j["snapshot"]["kind"] == "other"' 'j["job"]["state"] == "Completed"'
[ "$(snaps kinds 's["weird"]["saved"]')" = False ] || fail "weird still saved"
ok "clear-state: saved state gone on the host"
hv clear-state kinds user
expect_rc 0 "clear-state (text)"
expect_out "Cleared the saved state of checkpoint \"user\""
hv clear-state kinds nosuch
expect_rc 5 "clear-state of an unknown checkpoint"

# --- refpoint convert -> list -> delete --------------------------------------------------------
hv refpoint convert kinds user
expect_rc 2 "convert a user checkpoint"
expect_err "only recovery checkpoints"
expect_reqs ConvertToReferencePoint 0 "refused before ConvertToReferencePoint"
hv --json refpoint convert kinds "$NEWREC"
expect_rc 0 "refpoint convert --json"
expect_reqs ConvertToReferencePoint 1 "one ConvertToReferencePoint"
expect_sent ConvertToReferencePoint 'p["AffectedSnapshot"]["selectors"]["InstanceID"]' "Microsoft:$NEWREC" "convert names the checkpoint"
expect_sent ConvertToReferencePoint 'repr(p["ReferencePointSettings"])' "''" "ReferencePointSettings is empty"
jcheck 'j["refpoint"]["type"] == "rct"' 'j["refpoint"]["type_code"] == 2' \
  'j["refpoint"]["consistency"] == "crash"' 'j["refpoint"]["has_associated_data"] is False' \
  'len(j["refpoint"]["rct_ids"]) == 1 and j["refpoint"]["rct_ids"][0].startswith("rctX:")' \
  'len(j["refpoint"]["disk_ids"]) == 1' "j['snapshot']['id'] == '$NEWREC'" 'j["job"]["state"] == "Completed"'
ok "convert: the new reference point through the job (RCT, crash consistent as taken)"
NEWRP=$(json_get 'j["refpoint"]["id"]')
[ "$(snaps kinds "'$NEWREC' in ids")" = False ] || fail "the converted checkpoint is still listed"
run_hvsnap "${HV[@]}" --json list kinds --include-recovery
NID=$NEWREC jcheck 'E["NID"] not in [s["id"] for s in j["snapshots"]]'
ok "the converted checkpoint is gone"
hv refpoint convert kinds "named backup"
expect_rc 0 "refpoint convert by name (text)"
expect_out "to reference point"
expect_out "rct"
hv --json refpoint list kinds
expect_rc 0 "refpoint list --json"
expect_reqs all 2 "refpoint list: resolve VM + one ASSOCIATORS query"
L=$LOGRP R=$NEWRP jcheck 'len(j["refpoints"]) == 3' \
  '{r["id"]: r["type"] for r in j["refpoints"]}[E["L"]] == "log"' \
  '{r["id"]: r["type"] for r in j["refpoints"]}[E["R"]] == "rct"' \
  '[r["has_associated_data"] for r in j["refpoints"] if r["id"] == E["L"]] == [True]' \
  '[r["consistency"] for r in j["refpoints"] if r["id"] == E["L"]] == ["crash"]' \
  '[r["rct_ids"] for r in j["refpoints"] if r["id"] == E["L"]] == [[]]' \
  '[r["type_code"] for r in j["refpoints"] if r["id"] == E["L"]] == [1]'
ok "refpoint list (class numbering 1/2): log and RCT"
hv refpoint list kinds
expect_rc 0 "refpoint list (text)"
expect_out "$LOGRP  log  crash"
expect_out "$NEWRP  rct  crash"
expect_out "rct:  rctX:"
hv --json refpoint delete kinds "Microsoft:$NEWRP"
expect_rc 0 "refpoint delete --json"
expect_reqs DestroyReferencePoint 1 "one DestroyReferencePoint"
expect_sent DestroyReferencePoint 'p["AffectedReferencePoint"]["selectors"]["InstanceID"]' "Microsoft:$NEWRP" "DestroyReferencePoint names it"
expect_sent DestroyReferencePoint 'p["AffectedReferencePoint"]["class"]' Msvm_VirtualSystemReferencePoint "on a reference point EPR"
jcheck "j['refpoint']['id'] == '$NEWRP'" 'j["job"]["state"] == "Completed"'
hv --json refpoint list kinds
R=$NEWRP jcheck 'len(j["refpoints"]) == 2' 'E["R"] not in [r["id"] for r in j["refpoints"]]'
ok "the reference point is gone"
hv refpoint delete kinds "$NEWRP"
expect_rc 5 "delete it again: not found"
hv refpoint delete kinds not-a-guid
expect_rc 2 "a reference point is named by GUID"
hv refpoint frob kinds
expect_rc 2 "unknown refpoint command"
hv refpoint list kinds extra
expect_rc 2 "refpoint list takes only VM"
hv refpoint delete kinds
expect_rc 2 "refpoint delete needs REFPOINT"
stop_hvsim

# --- the other numbering (CreateReferencePoint's 0 log / 1 RCT) --------------------------------
python3 -S -c 'import json,sys; s=json.load(open(sys.argv[1])); s["quirks"]={"reference_point_types":"method"}; json.dump(s,open(sys.argv[2],"w"))' \
  "$IT/cli-kinds.json" "$TMP/method.json"
start_hvsim method "$TMP/method.json"
hv --json refpoint convert kinds backup
expect_rc 0 "convert under the method numbering"
jcheck 'j["refpoint"]["type"] == "rct"' 'j["refpoint"]["type_code"] == 1'
ok "a lone 1 with RCT ids is RCT"
M=$(json_get 'j["refpoint"]["id"]')
hv --json refpoint list kinds
expect_rc 0 "refpoint list (method numbering)"
L=$LOGRP M=$M jcheck 'len(j["refpoints"]) == 2' \
  '[(r["type"], r["type_code"]) for r in j["refpoints"] if r["id"] == E["L"]] == [("log", 0)]' \
  '[(r["type"], r["type_code"]) for r in j["refpoints"] if r["id"] == E["M"]] == [("rct", 1)]'
ok "refpoint list (method numbering 0/1): 0 is log, so 1 is RCT"
hv refpoint delete kinds "$LOGRP"
expect_rc 0 "delete the log one"
hv --json refpoint list kinds
M=$M jcheck '[(r["id"], r["type"]) for r in j["refpoints"]] == [(E["M"], "rct")]'
ok "a lone 1 (method numbering) with RCT ids is still RCT"
stop_hvsim

finish
