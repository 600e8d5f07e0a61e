# Errors that say the fix: the hints the tool adds by error kind (TLS
# trust, a port speaking the other transport, a service that is not
# WinRM, credentials), exit 2 for local configuration errors, the URL
# form of -H, the HVSNAP_* variable of every connection option, the
# password file's rules, and the conveniences of the command line
# (help CMD, did-you-mean, -V). libhvsnap's own messages name no flags.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

# --- the library names no CLI flag or variable (API constants, HVSNAP_WMI_*, may be named)
python3 - "$HVSNAP_SOURCE_DIR"/src/{wsman,http,auth,hyperv}/*.c <<'PY' || fail "library messages above name CLI flags or variables"
import re, sys
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    # strings, comments and character constants, left to right
    tokens = r'"(?:[^"\\\n]|\\.)*"|/\*.*?\*/|//[^\n]*|\'(?:[^\'\\\n]|\\.)*\''
    for m in re.finditer(tokens, text, re.S):
        lit = m.group(0)
        if lit.startswith('"') and re.search(r"--[a-z]|HVSNAP_(?!WMI_)[A-Z]", lit):
            print("%s: %s" % (path, lit))
            bad = 1
sys.exit(bad)
PY
ok "library messages name no CLI flags"

printf '{"users":[{"name":"admin","password":"%s"}],"auth":{"basic":true}}\n' "$PASSWORD" >"$TMP/s.json"
start_hvsim tls "$TMP/s.json"
TLS_PORT=$PORT

# --- TLS trust: --cacert, --pin (with the key) and --insecure ----------------------
run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" --auth basic -u admin vms
expect_rc 3 "untrusted self-signed certificate"
expect_err "hint: the certificate"
expect_err "--cacert FILE"
expect_err "--pin $(pin_of host)"
expect_err "--insecure"
run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" --auth basic -u admin --json vms
expect_rc 3 "untrusted certificate, --json"
[ "$(json_get 'any("--cacert" in h for h in j["error"]["hints"])')" = True ] || fail "JSON hints: $OUT"
[ "$(json_get 'j["schema_version"]')" = 2 ] || fail "schema_version in an error: $OUT"
run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" --auth basic -u admin --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" --insecure vms
expect_rc 3 "wrong pin"
expect_err "use --pin $(pin_of host)"

# --- http to the https port: try --transport https -----------------------------------
run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" --transport http --auth ntlm -u admin vms
expect_rc 3 "http to an https port"
expect_err "speaks TLS: try --transport https"

# --- https to a plain-http port: try --transport http --------------------------------
"$HVSIM" --listen 127.0.0.1:0 --port-file "$TMP/plain.port" >/dev/null 2>&1 &
PIDS+=($!)
PLAIN_PORT=$(wait_port_file "$TMP/plain.port" "$!")
run_hvsnap -H 127.0.0.1 -P "$PLAIN_PORT" -u 'HVHOST\demo' vms
expect_rc 3 "https to a plain-http port"
expect_err "speaks plain HTTP, not TLS: try --transport http"

# --- a VM name that is not there: the closest one, and where names are -------------
HVSNAP_PASSWORD=demo run_hvsnap -H 127.0.0.1 -P "$PLAIN_PORT" --transport http -u 'HVHOST\demo' list web1
expect_rc 5 "a misspelt VM name"
expect_err "no VM named 'web1'"
expect_err "did you mean 'web01'?"
expect_err "'hvsnap vms' lists the VMs"
HVSNAP_PASSWORD=demo run_hvsnap -H 127.0.0.1 -P "$PLAIN_PORT" --transport http -u 'HVHOST\demo' list zzzzzzzz
expect_rc 5 "a VM name like no other"
if grep -q "did you mean" "$TMP/err"; then fail "suggested a VM for zzzzzzzz: $ERR"; fi

# --- a service that is not WinRM ------------------------------------------------------
python3 -m http.server 0 --bind 127.0.0.1 >"$TMP/httpd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'port [0-9]' "$TMP/httpd.out" && break; sleep 0.05; done
WEB_PORT=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$TMP/httpd.out" | head -1)
[ -n "$WEB_PORT" ] || fail "python http.server did not start"
run_hvsnap -H 127.0.0.1 -P "$WEB_PORT" --transport http -u 'HVHOST\demo' vms
expect_rc 7 "a web server that is not WinRM"
expect_err "is not a WinRM answer"

