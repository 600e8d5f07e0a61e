# A create whose CreateSnapshot was answered with a job, but whose every
# poll then fails (HTTP 503 each time, the connection dropped each time, or
# a host that stalls): hvsnap must not leave the user guessing. It exits
# with the failure's code, names the job, says the checkpoint is still
# being made on the host and gives the command that follows it; --json
# carries the job id. The one CreateSnapshot is never sent again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

# scenario FAULT_JSON: a one-VM host whose job reads all meet FAULT_JSON.
scenario() {
  python3 -S - "$1" >"$TMP/s.json" <<'PY'
import json, sys
fault = json.loads(sys.argv[1])
fault["action_contains"] = "Msvm_ConcreteJob"
print(json.dumps({
    "host": "HVLOST",
    "users": [{"name": "admin", "password": "s3cret pass"}],
    "auth": {"basic": True, "negotiate": False},
    "jobs": {"duration_ms": 20000, "retention_ms": 300000},
    "vms": [{"name": "db01", "id": "C4C4C4C4-0000-4000-8000-000000000001", "state": "off"},
            {"name": "db02", "id": "C4C4C4C4-0000-4000-8000-000000000002", "state": "off"}],
    "faults": [fault]}))
PY
  echo "$TMP/s.json"
}

n=0
for case in '{"kind": "http_503"}:7' '{"kind": "drop_connection"}:3' \
            '{"kind": "latency", "latency_ms": 3000}:3'; do
  fault=${case%:*} want=${case##*:}
  # a stalled poll costs the whole --timeout: keep it short
  n=$((n + 1))
  start_hvsim "lost$n" "$(scenario "$fault")"
  hv create db01 --timeout 1
  expect_rc "$want" "create whose polls all fail ($fault)"
  expect_reqs CreateSnapshot 1 "$fault: one CreateSnapshot"
  expect_err "  job: "
  expect_err "the operation goes on on the host; follow it with: hvsnap job "
  job=$(sed -n 's/^  job: //p' "$TMP/err" | head -1)
  [ -n "$job" ] || fail "no job id on stderr: $ERR"
  grep -qF "hvsnap job $job --wait" "$TMP/err" || fail "the follow command names another job: $ERR"
  hv create db02 --timeout 1 --json
  expect_rc "$want" "the same with --json ($fault)"
  jcheck 'j["error"]["job_id"]' '"goes on on the host" in (j["error"]["detail"] or "") or "goes on on the host" in j["error"]["message"]'
  expect_reqs CreateSnapshot 1 "$fault, --json: one CreateSnapshot"
  stop_hvsim
done
finish
