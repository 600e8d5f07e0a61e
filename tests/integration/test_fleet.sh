# Fleet mode (CLI.md "Fleet mode" and "Inventory file") against one hvsim
# serving several hosts: every NDJSON line checked against hvsim's state,
# one CreateSnapshot per VM, one connection per host, batched job polls, a
# host that is down, QuotaLimit retried without running an Invoke twice,
# inventory errors with file:line, and Ctrl-C (fleet and single create):
# exit 130, running job ids printed, no request after the signal.
source "$(dirname "$0")/lib.sh"

HVSIM=$HVSNAP_BUILD_DIR/hvsim
export FLEET_PW='demo pass'
export FLEET_PW_Q='other s3cret'
unset HVSNAP_PASSWORD HVSNAP_HOST HVSNAP_PORT HVSNAP_USER HVSNAP_INVENTORY

# ndjson EXPR: EXPR over L, the list of stdout's JSON lines (every line
# must parse; nothing else may be on stdout).
ndjson() {
  python3 - "$TMP/out" "$1" <<'EOF'
import json, sys
L = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(eval(sys.argv[2]))
EOF
}
# logq EXPR: EXPR over L, hvsim's log lines, and T0 (see mark_log).
logq() {
  python3 - "$TMP/fleet.log" "$1" "${LOGMARK:-0}" <<'EOF'
import json, sys
L = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[3]):]
print(eval(sys.argv[2]))
EOF
}
mark_log() { LOGMARK=$(wc -l <"$TMP/fleet.log"); }

cat >"$TMP/fleet.json" <<'EOF'
{ "users": [{"name": "demo", "password": "demo pass"}],
  "jobs": {"duration_ms": 400},
  "hosts": [
    {"host": "hv", "count": 3, "vms": [{"name": "vm", "count": 4, "state": "off"}]},
    {"host": "hvq", "users": [{"name": "ops", "password": "other s3cret"}],
     "jobs": {"duration_ms": 300},
     "vms": [{"name": "web", "count": 3, "state": "off"}],
     "faults": [{"kind": "quota_limit", "first": 2},
                {"kind": "quota_limit", "first": 3, "action_contains": "CreateSnapshot_INPUT"}]}
  ] }
EOF
"$HVSIM" --scenario "$TMP/fleet.json" --listen 127.0.0.1:0 --port-file "$TMP/fleet.ports" \
  --log "$TMP/fleet.log" >"$TMP/fleet.stdout" 2>"$TMP/fleet.stderr" &
PIDS+=($!)
wait_port_file "$TMP/fleet.ports" "$!" >/dev/null
for _ in $(seq 1 100); do [ "$(wc -l <"$TMP/fleet.ports")" = 4 ] && break; sleep 0.05; done
[ "$(wc -l <"$TMP/fleet.ports")" = 4 ] || fail "port file: $(cat "$TMP/fleet.ports")"
port_of() { awk -v h="$1" '$1 == h { print $2 }' "$TMP/fleet.ports"; }
grep -q "listening on http://127.0.0.1:$(port_of hv02)/wsman as hv02" "$TMP/fleet.stdout" \
  || fail "hvsim does not announce each host: $(cat "$TMP/fleet.stdout")"
ok "hvsim serves 4 hosts, each on its own port, listed as NAME PORT"

# a port nothing listens on: bind one, then free it
DOWN=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

INV=$TMP/fleet.ini
cat >"$INV" <<EOF
; the test fleet
[defaults]
transport = http
address = 127.0.0.1
user = demo
password-env = FLEET_PW   ; never the password itself
vms = *

[host hv01]
port = $(port_of hv01)
[host hv02]
port = $(port_of hv02)
[host hv03]
port = $(port_of hv03)
vms = vm01, vm02,
  vm03, vm04
[host hvq]
port = $(port_of hvq)
user = ops
password-env = FLEET_PW_Q
[host hvdown]
port = $DOWN
timeout = 5

