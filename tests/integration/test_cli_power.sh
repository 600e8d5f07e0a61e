# hvsnap's VM power and CI reset verbs against hvsim: show, start, stop
# (graceful through InitiateShutdown, refused without integration
# services, --turn-off), save/pause/resume, wait (--ready, --ip, --state,
# running out), reset (turn-off strictly before the one ApplySnapshot,
# start after, ready at the end; to the checkpoint last applied; --no-start;
# a missing checkpoint changes nothing), and policy (set and read back; a
# host whose ModifySystemSettings changes nothing is an error). Checked by
# exit code, output, hvsim's state and its request log.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

# invokes: the Invoke methods of the last hv command, in order, each with
# its RequestedState when it has one ("RequestStateChange=3").
invokes() {
  python3 -S - "$LOG" "$MARK" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[int(sys.argv[2]):]:
    r = json.loads(line)
    if r.get("method") and not r.get("fault"):
        p = r.get("params") or {}
        out.append(r["method"] + ("=" + p["RequestedState"] if "RequestedState" in p else ""))
print(" ".join(out))
PY
}
expect_invokes() { # WANT WHAT
  local got
  got=$(invokes)
  [ "$got" = "$1" ] || fail "$2: invokes '$got', expected '$1'"
  ok "$2: $1"
}
state_of() { # VM: its state as hvsnap vms --json says
  run_hvsnap "${HV[@]}" --json vms
  python3 -S -c 'import json,sys
print([v["state"] for v in json.load(open(sys.argv[1]))["vms"] if v["name"] == sys.argv[2]][0])' \
    "$TMP/out" "$1"
}

start_hvsim power "$IT/cli-power.json"

# --- show -----------------------------------------------------------------------
hv show ci-vm --json
expect_rc 0 "show a running VM"
jcheck 'j["vm"]["name"] == "ci-vm"' 'j["vm"]["state"] == "Running"' 'j["vm"]["state_code"] == 2' \
  'j["vm"]["heartbeat"] == "ok"' '"192.0.2.10" in j["vm"]["addresses"]' \
  '"169.254.7.8" in j["vm"]["addresses"]' '"2001:db8::10" in j["vm"]["addresses"]' \
  'j["vm"]["checkpoint_type"] == "standard"' 'j["vm"]["automatic_checkpoints"] is False' \
  'j["vm"]["current_snapshot"]["name"] == "dirty"' \
  'j["vm"]["current_snapshot"]["id"] == "DDDDDDDD-0000-4000-8000-000000000002"'
expect_reqs all 4 "show of a running VM: VM, settings+checkpoints, heartbeat, KVP"
hv show prod-vm --json
expect_rc 0 "show an off VM"
jcheck 'j["vm"]["state"] == "Off"' 'j["vm"]["heartbeat"] is None' 'j["vm"]["addresses"] == []' \
  'j["vm"]["checkpoint_type"] == "production"' 'j["vm"]["current_snapshot"] is None'
expect_reqs all 2 "show of an off VM: no guest queries"
hv show ci-vm
expect_rc 0 "show in text"
expect_out "heartbeat:             OK"
expect_out "192.0.2.10"
expect_out 'current checkpoint:    "dirty"'
hv show nosuch
expect_rc 5 "show of a VM that does not exist"
# Names compare without case, as on Windows, non-ASCII capitals included;
# ids may come in braces.
hv show 'ÉTÉ-ΩMEGA-ЖУК' --json
expect_rc 0 "a VM named in other (non-ASCII) case"
jcheck 'j["vm"]["name"] == "été-ωmega-жук"'
hv show '{55555555-2222-4333-8444-555555555508}' --json
expect_rc 0 "a VM by its id in braces"
jcheck 'j["vm"]["id"] == "55555555-2222-4333-8444-555555555508"'
hv list 'été-ωmega-жук' --json
expect_rc 0 "list of the non-ASCII VM"
hv reset 'été-ωmega-жук' 'äRGER' --no-start --json
expect_rc 0 "a checkpoint named in other (non-ASCII) case"
jcheck 'j["snapshot"]["name"] == "Ärger"'
hv reset 'été-ωmega-жук' twin --no-start --json
expect_rc 0 "an exact name wins over a match in other case"
jcheck 'j["snapshot"]["id"] == "DDDDDDDD-0000-4000-8000-000000000009"'
hv reset 'été-ωmega-жук' Twin --no-start --json
expect_rc 5 "a name matching two checkpoints in other case is ambiguous"
hv reset 'été-ωmega-жук' '{dddddddd-0000-4000-8000-000000000008}' --no-start --json
expect_rc 0 "a checkpoint by its id in braces, lower case"
jcheck 'j["snapshot"]["name"] == "Ärger"'

hv show dup
expect_rc 5 "show of an ambiguous name"

