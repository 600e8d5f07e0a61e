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

# --- truncated: a read is tried once more; a lasting cut, or an Invoke, is exit 7 ----------
with_fault '{"kind": "truncated_body", "on_request": 1}'
hv vms
expect_rc 0 "a read cut short once is sent again"
expect_reqs Enumerate 2 "the Enumerate went out twice"
with_fault '{"kind": "truncated_body", "action_contains": "Enumerate"}'
hv vms
expect_rc 7 "every answer cut short"
expect_err "cut short"
with_fault '{"kind": "truncated_body", "action_contains": "CreateSnapshot"}'
hv create db01
expect_rc 7 "truncated answer to CreateSnapshot"
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
# libcurl would resend the POST on a fresh connection by itself; the
# transport refuses to rewind the body, so the user is told instead.
expect_rc 3 "connection dropped on CreateSnapshot"
expect_err "may have run on the host"
expect_reqs CreateSnapshot 0 "CreateSnapshot not sent again"

stop_hvsim
finish