[group wave1]
hosts = hv01, hv02
[group quota]
hosts = hvq
EOF

# --- create over the inventory ----------------------------------------------
mark_log
run_hvsnap create --inventory "$INV" --hosts 'wave1,hv03,quota' --name pre --json --per-host 3
expect_rc 0 "create over 4 hosts, 15 VMs"
[ "$(ndjson 'len(L)')" = 15 ] || fail "15 lines expected: $OUT"
[ "$(ndjson 'len({(l["host"], l["vm"]["name"]) for l in L})')" = 15 ] || fail "one line per VM: $OUT"
[ "$(ndjson 'all(l["ok"] and l["snapshot"]["name"] == "pre" and l["job"]["state"] == "Completed" and l["snapshot"]["current"] for l in L)')" = True ] \
  || fail "every line a finished 'pre' checkpoint, now current: $OUT"
[ "$(ndjson 'sorted({l["host"] for l in L})')" = "['hv01', 'hv02', 'hv03', 'hvq']" ] || fail "hosts: $OUT"
cp "$TMP/out" "$TMP/created.json"
ok "NDJSON: one line per VM, each ok with its checkpoint and job"

# the log: exactly one processed CreateSnapshot per VM, the refused ones
# were QuotaLimit faults (not run), one connection per host
[ "$(logq 'sum(1 for l in L if l.get("method") == "CreateSnapshot" and l["status"] == 200)')" = 15 ] \
  || fail "CreateSnapshot run $(logq 'sum(1 for l in L if l.get("method") == "CreateSnapshot" and l["status"] == 200)') times"
[ "$(logq 'sum(1 for l in L if l.get("fault") == "quota_limit")')" = 5 ] || fail "quota faults"
[ "$(logq 'sum(1 for l in L if l.get("fault") == "quota_limit" and l.get("method") == "CreateSnapshot")')" = 3 ] \
  || fail "3 refused CreateSnapshot expected"
ok "exactly one CreateSnapshot per VM; 5 QuotaLimit refusals retried, no Invoke run twice"
[ "$(logq 'max(len({l["connection"] for l in L if l["host"] == h}) for h in ("hv01","hv02","hv03","hvq"))')" = 1 ] \
  || fail "connections per host: $(logq '{h: len({l["connection"] for l in L if l["host"] == h}) for h in ("hv01","hv02","hv03","hvq")}')"
[ "$(logq 'sum(1 for l in L if l["status"] == 401)')" -le 8 ] || fail "more than one authentication per host"
ok "one connection (one authentication) per host"
# job polls: one Enumerate per poll for all of a host's jobs, not a Get per job
JOB_GETS=$(logq 'sum(1 for l in L if l["action"] and l["action"].endswith("/Get") and (l["resource_uri"] or "").endswith("Msvm_ConcreteJob"))')
POLLS=$(logq 'sum(1 for l in L if l["action"] and l["action"].endswith("/Enumerate") and (l["resource_uri"] or "").endswith("/*"))')
[ "$JOB_GETS" -le 15 ] || fail "$JOB_GETS Gets of jobs for 15 jobs"
[ "$POLLS" -ge 4 ] || fail "only $POLLS WQL enumerations"
ok "jobs followed by batch polls ($POLLS WQL enumerations, $JOB_GETS job Gets for 15 jobs)"

# hvsim's state agrees line by line
run_hvsnap list --inventory "$INV" --hosts 'wave1,hv03,quota' --json
expect_rc 0 "list over the inventory"
python3 - "$TMP/created.json" "$TMP/out" <<'EOF' || fail "list does not show the created checkpoints"
import json, sys
made = {(l["host"], l["vm"]["id"]): l["snapshot"]["id"] for l in map(json.loads, open(sys.argv[1]))}
seen = {(l["host"], l["vm"]["id"]): [s["id"] for s in l["snapshots"] if s["name"] == "pre"]
        for l in map(json.loads, open(sys.argv[2]))}
