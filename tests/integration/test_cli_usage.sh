# hvsnap's command line without a host: --help for every command,
# --version, and usage errors (exit 2, before anything is sent; with
# --json also as {"error":{"kind":"usage"}} on stdout).
source "$(dirname "$0")/lib.sh"

for c in identify vms create list apply delete rename job; do
  run_hvsnap "$c" --help
  expect_rc 0 "$c --help"
  head -1 "$TMP/out" | grep -q "^Usage: hvsnap $c" || fail "$c --help: $OUT"
  run_hvsnap --help "$c"
  [ "$RC" = 0 ] && head -1 "$TMP/out" | grep -q "^Usage: hvsnap $c" || fail "--help $c"
  [ -z "$ERR" ] || fail "$c --help wrote stderr: $ERR"
done
run_hvsnap --help
expect_rc 0 "--help"
for c in identify vms create list apply delete rename job; do expect_out "  $c"; done
expect_out "Exit codes:"
run_hvsnap -h
expect_rc 0 "-h"
run_hvsnap --version
expect_rc 0 "--version"
echo "$OUT" | grep -Eq '^hvsnap [0-9]+\.[0-9]+\.[0-9]+' || fail "--version: $OUT"

export HVSNAP_HOST=127.0.0.1 HVSNAP_PORT=1 HVSNAP_USER=admin HVSNAP_AUTH=basic HVSNAP_PASSWORD=secret-not-used
usage() { # WHAT MESSAGE ARGS...: exit 2 with MESSAGE on stderr, nothing on stdout
  local what=$1 msg=$2; shift 2
  run_hvsnap "$@"
  if grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then fail "sanitizer report: $ERR"; fi
  expect_rc 2 "$what"
  expect_err "$msg"
  [ -z "$OUT" ] || fail "$what: stdout should be empty: $OUT"
}
usage "no command" "no command given"
usage "unknown command" "unknown command 'frobnicate'" frobnicate
usage "create without VM" "'create' needs more arguments" create
usage "list without VM" "'list' needs more arguments" list
usage "apply without SNAPSHOT" "'apply' needs more arguments" apply vm
usage "delete without SNAPSHOT" "'delete' needs more arguments" delete vm
usage "rename without NEWNAME" "'rename' needs more arguments" rename vm snap
usage "job without JOBID" "'job' needs more arguments" job
usage "vms with an operand" "too many arguments for 'vms'" vms extra
usage "rename with four operands" "too many arguments for 'rename'" rename a b c d
# two VMs are fleet mode (CLI.md), not a usage error: see test_fleet.sh
usage "fleet mode without a SNAPSHOT" "needs a SNAPSHOT" delete --all
usage "--parallel outside fleet mode" "belong to fleet mode" list a --parallel 4
usage "unknown option" "unknown option '--bogus'" vms --bogus
usage "unknown short option" "unknown option '-z'" -z vms
usage "option without its value" "option '--host' needs a value" vms --host
usage "flag given a value" "takes no value" vms --json=1
usage "--tree on list" "option '--tree' does not apply to this command" list vm --tree
usage "--name on vms" "option '--name' does not apply" vms --name x
usage "--wait on create" "option '--wait' does not apply" create vm --wait
usage "--no-wait on apply" "option '--no-wait' does not apply" apply vm s --no-wait
usage "--type on job" "option '--type' does not apply" job 1 --type standard
usage "--wait-timeout on list" "option '--wait-timeout' does not apply" list vm --wait-timeout 3
usage "bad --wait-timeout" "--wait-timeout: 'abc'" create vm --wait-timeout abc
usage "negative --wait-timeout" "--wait-timeout" create vm --wait-timeout -1
usage "bad --port" "--port: '70000'" -P 70000 vms
usage "bad --transport" "--transport: 'ftp'" --transport ftp vms
usage "bad --auth" "--auth: unknown authentication 'plain'" --auth plain vms
usage "there is no --password" "unknown option '--password'" --password hunter2 vms
usage "bad --type" "--type: 'bogus'" create vm --type bogus
usage "--no-wait with --type" "cannot be combined" create vm --no-wait --type standard
HVSNAP_PORT=x run_hvsnap vms
expect_rc 2 "bad HVSNAP_PORT"
HVSNAP_HOST= run_hvsnap vms
expect_rc 2 "no host"
expect_err "no host given"

# --json: the usage error is also the JSON error object on stdout
run_hvsnap --json create
expect_rc 2 "usage error with --json"
python3 -S -c 'import json,sys; j=json.load(open(sys.argv[1])); e=j["error"]
assert sorted(j) == ["error", "schema_version"] and e["kind"] == "usage" and "needs more arguments" in e["message"], j' "$TMP/out" \
  || fail "usage error JSON: $OUT"
run_hvsnap list --bogus --json
expect_rc 2 "unknown option before --json"
python3 -S -c 'import json,sys; assert json.load(open(sys.argv[1]))["error"]["kind"] == "usage"' "$TMP/out" || fail "JSON: $OUT"
run_hvsnap create vm --type bogus --json
expect_rc 2 "bad --type, --json"
python3 -S -c 'import json,sys; assert json.load(open(sys.argv[1]))["error"]["kind"] == "usage"' "$TMP/out" || fail "JSON: $OUT"
ok "usage errors reach --json users on stdout"
echo "$CHECKS checks passed"
