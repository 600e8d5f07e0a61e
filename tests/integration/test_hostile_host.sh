#!/usr/bin/env bash
# hvsnap against tests/tools/hostile_host.py, a raw-socket host that answers
# well up to one stage and then misbehaves (issue 13): endless enumeration,
# oversized pages, text and EPRs, stray and mismatched answers, empty Invoke
# bodies. Each must end quickly with the right exit code and words, never a
# hang, unbounded memory or a stray answer taken for the real one.
source "$(dirname "$0")/lib.sh"

HOSTILE=$HVSNAP_SOURCE_DIR/tests/tools/hostile_host.py
export HVSNAP_PASSWORD='hostile pass'

# hostile MODE [N]: starts the host in MODE; sets PORT and HLOG.
HOSTS=0
hostile() {
  HOSTS=$((HOSTS + 1))
  local name=$TMP/host$HOSTS
  python3 "$HOSTILE" --mode "$1" --n "${2:-1}" --port-file "$name.port" \
    --log "$name.log" &
  PIDS+=($!)
  PORT=$(wait_port_file "$name.port" "$!")
  HLOG=$name.log
}

# hv ARGS: hvsnap against the running host, bounded by a watchdog so a hang
# is a failure (exit 124), not a stuck suite.
hv() {
  run_hvsnap_bounded 60 -H 127.0.0.1 -P "$PORT" --transport http --auth basic \
    --allow-insecure-basic -u admin "$@"
  [ "$RC" -lt 124 ] || fail "hvsnap hung or died (exit $RC): $*; stderr: $ERR"
}
run_hvsnap_bounded() {
  local secs=$1; shift
  set +e
  timeout "$secs" "$HVSNAP" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}
requests() { wc -l <"$HLOG"; }

# --- the baseline: a well-behaved answer is accepted ----------------------------
hostile normal
hv vms
expect_rc 0 "vms against the well-behaved host"
expect_out web01

# --- 1. endless enumeration ---------------------------------------------------
hostile endless-enum 1
start=$(date +%s)
hv --timeout 3 vms
expect_rc 7 "one item per Pull, forever: stopped by the request deadline"
expect_err "enumeration was stopped after the 3 s request timeout"
[ $(( $(date +%s) - start )) -le 10 ] || fail "the deadline took more than 10 s"
ok "stopped within the deadline"

hostile endless-enum 100
hv vms
expect_rc 7 "full pages forever: stopped by the item bound"
expect_err "stopped after more than 100000 items"
[ "$(requests)" -le 1002 ] || fail "$(requests) requests for a 100000-item bound"
ok "no more Pulls than the bound needs: $(requests)"

# The raw enumeration of `wsman enumerate` keeps the same bounds (it shares
# the pager with the decoding iterator).
hostile endless-enum 1
start=$(date +%s)
hv --timeout 3 wsman enumerate Msvm_ComputerSystem
expect_rc 7 "wsman enumerate, one item per Pull forever: stopped by the request deadline"
expect_err "enumeration was stopped after the 3 s request timeout"
[ $(( $(date +%s) - start )) -le 10 ] || fail "wsman enumerate: the deadline took more than 10 s"
[ -z "$OUT" ] || fail "wsman enumerate printed items of an enumeration it stopped"
ok "wsman enumerate stopped within the deadline, nothing printed"

hostile endless-enum 100
hv wsman enumerate Msvm_ComputerSystem
expect_rc 7 "wsman enumerate: 100 items in a page when none was asked for (one by default)"
expect_err "more items in one page than the 1 asked for (MaxElements)"
[ "$(requests)" -le 2 ] || fail "wsman enumerate went on after a refused page: $(requests) requests"

# --- 2. memory under the body cap ----------------------------------------------
hostile enum-items 101
hv vms
expect_rc 7 "101 items when MaxElements asked for 100"
expect_err "more items in one page than the 100 asked for (MaxElements)"
[ -z "$OUT" ] || fail "items of a refused page were printed: $OUT"
ok "nothing printed from the refused page"

hostile enum-items 100
hv vms
expect_rc 0 "exactly MaxElements items"

hostile big-text 300000
hv vms
expect_rc 7 "a 300,000-byte VM name"
expect_err "over the 262144-byte limit for one value"

hostile empty-elements 200000
hv vms
expect_rc 7 "1.6 MB of empty elements, over the reply cap"
expect_err "response larger than 528384 bytes"

hostile job-selectors 200000
hv create web01
expect_rc 7 "a job EPR with 200,000 selectors (reply over the cap)"
expect_err "may have run on the host"

hostile job-selectors 65
hv create web01
expect_rc 7 "a job EPR with 65 selectors"
expect_err "an EPR has more than 64 selectors"
expect_err "CreateSnapshot may have run on the host"

# --- 5. stray and mismatched answers -------------------------------------------
hostile relatesto-mismatch
hv vms
expect_rc 7 "an answer related to another message"
expect_err "relates to another message"