assert set(made) == set(seen), (made, seen)
current = {(l["host"], l["vm"]["id"]): [s["id"] for s in l["snapshots"] if s["current"]]
           for l in map(json.loads, open(sys.argv[2]))}
for k, sid in made.items():
    assert seen[k] == [sid], (k, sid, seen[k])
    assert current[k] == [sid], ("current", k, sid, current[k])
EOF
ok "list: each VM has exactly the checkpoint its create line reported, and it is current"

# --- a host that is down fails only its own targets -------------------------
run_hvsnap vms --inventory "$INV" --json
expect_rc 3 "vms with one host down: exit 3 (the failures' shared code)"
[ "$(ndjson 'sum(1 for l in L if l["ok"])')" = 15 ] || fail "the other hosts' VMs: $OUT"
[ "$(ndjson '[(l["host"], l["error"]["kind"]) for l in L if not l["ok"]]')" = "[('hvdown', 'connect')]" ] \
  || fail "hvdown's line: $OUT"
ok "the down host fails its target only"

# --- fleet mode comes from the command line: a glob matching one VM ---------
run_hvsnap vms 'vm0[1]' -H 127.0.0.1 -P "$(port_of hv01)" --transport http -u demo --json
expect_rc 2 "no password for a plain --host run: a usage error per target"
export HVSNAP_PASSWORD=$FLEET_PW
run_hvsnap vms 'vm0[1]' -H 127.0.0.1 -P "$(port_of hv01)" --transport http -u demo --json
expect_rc 0 "a glob that matches one VM"
[ "$(ndjson '[(l["host"], l["vm"]["name"], l["ok"]) for l in L]')" = "[('127.0.0.1', 'vm01', True)]" ] \
  || fail "one NDJSON line expected: $OUT"
ok "a glob matching one VM still gives NDJSON"
run_hvsnap create vm01 vm02 nosuchvm -H 127.0.0.1 -P "$(port_of hv02)" --transport http -u demo --json
expect_rc 5 "two VMs and a missing one: exit 5"
[ "$(ndjson '[l["ok"] for l in L]')" = "[False, True, True]" ] && [ "$(ndjson 'L[0]["error"]["kind"]')" = not_found ] \
  || fail "not-found line first, then two creates: $OUT"
ok "a named VM that is missing fails alone"
unset HVSNAP_PASSWORD

# --- delete, apply, power and reset over the inventory ----------------------
run_hvsnap apply --inventory "$INV" --hosts wave1 pre --json
expect_rc 0 "apply 'pre' on wave1"
[ "$(ndjson 'len(L) == 8 and all(l["ok"] and l["snapshot"]["name"] == "pre" for l in L)')" = True ] || fail "apply: $OUT"
run_hvsnap start --inventory "$INV" --hosts hv01 --json
expect_rc 0 "start hv01's VMs"
run_hvsnap vms --inventory "$INV" --hosts hv01 --json
[ "$(ndjson 'sorted({l["vm"]["state"] for l in L})')" = "['Running']" ] || fail "not running: $OUT"
ok "start: every VM of hv01 runs"
run_hvsnap save --inventory "$INV" --hosts hv01 'vm0[12]' --json
expect_rc 0 "save two of them (the command line's VMs override the inventory's)"
run_hvsnap vms --inventory "$INV" --hosts hv01 --json
[ "$(ndjson 'sorted((l["vm"]["name"], l["vm"]["state"]) for l in L)')" = \
  "[('vm01', 'Saved'), ('vm02', 'Saved'), ('vm03', 'Running'), ('vm04', 'Running')]" ] || fail "states: $OUT"