# --- stop: graceful, refused, hard ----------------------------------------------
hv stop noic
expect_rc 1 "stop a VM without integration services"
expect_err "no working shutdown component"
expect_err "hvsnap stop noic --turn-off"
expect_invokes "" "no guest to ask: nothing invoked, no hard off"
[ "$(state_of noic)" = Running ] || fail "the VM without integration services was left running"
ok "stop without integration services left the VM running"

hv stop ci-vm --json
expect_rc 0 "graceful stop"
jcheck 'j["vm"]["state"] == "Off"'
expect_invokes "InitiateShutdown" "graceful stop: InitiateShutdown, no RequestStateChange"
[ "$(state_of ci-vm)" = Off ] || fail "ci-vm is not Off after stop"

hv stop never --turn-off --json
expect_rc 0 "stop --turn-off"
jcheck 'j["vm"]["state"] == "Off"' 'j["job"]["state"] == "Completed"'
expect_invokes "RequestStateChange=3" "--turn-off: RequestStateChange 3"
hv stop never --turn-off
expect_rc 1 "turning off a VM that is off"
expect_err "Invalid state"

hv stop prod-vm --turn-off --force
expect_rc 2 "--turn-off with --force"

# --- start --wait-ready: heartbeat OK only after the boot time ------------------
hv start ci-vm --wait-ready --json
expect_rc 0 "start --wait-ready"
jcheck 'j["vm"]["state"] == "Running"' 'j["elapsed_ms"] >= 1500'
expect_invokes "RequestStateChange=2" "start: RequestStateChange 2"
[ "$(reqs Enumerate)" -ge 4 ] || fail "the heartbeat was read only $(reqs Enumerate) times"
ok "heartbeat polled until the boot time passed"

hv wait ci-vm --ip --json
expect_rc 0 "wait --ip"
jcheck 'j["heartbeat"] == "ok"' '"192.0.2.10" in j["addresses"]'
hv wait ci-vm --ip
expect_out "address 192.0.2.10"
expect_rc 0 "wait --ip names the routable address, not the link-local one"

# --- a wait that runs out: exit 6, says what it waited for ----------------------
hv start booting
expect_rc 0 "start a VM with a minute-long boot"
hv wait booting --ready --wait-timeout 1
expect_rc 6 "wait --ready that runs out"
expect_err "gave up waiting for its guest's heartbeat"
expect_err "heartbeat no_contact"
hv wait booting --ip --wait-timeout 1 --json
expect_rc 6 "wait --ip that runs out, --json"
jcheck 'j["error"]["kind"] == "timeout"' '"IPv4" in j["error"]["message"]'
hv wait booting --state off --wait-timeout 1
expect_rc 6 "wait --state off on a running VM"
hv wait booting
expect_rc 2 "wait without a condition"
hv wait booting --state sleeping
expect_rc 2 "wait --state with an unknown state"

# --- save, pause, resume -------------------------------------------------------
hv pause ci-vm --json
expect_rc 0 "pause"
jcheck 'j["vm"]["state"] == "Paused"'
expect_invokes "RequestStateChange=9" "pause: RequestStateChange 9"
hv resume ci-vm --json
expect_rc 0 "resume"
jcheck 'j["vm"]["state"] == "Running"'
expect_invokes "RequestStateChange=2" "resume: RequestStateChange 2"
hv save ci-vm --json
expect_rc 0 "save"
jcheck 'j["vm"]["state"] == "Saved"'
expect_invokes "RequestStateChange=6" "save: RequestStateChange 6"
hv pause ci-vm
expect_rc 1 "pausing a saved VM"
expect_err "cannot pause it from that state"

# --- reset -----------------------------------------------------------------------
hv start ci-vm
expect_rc 0 "start ci-vm again"
hv reset ci-vm clean --wait-ready --wait-ip
expect_rc 0 "reset of a running VM"
expect_invokes "RequestStateChange=3 ApplySnapshot RequestStateChange=2" \
  "reset: turn-off strictly before the one ApplySnapshot, start after"
expect_out "turned off in"
expect_out 'applied "clean" in'
expect_out "started in"
expect_out "heartbeat OK after"
expect_out "address 192.0.2.10 after"
tail -1 "$TMP/out" | grep -q '^reset ci-vm to "clean" in' || fail "no closing line: $OUT"
python3 -S - "$LOG" "$MARK" <<'PY' || fail "the heartbeat was not read after the start"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]]
start = max(i for i, r in enumerate(rows) if r.get("method") == "RequestStateChange")
assert any("Heartbeat" in (r.get("resource_uri") or "") or "Enumerate" in (r.get("action") or "")
           for r in rows[start + 1:])
PY
ok "ready is checked after the start"
[ "$(snaps ci-vm '[x["name"] for x in j["snapshots"] if x["current"]]')" = "['clean']" ] \
  || fail "clean is not current after the reset"
