# hvsnap and the ends of Hyper-V jobs, against hvsim: a failing job (its
# ErrorDescription reaches the user; when that is empty or nil, the
# Message of the job's Msvm_Error, asked for with one GetError, does),
# CompletedWithWarnings (success), a
# job that never ends (--wait-timeout, exit 6, the job id, and 'hvsnap job'
# afterwards), --no-wait, a job the host removed after it ended, and polls
# paced by a job's progress.
# Credentials from --password-file here, and never echoed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

start_hvsim jobs "$IT/cli-jobs.json"

# --- a failing job ------------------------------------------------------------
hv create fail
expect_rc 1 "a job that ends in Exception"
expect_err 'Injected failure: the disk "D:" is full.'
expect_err "ended in state 10 (Exception), error code 32768"
expect_err "  job: "
expect_reqs CreateSnapshot 1 "failing job: one CreateSnapshot"
expect_reqs Enumerate 1 "no snapshot lookup after a failed job"
expect_reqs GetError 0 "an ErrorDescription says why: no GetError"
[ -z "$OUT" ] || fail "nothing on stdout on failure: $OUT"
hv create fail --json
expect_rc 1 "a failing job, --json"
jcheck 'j["error"]["kind"] == "failed"' \
  'j["error"]["message"] == "Injected failure: the disk \"D:\" is full."' \
  'j["error"]["code"] == 32768' 'j["job"]["state"] == "Exception"' 'j["job"]["id"]' \
  'j["job"]["error_description"] == j["error"]["message"]'
[ -z "$ERR" ] || fail "--json failure should not write stderr: $ERR"
[ "$(snaps fail 'len(j["snapshots"])')" = 0 ] || fail "no snapshot after a failed job"
ok "failed job: no snapshot on the host"

# ErrorDescription empty: the code's text (32774 System is in use) stands in.
hv create fail-terse --json
expect_rc 1 "a failing job without ErrorDescription"
jcheck 'j["error"]["code"] == 32774' 'j["error"]["message"]' '"System is in use" in j["error"]["detail"]'

expect_reqs GetError 0 "hvsim's own ErrorDescription: no GetError"

# ErrorDescription "" or nil: the job's Msvm_Error (GetError) says why, in
# the message itself (the detail names the job and its code).
SILENT="'fail-silent' could not create a checkpoint: the disk \"E:\" has 0 bytes free & is read-only. (Virtual machine ID C2C2C2C2-0000-4000-8000-000000000008)"
hv create fail-silent
expect_rc 1 "a job that fails with an empty ErrorDescription"
expect_err "hvsnap: $SILENT"
expect_err "ended in state 10 (Exception), error code 32768 (Failed)"
expect_reqs GetError 1 "empty ErrorDescription: one GetError"
expect_reqs CreateSnapshot 1 "empty ErrorDescription: one CreateSnapshot"
[ -z "$OUT" ] || fail "nothing on stdout on failure: $OUT"
hv create fail-silent --json
expect_rc 1 "empty ErrorDescription, --json"
M=$SILENT jcheck 'j["error"]["kind"] == "failed"' 'j["error"]["code"] == 32768' \
  'j["error"]["message"] == E["M"]' '"error code 32768 (Failed)" in j["error"]["detail"]' 'j["job"]["error_description"] == ""' \
  'j["job"]["state"] == "Exception"'
expect_reqs GetError 1 "empty ErrorDescription, --json: one GetError"
[ -z "$ERR" ] || fail "--json failure should not write stderr: $ERR"
[ "$(snaps fail-silent 'len(j["snapshots"])')" = 0 ] || fail "no snapshot after a failed job"

# A nil ErrorDescription, and a Message in two CRLF-ended lines: one line
# of detail, the <markup> as text.
NIL="Checkpoint operation failed. Checkpoints of 'fail-nil' are blocked <by policy>."
hv create fail-nil
expect_rc 1 "a job that fails with a nil ErrorDescription"
expect_err "hvsnap: $NIL"
expect_err "(Invalid state for this operation)"
expect_reqs GetError 1 "nil ErrorDescription: one GetError"
[ "$(grep -c . "$TMP/err")" = 3 ] || fail "the Msvm_Error Message broke the detail line: $ERR"
grep -q $'\r' "$TMP/err" && fail "a CR from the host reached stderr"
ok "the Message's CRLFs became spaces on one line"
hv create fail-nil --json
expect_rc 1 "nil ErrorDescription, --json"
M=$NIL jcheck 'j["error"]["code"] == 32775' 'j["error"]["message"] == E["M"]' '"error code 32775" in j["error"]["detail"]' \
  'j["job"]["error_description"] is None'