run_hvsnap stop --turn-off --inventory "$INV" --hosts hv01 'vm0[34]' --json
expect_rc 0 "turn off the other two"
run_hvsnap start --inventory "$INV" --hosts hv01 vm01 --json
expect_rc 0 "start vm01 again, so that one VM of the reset runs"
mark_log
run_hvsnap reset --inventory "$INV" --hosts hv01 pre --wait-ready --json
expect_rc 0 "reset hv01's VMs to 'pre', waiting for their guests"
[ "$(ndjson 'sorted((l["vm"]["name"], [(s["stage"], s["ok"]) for s in l["stages"]]) for l in L)')" = \
  "[('vm01', [('turn_off', True), ('apply', True), ('start', True), ('ready', True)]), ('vm02', [('apply', True), ('start', True), ('ready', True)]), ('vm03', [('apply', True), ('start', True), ('ready', True)]), ('vm04', [('apply', True), ('start', True), ('ready', True)])]" ] \
  || fail "reset stages: $OUT"
[ "$(ndjson 'all(l["ok"] and l["snapshot"]["name"] == "pre" and l["addresses"] is not None and "job" not in l for l in L)')" = True ] \
  || fail "reset lines carry a single reset's fields: $OUT"
[ "$(logq 'sum(1 for l in L if l["method"] == "ApplySnapshot")')" = 4 ] || fail "not one ApplySnapshot per VM"
# the first stage of every VM left before any VM's second: the host's
# resets run together, not one VM after the other
[ "$(logq '[(l["method"], (l.get("params") or {}).get("RequestedState")) for l in L if l["method"]][:4].count(("ApplySnapshot", None))')" = 3 ] \
  || fail "the resets did not start together: $(logq '[(l["method"], (l.get("params") or {}).get("RequestedState")) for l in L if l["method"]]')"
RESET_JOB_GETS=$(logq 'sum(1 for l in L if l["action"] and l["action"].endswith("/Get") and (l["resource_uri"] or "").endswith("Msvm_ConcreteJob"))')
# 9 jobs (3 stages of vm01, 2 of each other VM): a Get each as it is
# started, as for create; every later look is a batch poll
[ "$RESET_JOB_GETS" -le 9 ] || fail "reset polled jobs one by one ($RESET_JOB_GETS Gets for 9 jobs)"
run_hvsnap vms --inventory "$INV" --hosts hv01 --json
[ "$(ndjson 'sorted({l["vm"]["state"] for l in L})')" = "['Running']" ] || fail "after reset: $OUT"
ok "save, stop --turn-off and reset change each VM as asked; the resets of a host run together, jobs polled in batches"

mark_log
run_hvsnap stop --inventory "$INV" --hosts hv01 --json
expect_rc 0 "a graceful stop of hv01's 4 running VMs"
[ "$(ndjson 'len(L) == 4 and all(l["ok"] for l in L)')" = True ] || fail "graceful stop: $OUT"
[ "$(logq 'sum(1 for l in L if l["method"] == "InitiateShutdown")')" = 4 ] || fail "one InitiateShutdown per VM"
[ "$(logq 'sum(1 for l in L if l["action"] and l["action"].endswith("/Get") and (l["resource_uri"] or "").endswith("Msvm_ComputerSystem"))')" = 0 ] \
  || fail "the VMs' states were read one by one, not with one query a round"
run_hvsnap vms --inventory "$INV" --hosts hv01 --json
[ "$(ndjson 'sorted({l["vm"]["state"] for l in L})')" = "['Off']" ] || fail "after a graceful stop: $OUT"
ok "a fleet graceful stop asks every guest of a host, then follows the VMs with one query a round"
run_hvsnap start --inventory "$INV" --hosts hv01 --json
expect_rc 0 "start hv01's VMs again"

run_hvsnap reset --inventory "$INV" --hosts hv01 pre --no-start --wait-ready
expect_rc 2 "fleet reset --no-start --wait-ready is a usage error"
run_hvsnap reset --inventory "$INV" --hosts hv01 vm01 nosuch --json
expect_rc 5 "fleet reset to a checkpoint that does not exist"
[ "$(ndjson 'len(L) == 1 and L[0]["error"]["kind"] == "not_found" and L[0]["stages"] == []')" = True ] \
  || fail "missing checkpoint: nothing runs, no stage: $OUT"
