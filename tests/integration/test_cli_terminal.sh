# A hostile host cannot drive the user's terminal: control characters in
# names it sends are shown as '?' in human output and kept exactly in JSON.
# XML 1.0 cannot carry C0 controls such as ESC (hvsim writes them as '?',
# and a parser refuses them), but it can carry the C1 controls, U+009B
# (CSI, an ESC[ to many terminals) among them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

python3 - "$TMP/evil.json" <<'PY'
import json, sys
json.dump({"host": "HVEVIL",
           "users": [{"name": "admin", "domain": "HVEVIL", "password": "s3cret pass"}],
           "auth": {"basic": True},
           "vms": [{"name": "web\u001b[2J\u001b]0;owned\u0007\u009b31m01", "state": "off",
                    "id": "31111111-2222-4333-8444-555555555501",
                    "snapshots": [{"name": "snap\u001b[1Ax"}]}]},
          open(sys.argv[1], "w"))
PY
start_hvsim evil "$TMP/evil.json"

hv vms
expect_rc 0 "vms with control characters in a VM name"
if LC_ALL=C grep -q $'\x1b\|\x07\|\xc2\x9b' "$TMP/out"; then fail "control characters reached the terminal: $(od -c "$TMP/out" | head)"; fi
expect_out "web?[2J?]0;owned??31m01"
ok "escape sequences shown as '?'"

hv list 31111111-2222-4333-8444-555555555501
expect_rc 0 "list, by id (no WQL literal can carry a control character)"
if LC_ALL=C grep -q $'\x1b' "$TMP/out"; then fail "control characters in the tree"; fi
expect_out "snap?[1Ax"

hv vms --json
expect_rc 0 "vms --json"
[ "$(json_get 'j["vms"][0]["name"] == "web?[2J?]0;owned?\u009b31m01"')" = True ] || fail "JSON lost the exact name: $OUT"
ok "JSON keeps the exact name, escaped"

stop_hvsim
finish
