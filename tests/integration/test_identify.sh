# hvsnap identify end to end over https + Basic (and its failure modes),
# against the loopback responder serving a recorded-format Identify reply.
source "$(dirname "$0")/lib.sh"

FIX=$HVSNAP_SOURCE_DIR/fixtures
RESPONDER=$HVSNAP_SOURCE_DIR/tests/tools/responder.py
make_cert host
make_cert other

start_responder() { # NAME ARGS...: starts one, sets PORT
  local name=$1; shift
  python3 "$RESPONDER" --port-file "$TMP/$name.port" --log "$TMP/$name.log" "$@" &
  PIDS+=($!)
  PORT=$(wait_port_file "$TMP/$name.port" "$!")
}

start_responder tls --https --cert "$TMP/host.pem" --key "$TMP/host.key" \
  --basic 'HVHOST\demo:s3cret pass' --www-authenticate 'Basic realm="WSMAN"' \
  --www-authenticate Negotiate --body "$FIX/identify_response.xml"
TLS_PORT=$PORT

export HVSNAP_PASSWORD='s3cret pass'
COMMON=(-H 127.0.0.1 -P "$TLS_PORT" --auth basic -u 'HVHOST\demo')

run_hvsnap "${COMMON[@]}" --cacert "$TMP/host.pem" identify
expect_rc 0 "identify over https+Basic with --cacert"
expect_out "Vendor:    Microsoft Corporation"
expect_out "Stack: 3.0"
[ "$(grep -c '"path"' "$TMP/tls.log")" = 1 ] || fail "Basic must be sent with the first request (no 401 round trip)"
ok "Basic sent with the first request: one HTTP request"

run_hvsnap identify "${COMMON[@]}" --cacert "$TMP/host.pem" --json
expect_rc 0 "options after the command, --json"
[ "$(json_get 'j["product_vendor"]')" = "Microsoft Corporation" ] || fail "JSON vendor"
[ "$(json_get 'len(j["security_profiles"])')" = 2 ] || fail "JSON profiles"
ok "JSON fields"

run_hvsnap "${COMMON[@]}" --cacert "$TMP/host.pem" --trace identify
expect_rc 0 "identify with --trace"
expect_err "IdentifyResponse"
b64=$(printf '%s' 'HVHOST\demo:s3cret pass' | base64)
if grep -qF -e 's3cret' -e "$b64" "$TMP/err" "$TMP/out"; then fail "the password leaked into output"; fi
ok "trace shows SOAP but not the password"

run_hvsnap "${COMMON[@]}" identify
expect_rc 3 "self-signed certificate without --cacert is a TLS failure"

run_hvsnap "${COMMON[@]}" --insecure identify
expect_rc 0 "--insecure"

run_hvsnap "${COMMON[@]}" --pin "$(pin_of host)" identify
expect_rc 0 "--pin with the host's key"

run_hvsnap "${COMMON[@]}" --pin "$(pin_of other)" identify
expect_rc 3 "--pin with another key"

run_hvsnap "${COMMON[@]}" --pin "sha256//notbase64!" identify
expect_rc 2 "malformed --pin"

HVSNAP_PASSWORD=wrong run_hvsnap "${COMMON[@]}" --cacert "$TMP/host.pem" identify
expect_rc 4 "wrong password"
expect_err "rejected"

HVSNAP_PASSWORD=wrong run_hvsnap "${COMMON[@]}" --cacert "$TMP/host.pem" --json identify
expect_rc 4 "wrong password, --json"
[ "$(json_get 'j["error"]["kind"]')" = auth ] || fail "JSON error kind"
[ "$(json_get 'j["error"]["code"]')" = 401 ] || fail "JSON error code"
ok "JSON error object"

run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" --transport http --auth basic -u demo identify
expect_rc 2 "Basic over http is refused without --allow-insecure-basic"
expect_err "allow-insecure-basic"

run_hvsnap -H 127.0.0.1 -P 1 --auth basic -u demo --cacert "$TMP/host.pem" identify
expect_rc 3 "nothing listening"

run_hvsnap identify
expect_rc 2 "no host"

run_hvsnap -H 127.0.0.1 frobnicate
expect_rc 2 "unknown command"

run_hvsnap --password 'x' identify
expect_rc 2 "there is no --password option"

# Unauthenticated Identify over http, and hostile replies.
start_responder plain --body "$FIX/identify_response.xml"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http identify
expect_rc 0 "anonymous identify over http"
grep -q 'unauthenticated' "$TMP/plain.log" || fail "WSMANIDENTIFY header not sent"
ok "WSMANIDENTIFY: unauthenticated header sent"

printf 'this is not XML <<<' > "$TMP/garbage"
start_responder garbage --status 500 --body "$TMP/garbage"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http identify
expect_rc 7 "HTTP 500 with garbage"

head -c 300 "$FIX/identify_response.xml" > "$TMP/truncated"
start_responder trunc --body "$TMP/truncated"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http identify
expect_rc 7 "truncated reply"

start_responder fault --status 500 --body "$FIX/fault_access_denied.xml"
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http identify
expect_rc 4 "AccessDenied fault"

if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
  start_responder v6 --ipv6 --body "$FIX/identify_response.xml"
  run_hvsnap -H ::1 -P "$PORT" --transport http identify
  expect_rc 0 "IPv6 literal without brackets"
  run_hvsnap -H '[::1]' -P "$PORT" --transport http identify
  expect_rc 0 "IPv6 literal with brackets"
else
  echo "note: ::1 cannot be bound here; IPv6 checks not run"
fi

echo "$CHECKS checks passed"
