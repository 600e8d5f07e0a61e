# hvsnap against a misbehaving host (hvsim fault injection): a dropped
# connection while polling (success, still one CreateSnapshot), garbage and
# truncated replies (exit 7, no crash), 503 (a poll is retried, anything
# else is a clear error), a host slower than --timeout, and a dropped
# CreateSnapshot (never sent twice). Each case gets a fresh hvsim whose
# "faults" come from cli-faults.json plus the rule given here.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

N=0
with_fault() { # FAULT-RULE-JSON: restarts hvsim with that one rule
  [ -n "${SIM_PID:-}" ] && stop_hvsim
  N=$((N + 1))
  python3 -S -c 'import json,sys
s = json.load(open(sys.argv[1])); s["faults"] = [json.loads(sys.argv[2])]
json.dump(s, open(sys.argv[3], "w"))' "$IT/cli-faults.json" "$1" "$TMP/f$N.json"
  start_hvsim "f$N" "$TMP/f$N.json"
}
snapshot_count() { snaps db01 'len(j["snapshots"])'; }

# --- dropped connection while polling: reconnect, go on, one CreateSnapshot -------
with_fault '{"kind": "drop_connection", "action_contains": "transfer/Get", "on_request": 2}'
hv create db01 --json
expect_rc 0 "connection dropped on the 2nd poll"
expect_reqs CreateSnapshot 1 "still exactly one CreateSnapshot"
expect_reqs fault 1 "the drop happened"
[ "$(tail -n +"$((MARK + 1))" "$LOG" | python3 -S -c 'import json,sys; print(len({json.loads(l)["connection"] for l in sys.stdin}))')" = 2 ] \
  || fail "a second connection was opened: $(reqs_list)"
jcheck 'j["job"]["state"] == "Completed"' 'j["snapshot"]["id"]'
ok "reconnected and finished: $(reqs_list)"
[ "$(snapshot_count)" = 1 ] || fail "one snapshot on the host"

# --- a truncated poll answer is a read: retried ----------------------------------------
with_fault '{"kind": "truncated_body", "action_contains": "transfer/Get", "on_request": 2}'
hv create db01
expect_rc 0 "truncated answer to a poll"
expect_reqs CreateSnapshot 1 "one CreateSnapshot after a truncated poll"

# --- 503 on a poll: Retry-After, the request was not processed: poll again ----------------
with_fault '{"kind": "http_503", "action_contains": "transfer/Get", "on_request": 2}'
hv create db01 --json
expect_rc 0 "503 once while polling"
expect_reqs CreateSnapshot 1 "one CreateSnapshot after a 503"
expect_reqs fault 1 "the 503 was sent"
jcheck 'j["job"]["state"] == "Completed"'

# --- 503 on anything else: a clear error, no crash -------------------------------------------
with_fault '{"kind": "http_503", "on_request": 1}'
hv vms
expect_rc 7 "503 on the first request"
expect_err "HTTP 503"
hv vms
expect_rc 0 "the next run works"
hv --json vms
expect_rc 0 "and again"

# --- garbage: exit 7 -----------------------------------------------------------------------
with_fault '{"kind": "http_500_garbage", "on_request": 1}'
hv vms --json
expect_rc 7 "HTTP 500 with a body that is not XML"
jcheck 'j["error"]["kind"] == "protocol"'
with_fault '{"kind": "http_500_garbage", "action_contains": "CreateSnapshot"}'
hv create db01
expect_rc 7 "garbage in answer to CreateSnapshot"
expect_err "not well-formed"
expect_err "may have run on the host"
expect_reqs fault 1 "CreateSnapshot sent once, not retried"
with_fault '{"kind": "http_500_garbage", "action_contains": "transfer/Get", "on_request": 2}'
hv create db01
expect_rc 7 "garbage in answer to a poll"
expect_reqs CreateSnapshot 1 "one CreateSnapshot"

# --- truncated: exit 7 wanted (issue 4) ------------------------------------------------------
with_fault '{"kind": "truncated_body", "on_request": 1}'
hv vms
if [ "$RC" = 3 ]; then
  known_bug "src/http/transport.c maps a truncated body (curl 18, Content-Length promised more) to CONNECT: exit 3, not 7"
  expect_err "closed before a complete response"
else
  expect_rc 7 "truncated answer to the first request"
fi
with_fault '{"kind": "truncated_body", "action_contains": "CreateSnapshot"}'
hv create db01
if [ "$RC" = 3 ]; then
  known_bug "same: truncated answer to CreateSnapshot gives exit 3, not 7"
else
  expect_rc 7 "truncated answer to CreateSnapshot"
fi
expect_err "may have run on the host"
expect_reqs CreateSnapshot 1 "a truncated CreateSnapshot is not sent again"
sleep 0.4
[ "$(snapshot_count)" = 1 ] || fail "hvsim ran the truncated CreateSnapshot"
ok "the user is told the checkpoint may exist, and it does"

# --- a host slower than --timeout: exit 3 --------------------------------------------------------
with_fault '{"kind": "latency", "latency_ms": 1500, "on_request": 1}'
hv --timeout 1 vms
expect_rc 3 "no answer within --timeout"

# --- the connection drops on CreateSnapshot itself: it must not be sent again ---------------------
with_fault '{"kind": "drop_connection", "action_contains": "CreateSnapshot", "on_request": 1}'
hv create db01
if [ "$RC" = 0 ] && [ "$(reqs CreateSnapshot)" = 1 ]; then
  # libcurl resent the POST on a fresh connection by itself (a reused
  # connection that died before any answer); hvsim dropped the first copy
  # unprocessed, but a real host may have run it: two checkpoints.
  known_bug "src/http/transport.c: libcurl silently resends an Invoke whose reused connection dropped (CreateSnapshot sent twice)"
else
  expect_rc 3 "connection dropped on CreateSnapshot"
  expect_err "may have run on the host"
  expect_reqs CreateSnapshot 0 "CreateSnapshot not sent again"
fi

stop_hvsim
finish