ok "clean is current after the reset"

hv reset ci-vm clean --json --wait-ready
expect_rc 0 "reset to the checkpoint last applied"
expect_invokes "RequestStateChange=3 ApplySnapshot RequestStateChange=2" \
  "the last-applied checkpoint is applied again"
jcheck '[s["stage"] for s in j["stages"]] == ["turn_off", "apply", "start", "ready"]' \
  'all(s["ok"] for s in j["stages"])' 'j["snapshot"]["name"] == "clean"' \
  'j["vm"]["state"] == "Running"' 'all(s["elapsed_ms"] >= 0 for s in j["stages"])'

hv reset ci-vm clean --no-start --json
expect_rc 0 "reset --no-start"
expect_invokes "RequestStateChange=3 ApplySnapshot" "--no-start: no start after the apply"
jcheck '[s["stage"] for s in j["stages"]] == ["turn_off", "apply"]' 'j["vm"]["state"] == "Saved"'
hv reset ci-vm clean --json
expect_rc 0 "reset of a saved VM"
expect_invokes "ApplySnapshot RequestStateChange=2" "a saved VM is applied without a turn-off"

hv reset prod-vm base --json
expect_rc 0 "reset to a production checkpoint (comes back Off)"
jcheck '[s["stage"] for s in j["stages"]] == ["apply", "start"]' 'j["vm"]["state"] == "Running"'

hv reset prod-vm nightly
expect_rc 2 "reset to a recovery checkpoint named by name"
expect_invokes "" "a recovery checkpoint is refused before anything changes"
hv reset prod-vm DDDDDDDD-0000-4000-8000-000000000004
expect_rc 2 "reset to a recovery checkpoint by GUID without --force"
hv reset prod-vm DDDDDDDD-0000-4000-8000-000000000004 --force --no-start
expect_rc 0 "reset to a recovery checkpoint by GUID with --force"
expect_invokes "RequestStateChange=3 ApplySnapshot" "--force: the recovery checkpoint is applied"

hv reset ci-vm nosuch
expect_rc 5 "reset to a checkpoint that does not exist"
expect_invokes "" "nothing changes when the checkpoint is missing"
hv reset ci-vm clean --no-start --wait-ready
expect_rc 2 "--no-start with --wait-ready"

hv reset never clean
expect_rc 5 "reset of a VM without that checkpoint"
hv start never
hv reset never s1 2>/dev/null || true

# A reset whose ready wait runs out names the stage and the VM's state.
hv stop never --turn-off
run_hvsnap "${HV[@]}" create never --name s1
hv reset never s1 --wait-ready --wait-timeout 2 --json
expect_rc 6 "reset whose ready wait runs out"
jcheck 'j["error"]["stage"] == "ready"' '"stage ready" in j["error"]["message"]' \
  '"the VM is now Running" in j["error"]["detail"]' \
  '[s["stage"] for s in j["stages"]][-1] == "ready" and not j["stages"][-1]["ok"]'

# --- policy ---------------------------------------------------------------------
hv policy prod-vm --json
expect_rc 0 "policy show"
jcheck 'j["checkpoint_type"] == "production"' 'j["automatic_checkpoints"] is False'
hv policy prod-vm --type standard --auto-checkpoints on --json
expect_rc 0 "policy set"
jcheck 'j["checkpoint_type"] == "standard"' 'j["automatic_checkpoints"] is True' 'j["changed"]'
expect_invokes "ModifySystemSettings" "policy set: one ModifySystemSettings"
[ "$(wql "SELECT * FROM Msvm_VirtualSystemSettingData WHERE VirtualSystemIdentifier = '55555555-2222-4333-8444-555555555502' AND VirtualSystemType = 'Microsoft:Hyper-V:System:Realized'" UserSnapshotType AutomaticSnapshotsEnabled)" = "$(printf '5\ttrue')" ] \
  || fail "hvsim's settings did not change"
ok "policy set is stored on the host"
hv policy prod-vm --type disabled
expect_rc 0 "policy --type disabled"
expect_out "checkpoint type:       disabled"
hv policy prod-vm --type sometimes
expect_rc 2 "policy with an unknown type"
hv policy prod-vm --auto-checkpoints maybe
expect_rc 2 "policy with a bad --auto-checkpoints"
stop_hvsim

start_hvsim noop "$IT/cli-power-noop.json"
hv policy stuck --type production
expect_rc 1 "policy on a host whose ModifySystemSettings changes nothing"
expect_err "reported success but VM stuck's checkpoint policy did not change"
expect_err "checkpoint type is still standard, not production"
hv policy stuck --auto-checkpoints on --json
expect_rc 1 "the same, automatic checkpoints, --json"
jcheck 'j["error"]["kind"] == "failed"' '"automatic checkpoints are still off" in j["error"]["detail"]'
stop_hvsim
finish