run_hvsnap delete --inventory "$INV" --hosts 'wave1,hv03,quota' pre --json
expect_rc 0 "delete 'pre' everywhere"
run_hvsnap list --inventory "$INV" --hosts 'wave1,hv03,quota' --json
[ "$(ndjson 'len(L) == 15 and all(not [s for s in l["snapshots"] if s["name"] == "pre"] for l in L)')" = True ] \
  || fail "'pre' left somewhere: $OUT"
ok "delete removed every 'pre' checkpoint"
run_hvsnap delete --inventory "$INV" --hosts hv03 pre --json
expect_rc 5 "delete of a checkpoint that is gone"
[ "$(ndjson 'len(L) == 4 and all(l["error"]["kind"] == "not_found" for l in L)')" = True ] || fail "$OUT"

# --- a reset that fails at a stage fails that VM alone ---------------------------
cat >"$TMP/resetfail.json" <<'EOF'
{ "users": [{"name": "demo", "password": "demo pass"}],
  "jobs": {"duration_ms": 200},
  "vms": [{"name": "good", "state": "off", "snapshots": [{"name": "clean"}]},
          {"name": "bad", "state": "running", "snapshots": [{"name": "clean"}],
           "job": {"outcome": "exception", "error_code": 32768,
                   "error_description": "the host refuses"}}] }
EOF
"$HVSIM" --scenario "$TMP/resetfail.json" --listen 127.0.0.1:0 --port-file "$TMP/resetfail.port" \
  >/dev/null 2>"$TMP/resetfail.err" &
PIDS+=($!)
RPORT=$(wait_port_file "$TMP/resetfail.port" "$!")
FLEET_ONE=(-H 127.0.0.1 -P "$RPORT" --transport http -u demo)
export HVSNAP_PASSWORD='demo pass'
run_hvsnap reset "${FLEET_ONE[@]}" '*' clean --json
expect_rc 1 "fleet reset where one VM's turn-off job fails"
[ "$(ndjson '{l["vm"]["name"]: l["ok"] for l in L}')" = "{'bad': False, 'good': True}" ] \
  || fail "only the failing VM fails: $OUT"
[ "$(ndjson '[l for l in L if not l["ok"]][0]["error"]["stage"]')" = turn_off ] || fail "error.stage: $OUT"
[ "$(ndjson '[l for l in L if not l["ok"]][0]["stages"]')" = "[{'stage': 'turn_off', 'ok': False, 'elapsed_ms': $(ndjson '[l for l in L if not l["ok"]][0]["stages"][0]["elapsed_ms"]')}]" ] \
  || fail "the failed stage is recorded: $OUT"
[ "$(ndjson '[l for l in L if not l["ok"]][0]["error"]["message"]')" = \
  "failed at stage turn_off: the job Exception: the host refuses (the VM is now Running)" ] \
  || fail "the message names the stage and the VM's state: $OUT"
run_hvsnap reset "${FLEET_ONE[@]}" '*' clean
expect_rc 1 "the same in text"
expect_out "bad                      FAILED  failed at stage turn_off"
expect_out "good                     ok      reset to \"clean\", now Running"
unset HVSNAP_PASSWORD
ok "a reset failing at a stage fails its VM alone, naming the stage and the VM's state"

# --- text output ----------------------------------------------------------------
run_hvsnap vms --inventory "$INV" --hosts hv02
expect_rc 0 "text output"
expect_out "hv02             vm01"
expect_out "total                   4        0"

# on a terminal, a live count is redrawn on stderr while the jobs run
script -qec "'$HVSNAP' create --inventory '$INV' --hosts hv02 --name tty" /dev/null >"$TMP/tty" 2>&1 \
  || fail "create on a terminal: $(cat "$TMP/tty")"
grep -q "create: [0-9]* done, [1-9][0-9]* running, 0 failed" "$TMP/tty" \
  || fail "no live count with running jobs on the terminal: $(cat -v "$TMP/tty")"