expect_reqs GetError 1 "nil ErrorDescription, --json: one GetError"

# A Message longer than the room in the message, in three-byte characters:
# cut whole, so --json still has the message as a string.
hv create fail-long --json
expect_rc 1 "a long multi-byte Msvm_Error Message, --json"
jcheck 'isinstance(j["error"]["message"], str)' \
  'j["error"]["message"].startswith("チェックポイントの作成に失敗しました。")' \
  '"チェックポイントの作成に失敗しました。" * 20 not in j["error"]["message"]' \
  'len(j["error"]["message"].encode()) < 512' '"error code 32768 (Failed)" in j["error"]["detail"]'
expect_reqs GetError 1 "long Message: one GetError"
hv create fail-long
expect_rc 1 "a long multi-byte Msvm_Error Message"
python3 -S -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/err" \
  || fail "stderr is not UTF-8 after a long Message: $ERR"
ok "a long Message is cut at a character boundary"

hv apply failapply only
expect_rc 1 "a failing ApplySnapshot job"
expect_err "Injected apply failure."

# --- CompletedWithWarnings is success --------------------------------------------
hv create warn --json
expect_rc 0 "CompletedWithWarnings"
jcheck 'j["job"]["state"] == "Completed with warnings"' 'j["job"]["state_code"] == 32768' \
  'j["snapshot"]["id"]'
expect_reqs CreateSnapshot 1 "warnings: one CreateSnapshot"
hv create warn
expect_rc 0 "CompletedWithWarnings (human)"
expect_out "(Completed with warnings, "

# --- a job that never ends ---------------------------------------------------------
START=$(date +%s%N)
hv create stuck1 --wait-timeout 2
END=$(date +%s%N)
expect_rc 6 "--wait-timeout 2 on a job that never ends"
expect_err "gave up waiting for job"
expect_err "it goes on on the host"
STUCK=$(sed -n 's/^  job: //p' "$TMP/err")
[ -n "$STUCK" ] || fail "no job id on stderr: $ERR"
MS=$(( (END - START) / 1000000 ))
[ "$MS" -ge 1900 ] && [ "$MS" -lt 5000 ] || fail "waited $MS ms for --wait-timeout 2"
expect_reqs CreateSnapshot 1 "timed-out create: one CreateSnapshot"
GETS=$(reqs Get)
[ "$GETS" -ge 3 ] && [ "$GETS" -le 8 ] || fail "$GETS polls in 2 s (backoff up to 1 s)"
ok "gave up after $MS ms and $GETS polls, job id $STUCK on stderr"

hv job "$STUCK"
expect_rc 0 "the job goes on"
expect_out "state:    Running (4)"
hv job "$STUCK" --json
expect_rc 0 "job --json of a running job"
jcheck 'j["job"]["state"] == "Running"' '0 < j["job"]["percent"] < 100'
hv job "$STUCK" --wait --wait-timeout 1 --json
expect_rc 6 "job --wait --wait-timeout 1 on a job that never ends"
S=$STUCK jcheck 'j["error"]["kind"] == "timeout"' 'j["job"]["id"] == E["S"]' 'j["job"]["state"] == "Running"'

hv create stuck2 --wait-timeout 1 --json
expect_rc 6 "--wait-timeout, --json"
jcheck 'j["error"]["kind"] == "timeout"' 'j["job"]["id"]' 'j["job"]["state"] in ("New", "Running")'

hv create stuck1 --wait-timeout 1
expect_rc 1 "a VM busy with a checkpoint job refuses another"
expect_err "Invalid state"

# --- --no-wait ----------------------------------------------------------------------
hv create plain --no-wait
expect_rc 0 "--no-wait"
JOB=$(sed -n 's/^Checkpoint of plain started: job //p' "$TMP/out")
[ -n "$JOB" ] || fail "--no-wait prints the job id: $OUT"
expect_reqs CreateSnapshot 1 "--no-wait: one CreateSnapshot"
expect_reqs Get 1 "--no-wait: one look at the job"
expect_reqs Enumerate 1 "--no-wait: no snapshot lookup"
hv job "$JOB" --wait --json
expect_rc 0 "job --wait follows it to the end"
J=$JOB jcheck 'j["job"]["id"] == E["J"]' 'j["job"]["state"] == "Completed"' 'j["job"]["percent"] == 100'
[ "$(snaps plain 'len(j["snapshots"])')" = 1 ] || fail "the --no-wait checkpoint exists"
hv job "$JOB" --wait
expect_rc 0 "job --wait (human)"
expect_out "state:    Completed (7)"