# --- nothing listening -----------------------------------------------------------------
run_hvsnap -H 127.0.0.1 -P 1 -u admin --auth basic vms
expect_rc 3 "nothing listening"
expect_err "is WinRM listening there?"

# --- -H host:port and the URL form ----------------------------------------------------------
run_hvsnap -H "127.0.0.1:$TLS_PORT" -u admin --auth basic vms
expect_rc 2 "-H host:port"
expect_err "use -H 127.0.0.1 -P $TLS_PORT"
run_hvsnap -H "[::1]:$TLS_PORT" -u admin --auth basic vms
expect_rc 2 "-H [v6]:port"
expect_err "use -H [::1] -P $TLS_PORT"
run_hvsnap -H "https://127.0.0.1:$TLS_PORT/wsman" -u admin --auth basic --cacert "$TMP/host.pem" vms
expect_rc 0 "-H https://host:port/wsman sets transport and port"
expect_out "NAME"
run_hvsnap -H "http://127.0.0.1:$PLAIN_PORT" -u 'HVHOST\demo' vms
[ "$RC" = 0 ] || [ "$RC" = 4 ] || fail "-H http://host:port did not reach the http host: $RC $ERR"
ok "-H http://host:port reaches an http host (exit $RC)"
run_hvsnap -H "https://127.0.0.1:$TLS_PORT/wsman" --transport http vms
expect_rc 2 "URL and --transport disagree"
expect_err "disagree"
run_hvsnap -H "https://127.0.0.1:$TLS_PORT/other" vms
expect_rc 2 "URL with another path"
expect_err "/wsman"

# --- local configuration errors are exit 2 --------------------------------------------------
for opt in --cacert --cert --key --password-file; do
  run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic "$opt" /nonexistent vms
  expect_rc 2 "$opt /nonexistent"
  expect_err "$opt: cannot read '/nonexistent'"
done
run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic --cacert "$TMP" vms
expect_rc 2 "--cacert DIRECTORY"
expect_err "is a directory"

# --- every connection option has its variable ---------------------------------------------
HVSNAP_CACERT=$TMP/host.pem run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic vms
expect_rc 0 "HVSNAP_CACERT"
HVSNAP_INSECURE=1 run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic vms
expect_rc 0 "HVSNAP_INSECURE=1"
HVSNAP_INSECURE=0 run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic vms
expect_rc 3 "HVSNAP_INSECURE=0"
HVSNAP_INSECURE=maybe run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin vms
expect_rc 2 "HVSNAP_INSECURE=maybe"
expect_err "HVSNAP_INSECURE"
HVSNAP_PIN=$(pin_of host) HVSNAP_INSECURE=yes run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic vms
expect_rc 0 "HVSNAP_PIN (right key)"
HVSNAP_PIN="sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" HVSNAP_INSECURE=yes \
  run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic vms
expect_rc 3 "HVSNAP_PIN (wrong key)"
HVSNAP_TIMEOUT=abc run_hvsnap -H 127.0.0.1 vms
expect_rc 2 "HVSNAP_TIMEOUT=abc"
expect_err "HVSNAP_TIMEOUT: 'abc'"
HVSNAP_ENCRYPTION=sometimes run_hvsnap -H 127.0.0.1 vms
expect_rc 2 "HVSNAP_ENCRYPTION=sometimes"
expect_err "HVSNAP_ENCRYPTION"
HVSNAP_CERT=/nonexistent run_hvsnap -H 127.0.0.1 vms
expect_rc 2 "HVSNAP_CERT=/nonexistent"
HVSNAP_SPN_SERVICE=WSMAN HVSNAP_SPN_HOST=h.example HVSNAP_ALLOW_INSECURE_BASIC=1 \
  run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic --cacert "$TMP/host.pem" vms