grep -q "hv02 *4 *0" "$TMP/tty" || fail "no table on the terminal: $(cat -v "$TMP/tty")"
ok "a terminal gets a live count of done/running/failed, then the table"

# --- inventory errors name file:line (exit 2) -----------------------------------
bad_inv() { # LINE TEXT WANT
  printf '%b' "$2" >"$TMP/bad.ini"
  run_hvsnap vms --inventory "$TMP/bad.ini" --json
  expect_rc 2 "inventory error: $3"
  [ "$(json_get 'j["error"]["kind"]')" = usage ] || fail "not a JSON usage error: $OUT"
  expect_out "$TMP/bad.ini:$1: "
  expect_out "$3"
}
bad_inv 3 '[defaults]\nuser = x\npassword = hunter2\n[host a]\n' "a password never goes in the inventory"
bad_inv 2 '[host a]\nprot = 5985\n' "unknown key 'prot'"
bad_inv 3 '; c\n[host a]\nport = 99999\n' "not a port number"
bad_inv 1 'vms = *\n[host a]\n' "stands before any section"
bad_inv 4 '[host a]\n[host b]\n\n[group g]\nhosts = a, c\n' "no [host c]"
bad_inv 2 '[host a]\n[hots b]\n' "unknown section [hots b]"
bad_inv 2 '[host a]\nthis is not ini\n' "not an INI line"
bad_inv 2 '[host a]\n[host A]\n' "appears twice"
bad_inv 1 '[defaults]\n' "no [host NAME] section"
grep -q hunter2 "$TMP/out" "$TMP/err" && fail "the password value was echoed"
run_hvsnap vms --inventory "$TMP/none.ini"
expect_rc 2 "a missing inventory"
HVSNAP_INVENTORY=$INV run_hvsnap vms --hosts hv02 --json
expect_rc 0 "HVSNAP_INVENTORY stands for --inventory"
[ "$(ndjson 'len(L)')" = 4 ] || fail "$OUT"
run_hvsnap create web01 --per-host 3 -H 127.0.0.1
expect_rc 2 "--per-host outside fleet mode"
run_hvsnap create --inventory "$INV" --per-host 16
expect_rc 2 "--per-host above the WMI quota of 15"

# --- hvsim's per-user cap: concurrent requests beyond it get QuotaLimit --------
cat >"$TMP/cap.json" <<'EOF'
{ "users": [{"name": "demo", "password": "demo pass"}],
  "faults": [{"kind": "latency", "latency_ms": 300, "action_contains": "enumeration/Enumerate"}],
  "vms": [{"name": "vm", "count": 2}] }
EOF
"$HVSIM" --scenario "$TMP/cap.json" --hosts 2 --max-ops-per-user 1 --listen 127.0.0.1:0 \
  --port-file "$TMP/cap.ports" --log "$TMP/cap.log" >/dev/null 2>"$TMP/cap.stderr" &
PIDS+=($!)
wait_port_file "$TMP/cap.ports" "$!" >/dev/null
for _ in $(seq 1 100); do [ "$(wc -l <"$TMP/cap.ports")" = 2 ] && break; sleep 0.05; done
grep -q '^HVHOST01 ' "$TMP/cap.ports" || fail "--hosts 2 names its copies HVHOST01..: $(cat "$TMP/cap.ports")"
CAP_PORT=$(awk 'NR==1 {print $2}' "$TMP/cap.ports")
CAPS=()
for i in 1 2 3; do
  HVSNAP_PASSWORD=$FLEET_PW "$HVSNAP" vms -H 127.0.0.1 -P "$CAP_PORT" --transport http -u demo \
    --json >"$TMP/cap$i.out" 2>"$TMP/cap$i.err" &
  CAPS+=($!)
done
for i in 1 2 3; do
  wait "${CAPS[$((i - 1))]}" || fail "vms $i against the capped host: $(cat "$TMP/cap$i.err")"
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert [v["name"] for v in j["vms"]] == ["vm01","vm02"]' \
    "$TMP/cap$i.out" || fail "vms $i: $(cat "$TMP/cap$i.out")"
