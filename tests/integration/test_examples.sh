# Runs every program of examples/ as built in the tree against hvsim's
# built-in demo host (NTLM over http with message encryption, user
# HVHOST\demo), as scripts/package-test.sh runs the installed ones: with no
# arguments each must succeed and leave the host as it was, so a rerun
# succeeds too. Checks their output, the host's state afterwards (through
# the hvsnap CLI) and hvsim's request log: the fleet example polls all jobs
# of a host in one request per poll, and a SIGINT in the middle of its wait
# stops it at once (exit 130, the running jobs named, no further Invoke).
source "$(dirname "$0")/lib.sh"

HVSIM=$HVSNAP_BUILD_DIR/hvsim
EX=$HVSNAP_BUILD_DIR/examples
for e in list_vms create_checkpoint fleet; do
  [ -x "$EX/$e" ] || fail "examples/$e.c is not built in $EX (configure with HVSNAP_EXAMPLES=ON)"
done
export HVSNAP_HOST=127.0.0.1 HVSNAP_TRANSPORT=http HVSNAP_USER='HVHOST\demo' HVSNAP_PASSWORD=demo

start_sim() { # NAME [SCENARIO]: hvsim on an ephemeral port; sets PORT, LOG, SIM_PID
  local name=$1; shift
  local args=()
  if [ $# -gt 0 ]; then args=(--scenario "$1"); fi
  "$HVSIM" "${args[@]}" --listen 127.0.0.1:0 --port-file "$TMP/$name.port" \
    --log "$TMP/$name.log" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  SIM_PID=$!
  PIDS+=("$SIM_PID")
  PORT=$(wait_port_file "$TMP/$name.port" "$SIM_PID")
  LOG=$TMP/$name.log
}

# run_ex NAME ARGS...: runs an example against $PORT; RC, OUT, ERR; MARK = the
# log's length before it, so that reqs counts this run's requests alone.
run_ex() {
  local name=$1; shift
  MARK=$(wc -l <"$LOG")
  set +e
  HVSNAP_PORT=$PORT timeout 120 "$EX/$name" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
  if grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then fail "sanitizer report from $name: $ERR"; fi
}

# reqs PYEXPR: how many of the last run's logged requests r satisfy PYEXPR
# (r: one log line as a dict; ep(r): the last path element of its action).
reqs() {
  python3 -S - "$LOG" "$MARK" "$1" <<'EOF'
import json, sys
ep = lambda r: (r["action"] or "").rsplit("/", 1)[-1]
cls = lambda r: (r["resource_uri"] or "").rsplit("/", 1)[-1]
rows = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]]
print(sum(1 for r in rows if eval(sys.argv[3])))
EOF
}
expect_reqs() { # PYEXPR N WHAT
  local got
  got=$(reqs "$1")
  [ "$got" = "$2" ] || fail "$3: $got requests with $1, expected $2"
}

# snapshots_of VM: the names of VM's checkpoints, one per line, via the CLI.
snapshots_of() {
  run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http -u "$HVSNAP_USER" --json list "$1"
  [ "$RC" = 0 ] || fail "hvsnap list $1: exit $RC: $ERR"
  json_get '"\n".join(s["name"] for s in j["snapshots"])'
}

# --- list_vms -------------------------------------------------------------
start_sim demo
run_ex list_vms
expect_rc 0 "list_vms against the demo host"
grep -qE '^web01 +5B3A3F0E-9A51-4E6F-8C1D-2E7A4B9C0D11  Running$' <<<"$OUT" || fail "web01 line: $OUT"
grep -qE '^db01 +[0-9A-F-]{36}  Off$' <<<"$OUT" || fail "db01 line: $OUT"
grep -qE '^ci-runner +[0-9A-F-]{36}  Saved$' <<<"$OUT" || fail "ci-runner line: $OUT"
grep -qx '4 VMs' <<<"$OUT" || fail "VM count line: $OUT"
expect_reqs 'r["method"]' 0 "list_vms invokes nothing"
expect_reqs 'r["action"] and not r["encrypted"]' 0 "every SOAP request of list_vms is sealed"
ok "list_vms prints every VM with its state, one query, sealed NTLM"