hv create plain --no-wait --json
expect_rc 0 "--no-wait --json"
jcheck 'j["snapshot"] is None' 'j["job"]["id"]' 'j["vm"]["name"] == "plain"'
hv create plain --no-wait --name x
expect_rc 2 "--no-wait with --name"
expect_reqs all 0 "a usage error sends nothing"

# --- credentials: a password file, and a wrong password ------------------------------
printf '%s\n' "$PASSWORD" >"$TMP/pw"
env -u HVSNAP_PASSWORD "$HVSNAP" "${HV[@]}" --password-file "$TMP/pw" vms >"$TMP/out" 2>"$TMP/err" && RC=0 || RC=$?
no_sanitizer_report "--password-file"
expect_rc 0 "--password-file"
grep -qF "$PASSWORD" "$TMP/out" "$TMP/err" && fail "password shown"
HVSNAP_PASSWORD='not it' run_hvsnap "${HV[@]}" vms --json
no_sanitizer_report "wrong password"
expect_rc 4 "wrong password"
jcheck 'j["error"]["kind"] == "auth"'
env -u HVSNAP_PASSWORD "$HVSNAP" "${HV[@]}" vms </dev/null >"$TMP/out" 2>"$TMP/err" && RC=0 || RC=$?
no_sanitizer_report "no password"
expect_rc 2 "no password and no terminal"
run_hvsnap "${HV[@]}" --trace create plain
no_sanitizer_report "--trace create"
expect_rc 0 "create with --trace"
expect_err "CreateSnapshot_INPUT"
grep -qF -e "$PASSWORD" -e "$B64_SECRET" "$TMP/out" "$TMP/err" && fail "--trace leaked the password"
ok "--trace shows the SOAP but not the password"
stop_hvsim

# --- a job the host removed after it ended --------------------------------------------
start_hvsim vanish "$IT/cli-vanish.json"
hv create plain --no-wait
expect_rc 0 "--no-wait on a host that keeps jobs 50 ms"
JOB=$(sed -n 's/^Checkpoint of plain started: job //p' "$TMP/out")
sleep 0.4
# hvsim moves jobs on when a request arrives, so this read ends the job and
# starts its 50 ms retention.
[ "$(snaps plain 'len(j["snapshots"])')" = 1 ] || fail "the --no-wait checkpoint exists"
sleep 0.2
hv job "$JOB"
expect_rc 5 "a job that ended and was removed"
expect_err "job $JOB does not exist on the host"
expect_err "5 minutes"
hv job "$JOB" --json
expect_rc 5 "a removed job, --json"
jcheck 'j["error"]["kind"] == "not_found"' '"does not exist" in j["error"]["message"]'
hv job "$JOB" --wait
expect_rc 5 "job --wait on a removed job"
[ "$(snaps plain 'len(j["snapshots"])')" = 1 ] || fail "the checkpoint was made all the same"
ok "the checkpoint exists although its job is gone"
stop_hvsim

# --- polls paced by the job's progress ------------------------------------------
# A 2 s job whose PercentComplete rises steadily: after two looks the rate
# says when it ends, so it is seen done in about 5 Gets (a blind backoff
# from 100 ms took 7).
cat >"$TMP/paced.json" <<'EOF'
{ "users": [{"name": "admin", "password": "s3cret pass"}],
  "jobs": {"duration_ms": 2000},
  "vms": [{"name": "paced", "state": "off"}] }
EOF
start_hvsim paced "$TMP/paced.json"
hv create paced --json
expect_rc 0 "a 2 s create"
GETS=$(reqs Get)
[ "$GETS" -le 5 ] || fail "$GETS job polls for a 2 s job with steady progress ($(reqs_list))"
ok "a steadily progressing 2 s job: $GETS polls, seen done $(json_get 'j["job"]["elapsed_ms"]') ms after it started"
stop_hvsim
finish