done
python3 - "$TMP/cap.log" <<'EOF' || fail "the cap refused nothing: $(cat "$TMP/cap.log")"
import json, sys
L = [json.loads(l) for l in open(sys.argv[1])]
refused = [l for l in L if l.get("fault") == "quota_max_operations"]
assert refused and all(l["status"] == 500 for l in refused), refused
assert all(l["host"] == "HVHOST01" for l in L), "requests went to HVHOST01 only"
ran = [l for l in L if l["action"] and l["action"].endswith("/Enumerate") and l["status"] == 200]
assert len(ran) == 3, ran
EOF
ok "--max-ops-per-user: concurrent requests beyond the cap get QuotaLimit, clients retry and all succeed"

# --- SIGINT in fleet mode -------------------------------------------------------
cat >"$TMP/slow.json" <<'EOF'
{ "users": [{"name": "demo", "password": "demo pass"}],
  "jobs": {"duration_ms": 60000},
  "hosts": [{"host": "slow", "count": 2, "vms": [{"name": "vm", "count": 5}]}] }
EOF
"$HVSIM" --scenario "$TMP/slow.json" --listen 127.0.0.1:0 --port-file "$TMP/slow.ports" \
  --log "$TMP/slow.log" >/dev/null 2>"$TMP/slow.stderr" &
PIDS+=($!)
wait_port_file "$TMP/slow.ports" "$!" >/dev/null
for _ in $(seq 1 100); do [ "$(wc -l <"$TMP/slow.ports")" = 2 ] && break; sleep 0.05; done
{ echo "[defaults]"; echo "transport = http"; echo "address = 127.0.0.1"; echo "user = demo"
  echo "password-env = FLEET_PW"; echo "vms = *"
  awk '{ print "[host " $1 "]"; print "port = " $2 }' "$TMP/slow.ports"; } >"$TMP/slow.ini"
invokes() { python3 -c 'import json,sys; print(sum(1 for l in map(json.loads, open(sys.argv[1])) if l.get("method") == "CreateSnapshot"))' "$TMP/slow.log"; }
# interrupt_after COUNTER N SIG WHAT: waits until COUNTER (a function
# printing how many Invokes hvsim logged) reaches N while $CLI runs in the
# background, sends SIG, and checks exit 130 and that no Invoke left after
# the signal. Sets OUT.
interrupt_after() {
  local counter=$1 n=$2 sig=$3 what=$4
  for _ in $(seq 1 200); do [ "$($counter)" = "$n" ] && break; sleep 0.05; done
  [ "$($counter)" = "$n" ] || fail "$what: $n Invokes expected before the signal, saw $($counter)"
  sleep 0.3
  kill -"$sig" "$CLI" || fail "$what ended before the signal: $(cat "$TMP/out" "$TMP/err")"
  RC=0
  wait "$CLI" || RC=$?
  OUT=$(cat "$TMP/out")
  [ "$RC" = 130 ] || fail "$what after SIG$sig: exit $RC; $OUT $(cat "$TMP/err")"
  sleep 0.3
  [ "$($counter)" = "$n" ] || fail "$what: an Invoke left after the signal ($($counter))"
}
"$HVSNAP" create --inventory "$TMP/slow.ini" 'vm0[1-3]' --per-host 2 --json >"$TMP/out" 2>"$TMP/err" &
CLI=$!
interrupt_after invokes 4 INT "fleet create"
[ "$(ndjson 'len(L)')" = 6 ] || fail "a line per target expected: $OUT"
[ "$(ndjson 'sum(1 for l in L if not l["ok"] and l["error"]["kind"] == "cancelled" and l["job"] and l["job"]["id"] and l["error"]["job_id"] == l["job"]["id"])')" = 4 ] \
  || fail "4 running jobs with their ids expected: $OUT"