# --- create_checkpoint --------------------------------------------------------
for run in first second; do
  run_ex create_checkpoint
  expect_rc 0 "create_checkpoint ($run run)"
  grep -qE '^ +100%  Completed$' <<<"$OUT" || fail "no 100% progress line: $OUT"
  [ "$(grep -cE '^ +[0-9]+%' <<<"$OUT")" -ge 2 ] || fail "progress printed once at most: $OUT"
  new=$(sed -n 's/^created "create_checkpoint example" (\([0-9A-F-]\{36\}\)) with job [0-9A-F-]\{36\}$/\1/p' <<<"$OUT")
  [ -n "$new" ] || fail "no 'created' line: $OUT"
  grep -qE "^  \* create_checkpoint example +$new  \(new\)$" <<<"$OUT" || fail "listing lacks the new one: $OUT"
  grep -qx "deleted $new" <<<"$OUT" || fail "no 'deleted' line: $OUT"
  expect_reqs 'r["method"] == "CreateSnapshot"' 1 "one CreateSnapshot"
  expect_reqs 'r["method"] == "DestroySnapshot"' 1 "one DestroySnapshot"
  [ -z "$(snapshots_of db01)" ] || fail "db01 keeps a checkpoint after create_checkpoint: $(snapshots_of db01)"
  ok "create_checkpoint made, listed and deleted $new on db01 ($run run)"
done
run_ex create_checkpoint no-such-vm
[ "$RC" != 0 ] || fail "create_checkpoint of a missing VM exited 0"
grep -q 'no-such-vm' <<<"$ERR" && grep -q 'not_found' <<<"$ERR" || fail "missing VM message: $ERR"
expect_reqs 'r["method"]' 0 "nothing invoked for a missing VM"
ok "create_checkpoint of a missing VM: exit $RC, not_found on stderr"

# --- fleet ------------------------------------------------------------------------
for run in first second; do
  run_ex fleet
  expect_rc 0 "fleet on the demo host ($run run)"
  for vm in web01 db01 ci-runner ci-test; do
    grep -qE "^127\.0\.0\.1: $vm: checkpoint \"[^\"]+\" [0-9A-F-]{36}$" <<<"$OUT" || fail "no line for $vm: $OUT"
  done
  grep -qx '127.0.0.1: 4 checkpoint jobs started' <<<"$OUT" || fail "start line: $OUT"
  polls=$(sed -n 's/^127\.0\.0\.1: 4 jobs followed with \([0-9]*\) polls$/\1/p' <<<"$OUT")
  dpolls=$(sed -n 's/^127\.0\.0\.1: 4 checkpoints deleted with \([0-9]*\) polls$/\1/p' <<<"$OUT")
  [ -n "$polls" ] && [ -n "$dpolls" ] || fail "poll counts missing: $OUT"
  [ "$polls" -ge 2 ] || fail "the 2 s jobs ended within $polls poll(s)?"
  expect_reqs 'r["method"] == "CreateSnapshot"' 4 "one CreateSnapshot per VM"
  expect_reqs 'r["method"] == "DestroySnapshot"' 4 "one DestroySnapshot per checkpoint"
  # One Get per job, when it is started (no_wait looks once); every later
  # look is a batch: a per-job poll would have cost 4 x polls Gets.
  expect_reqs 'ep(r) == "Get" and cls(r) == "Msvm_ConcreteJob"' 8 "job Gets"
  # 1 VM list + the create polls + 4 checkpoint look-ups + the delete polls.
  expect_reqs 'ep(r) == "Enumerate"' $((1 + polls + 4 + dpolls)) "one Enumerate per batch poll"
  expect_reqs 'ep(r) == "Pull"' 0 "no Pull"
  [ -z "$(snapshots_of web01)$(snapshots_of db01)" ] || fail "fleet left checkpoints behind"
  [ "$(snapshots_of ci-runner | paste -sd, -)" = "clean-install,before-upgrade" ] \
    || fail "ci-runner's checkpoints changed: $(snapshots_of ci-runner)"
  [ "$(snapshots_of ci-test | paste -sd, -)" = "clean" ] \
    || fail "ci-test's checkpoints changed: $(snapshots_of ci-test)"
  ok "fleet: 4 checkpoints in $polls batch polls ($((4 * polls)) job looks), deleted in $dpolls ($run run)"