hostile stray-500
hv create web01
expect_rc 7 "an unrequested 500 after the VM lookup, read while waiting for CreateSnapshot"
expect_err "relates to another message"
expect_err "CreateSnapshot may have run on the host"
if grep -qF "unrequested answer" "$TMP/err"; then fail "the stray's text was shown as the answer: $ERR"; fi
ok "the stray's text is not taken as the host's answer"

# --- 6. an empty Body answering an Invoke --------------------------------------
hostile empty-invoke-body
hv create web01
expect_rc 7 "CreateSnapshot answered with an empty Body"
expect_err "got an empty body"
expect_err "CreateSnapshot may have run on the host"

# --- 7. exit codes and words for what is not WinRM ------------------------------
hostile no-status-line
hv vms
expect_rc 3 "an answer without a status line"
expect_err "does not speak HTTP"
if grep -qF "invalid endpoint URL" "$TMP/err"; then fail "blamed the URL: $ERR"; fi

hostile ssh-banner
hv vms
expect_rc 3 "an SSH banner on the port"
expect_err "does not speak HTTP"

hostile huge-header
hv vms
expect_rc 7 "a 1 MB header line"
expect_err "headers are larger than libcurl accepts"
if grep -qF "out of memory" "$TMP/err"; then fail "called it out of memory: $ERR"; fi

hostile ntlm-rechallenge
hv --auth ntlm vms
expect_rc 4 "a second NTLM CHALLENGE after AUTHENTICATE"
expect_err "second CHALLENGE"
if grep -qF "before NEGOTIATE" "$TMP/err"; then fail "an internal-error message: $ERR"; fi

# --- 8. control characters reach no terminal -----------------------------------
# no_raw_controls FILE WHAT: FILE holds no ESC, no other C0 but newline/tab,
# and no C1 control as UTF-8
no_raw_controls() {
  if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; then
    fail "raw control characters in $2: $(cat -v "$1" | head -c 400)"
  fi
  ok "no raw control characters in $2"
}
C1_TEXT=$'\u009b31m\u009d0;owned\u009c'
hostile c1-fault
hv --json vms
expect_rc 1 "a fault whose text holds C1 controls, --json"
no_raw_controls "$TMP/out" "the JSON fault message"
expect_out '\u009b31m\u009d0;owned\u009c'
[ "$(json_get 'j["error"]["message"]')" = "the host says $C1_TEXT" ] || fail "JSON does not decode to the host's text"
ok "the escaped JSON decodes to the host's exact text"

hostile c1-names
hv --json vms
expect_rc 0 "a VM name with C1 controls, --json"
no_raw_controls "$TMP/out" "the JSON VM name"
[ "$(json_get 'j["vms"][0]["name"]')" = "web01$C1_TEXT" ] || fail "VM name altered: $OUT"
ok "the VM name decodes unchanged"

hostile c1-authenticate
hv --json vms
expect_rc 4 "a WWW-Authenticate value with C1 controls, --json"
no_raw_controls "$TMP/out" "the JSON WWW-Authenticate detail"

hostile esc-body
hv --trace vms
expect_rc 7 "a body of ESC and C1 sequences, --trace"
no_raw_controls "$TMP/err" "the --trace dump"
expect_err '\x1b[2J'

# --- 3. long chains and parent cycles: list stays near-linear, loops never ----
# 20,000 checkpoints in one chain, plus one whose parent is not there: every
# one printed once, the orphan marked, in a bounded time (the old tree was
# cubic and never finished). Deep levels stop indenting and show their depth.
hostile snapshot-chain 20000
hv list web01
expect_rc 0 "list of a 20,000-checkpoint chain"
[ "$(grep -c '  5A5A5A5A-' "$TMP/out")" = 20001 ] || fail "not every checkpoint printed once"
expect_out "c20000 (parent missing)"
expect_out "[19999] "
awk 'length > 400 { exit 1 }' "$TMP/out" || fail "a line of the deep chain is over 400 bytes"
ok "20,001 checkpoints, each once; indentation bounded"
hv list web01 --json
expect_rc 0 "list --json of the chain"
[ "$(python3 -S -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["snapshots"]))' "$TMP/out")" = 20001 ] \
  || fail "JSON lists another number of checkpoints"
hv apply web01 c19999 --wait-timeout 1
[ "$RC" != 5 ] || fail "apply could not find the deepest checkpoint: $ERR"
ok "apply finds the deepest checkpoint of the chain through the same lookup"

# 3,000 checkpoints whose parents form one cycle: shown once each, marked.
hostile snapshot-cycle 3000
hv list web01
expect_rc 0 "list of a 3,000-link parent cycle"
[ "$(grep -c '  5A5A5A5A-' "$TMP/out")" = 3000 ] || fail "not every cycle member printed once"
expect_out "(in a parent cycle)"
hv rename web01 c1500 renamed --wait-timeout 1
[ "$RC" != 5 ] || fail "rename could not find a checkpoint on the cycle: $ERR"
ok "rename finds a checkpoint on the cycle"

echo "PASS ($CHECKS checks)"