[ "$(ndjson 'sum(1 for l in L if not l["ok"] and "not started" in l["error"]["message"])')" = 2 ] \
  || fail "2 targets never started expected: $OUT"
ok "fleet SIGINT: exit 130, the 4 running jobs with their ids, 2 never started, no Invoke after"
BEFORE=$(invokes)
"$HVSNAP" create --inventory "$TMP/slow.ini" --hosts slow01 'vm0[4]' >"$TMP/out" 2>"$TMP/err" &
CLI=$!
interrupt_after invokes $((BEFORE + 1)) TERM "text fleet create"
grep -q "job .* still running" "$TMP/err" || fail "no running job named on stderr: $(cat "$TMP/err")"
ok "SIGTERM in text mode names the running job on stderr"

# --- SIGINT in a fleet reset ------------------------------------------------------
cat >"$TMP/slowreset.json" <<'EOF'
{ "users": [{"name": "demo", "password": "demo pass"}],
  "jobs": {"duration_ms": 60000},
  "vms": [{"name": "vm", "count": 3, "state": "running", "snapshots": [{"name": "clean"}]}] }
EOF
"$HVSIM" --scenario "$TMP/slowreset.json" --listen 127.0.0.1:0 --port-file "$TMP/slowreset.port" \
  --log "$TMP/slowreset.log" >/dev/null 2>"$TMP/slowreset.stderr" &
PIDS+=($!)
SRPORT=$(wait_port_file "$TMP/slowreset.port" "$!")
reset_invokes() { python3 -c 'import json,sys; print(sum(1 for l in map(json.loads, open(sys.argv[1])) if l.get("method")))' "$TMP/slowreset.log"; }
HVSNAP_PASSWORD='demo pass' "$HVSNAP" -H 127.0.0.1 -P "$SRPORT" --transport http -u demo \
  reset 'vm*' clean --per-host 2 --json >"$TMP/out" 2>"$TMP/err" &
CLI=$!
interrupt_after reset_invokes 2 INT "fleet reset"
[ "$(ndjson 'sum(1 for l in L if l["error"]["kind"] == "cancelled" and l["error"].get("job_id") and l["error"].get("stage") == "turn_off")')" = 2 ] \
  || fail "2 resets stopped in turn_off with their jobs expected: $OUT"
[ "$(ndjson 'sum(1 for l in L if "not started" in l["error"]["message"])')" = 1 ] \
  || fail "1 reset never started expected: $OUT"
ok "fleet reset SIGINT: exit 130, the running turn-offs with their ids and stage, no Invoke after"

# --- SIGINT in a single create --------------------------------------------------
BEFORE=$(invokes)
"$HVSNAP" create vm04 -H 127.0.0.1 -P "$(awk 'NR==2 {print $2}' "$TMP/slow.ports")" --transport http \
  -u demo --password-file <(printf '%s' "$FLEET_PW") --json >"$TMP/out" 2>"$TMP/err" &
CLI=$!
interrupt_after invokes $((BEFORE + 1)) INT "single create"
[ "$(json_get 'j["error"]["kind"] == "cancelled" and len(j["job"]["id"]) > 0 and j["job"]["id"] == j["error"]["job_id"]')" = True ] \
  || fail "the JSON error must carry the job: $OUT"
ok "single create SIGINT: exit 130 and the job id in the JSON"
BEFORE=$(invokes)
"$HVSNAP" create vm05 -H 127.0.0.1 -P "$(awk 'NR==2 {print $2}' "$TMP/slow.ports")" --transport http \
  -u demo --password-file <(printf '%s' "$FLEET_PW") >"$TMP/out" 2>"$TMP/err" &
CLI=$!
interrupt_after invokes $((BEFORE + 1)) INT "text single create"
grep -q "hvsnap job .* --wait" "$TMP/err" || fail "no job hint: $(cat "$TMP/err")"
ok "single create SIGINT in text mode prints the job and how to follow it"

echo "all $CHECKS checks passed"