done

# Two hosts at once: a thread and a session each.
DEMO_PORT=$PORT DEMO_LOG=$LOG
start_sim second
SECOND_PORT=$PORT SECOND_LOG=$LOG
PORT=$DEMO_PORT LOG=$DEMO_LOG
run_ex fleet "127.0.0.1:$DEMO_PORT" "127.0.0.1:$SECOND_PORT"
expect_rc 0 "fleet on two hosts"
for p in "$DEMO_PORT" "$SECOND_PORT"; do
  [ "$(grep -cE "^127\.0\.0\.1:$p: [a-z0-9-]+: checkpoint " <<<"$OUT")" = 4 ] || fail "host $p lines: $OUT"
done
expect_reqs 'r["method"] == "CreateSnapshot"' 4 "four CreateSnapshot on the first host"
[ "$(grep -c '"method":"CreateSnapshot"' "$SECOND_LOG")" = 4 ] || fail "second host CreateSnapshot count"
ok "fleet: one thread per host, each host's VMs checkpointed once"

run_ex fleet "127.0.0.1:notaport"
expect_rc 2 "fleet with a malformed HOST:PORT"
expect_err "not HOST, HOST:PORT"

# --- fleet interrupted by SIGINT while it waits ------------------------------------
start_sim slow "$HVSNAP_SOURCE_DIR/tests/integration/examples-slow.json"
MARK=$(wc -l <"$LOG")
HVSNAP_USER='HVSLOW\demo' HVSNAP_PORT=$PORT "$EX/fleet" >"$TMP/fleet.out" 2>"$TMP/fleet.err" &
FLEET=$!
PIDS+=("$FLEET")
for _ in $(seq 200); do
  grep -q 'checkpoint jobs started' "$TMP/fleet.out" && break
  kill -0 "$FLEET" 2>/dev/null || fail "fleet ended early: $(cat "$TMP/fleet.out" "$TMP/fleet.err")"
  sleep 0.05
done
grep -qx '127.0.0.1: 4 checkpoint jobs started' "$TMP/fleet.out" || fail "creates not started: $(cat "$TMP/fleet.out")"
sleep 0.7   # into the polling; the 5 s jobs are far from done
SIGNALLED=$(wc -l <"$LOG")
t0=$(date +%s%N)
kill -INT "$FLEET"
RC=0
wait "$FLEET" || RC=$?
t1=$(date +%s%N)
OUT=$(cat "$TMP/fleet.out")
ERR=$(cat "$TMP/fleet.err")
expect_rc 130 "fleet after SIGINT"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 1500 ] || fail "fleet took $ms ms to stop after SIGINT"
line=$(grep '^127\.0\.0\.1: interrupted; jobs still running on the host:' <<<"$OUT") || fail "no interrupted line: $OUT"
ids=$(sed 's/.*on the host://' <<<"$line" | wc -w)
[ "$ids" = 4 ] || fail "expected 4 running job ids: $line"
for id in $(sed 's/.*on the host://' <<<"$line"); do
  [[ $id =~ ^[0-9A-F-]{36}$ ]] || fail "not a job id: $id"
done
grep -q 'checkpoint "' <<<"$OUT" && fail "a checkpoint was reported although the jobs run 5 s: $OUT"
expect_reqs 'r["method"] == "CreateSnapshot"' 4 "one CreateSnapshot per VM before the signal"
MARK=$SIGNALLED
expect_reqs 'r["method"]' 0 "no Invoke after SIGINT"
after=$(reqs 'True')
[ "$after" -le 1 ] || fail "$after requests after SIGINT (at most the poll in flight)"
ok "SIGINT stopped fleet in $ms ms: exit 130, 4 running jobs named, $after request(s) after the signal, no Invoke"

echo "PASS: $CHECKS checks"