expect_rc 0 "the other variables parse"
HVSNAP_KEY=$TMP/host.key run_hvsnap -H 127.0.0.1 -P "$TLS_PORT" -u admin --auth basic --cacert "$TMP/host.pem" vms
expect_rc 2 "HVSNAP_KEY alone is read (a key without a certificate)"
HELP=$("$HVSNAP" --help)
for v in CACERT PIN INSECURE TIMEOUT ENCRYPTION CERT KEY SPN_SERVICE SPN_HOST PASSWORD_FILE ALLOW_INSECURE_BASIC; do
  grep -q "HVSNAP_$v" <<<"$HELP" || fail "--help does not document HVSNAP_$v"
  grep -q "HVSNAP_$v" "$HVSNAP_SOURCE_DIR/docs/hvsnap.1" || fail "the man page does not document HVSNAP_$v"
done
ok "--help and the man page name every variable"

# --- credentials -------------------------------------------------------------------------------
HV=(-H 127.0.0.1 -P "$TLS_PORT" --cacert "$TMP/host.pem" --auth basic -u admin)
HVSNAP_PASSWORD=wrong run_hvsnap "${HV[@]}" vms
expect_rc 4 "wrong password"
expect_err "the user name sent was 'admin'"
run_hvsnap -H 127.0.0.1 -P "$PLAIN_PORT" --transport http -u HVHOSTdemo vms
expect_rc 4 "an unquoted DOMAIN\\user"
expect_err "the user name sent was 'HVHOSTdemo'"
expect_err "quote it"
unset HVSNAP_PASSWORD
printf '%s\n' "$PASSWORD" | "$HVSNAP" "${HV[@]}" --password-file - vms >"$TMP/out" 2>"$TMP/err" \
  || fail "--password-file - : $(cat "$TMP/err")"
grep -q NAME "$TMP/out" || fail "--password-file -: $(cat "$TMP/out")"
ok "--password-file - reads stdin"
: >"$TMP/empty"
chmod 600 "$TMP/empty"
run_hvsnap "${HV[@]}" --password-file "$TMP/empty" vms
expect_rc 2 "empty password file"
expect_err "the password file is empty"
run_hvsnap "${HV[@]}" --password-file "$TMP" vms
expect_rc 2 "password file is a directory"
expect_err "is a directory"
printf '%s\n' "$PASSWORD" >"$TMP/pw"
chmod 644 "$TMP/pw"
run_hvsnap "${HV[@]}" --password-file "$TMP/pw" vms
expect_rc 0 "world-readable password file still works"
expect_err "warning: the password file"
expect_err "every user"
chmod 640 "$TMP/pw"
run_hvsnap "${HV[@]}" --password-file "$TMP/pw" vms
expect_err "its group"
chmod 600 "$TMP/pw"
run_hvsnap "${HV[@]}" --password-file "$TMP/pw" vms
expect_rc 0 "private password file"
[ -z "$ERR" ] || fail "a private password file got a warning: $ERR"
export HVSNAP_PASSWORD=$PASSWORD
stop_hvsim

# Basic refused by policy is not a wrong password
printf '{"users":[{"name":"admin","password":"%s"}],"auth":{"basic":false}}\n' "$PASSWORD" >"$TMP/nobasic.json"
start_hvsim nobasic "$TMP/nobasic.json"
hv vms
expect_rc 4 "Basic refused by policy"
expect_err "does not accept Basic"
expect_err "--auth negotiate"
if grep -q "check the user name" "$TMP/err"; then fail "Basic refused blamed the password: $ERR"; fi
ok "Basic refused is not blamed on the password"
stop_hvsim

# --- conveniences -------------------------------------------------------------------------------
run_hvsnap help list
expect_rc 0 "help list"
head -1 "$TMP/out" | grep -q '^Usage: hvsnap list' || fail "help list: $OUT"
run_hvsnap help
expect_rc 0 "help"
expect_out "Commands:"
run_hvsnap lsit web01
expect_rc 2 "a misspelt command"
expect_err "did you mean 'list'?"
run_hvsnap help lsit
expect_rc 2 "help for a misspelt command"
expect_err "did you mean 'list'?"
run_hvsnap frobnicate
expect_rc 2 "a word like no command"
if grep -q "did you mean" "$TMP/err"; then fail "suggested something for frobnicate: $ERR"; fi
run_hvsnap -V
expect_rc 0 "-V"
echo "$OUT" | grep -Eq '^hvsnap [0-9]+\.[0-9]+\.[0-9]+' || fail "-V: $OUT"

finish
