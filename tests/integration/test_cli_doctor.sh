# hvsnap doctor against hvsim put into each failure doctor knows: every
# problem is named by its check with its fix, a good host is all ok (exit
# 0), and a failed check makes the exit code non-zero.
source "$HVSNAP_SOURCE_DIR/tests/integration/lib.sh"
# A certificate far from expiry (cli_lib.sh's lives 2 days, which doctor
# rightly warns about; that warning is checked below with it).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$TMP/host.key" -out "$TMP/host.pem" -days 400 -subj "/CN=localhost" \
  -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" >/dev/null 2>&1 \
  || fail "openssl could not make a certificate"
source "$HVSNAP_SOURCE_DIR/tests/integration/cli_lib.sh"

# scenario NAME JSON-FRAGMENT: a scenario file with user admin plus the
# fragment's keys.
scenario() {
  printf '{"users":[{"name":"admin","password":"%s"},{"name":"local","password":"%s","uac_filtered":true}]%s}\n' \
    "$PASSWORD" "$PASSWORD" "${2:+,$2}" >"$TMP/$1.json"
}

# doctor_json ARGS: runs doctor --json; STATUS_OF CHECK then reads a check.
doctor_json() { hv doctor --json "$@"; }
status_of() { json_get "[c['status'] for c in j if c['check'] == '$1'][0]"; }
fix_of() { json_get "[c['fix'] for c in j if c['check'] == '$1'][0]"; }
has_check() { json_get "any(c['check'] == '$1' for c in j)"; }

# A good host over https with NTLM: every check ok, exit 0.
scenario good '"auth":{"basic":false}'
start_hvsim good "$TMP/good.json"
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u admin --cacert "$TMP/host.pem")
hv doctor
expect_rc 0 "doctor on a good host"
! grep -qE '^(warn|fail)' "$TMP/out" || fail "a good host had problems: $OUT"
for c in "name resolution" tcp "tls chain" "tls name" "tls expiry" identify "auth schemes" \
         clock authentication "message encryption" "channel binding" root/virtualization/v2 \
         winrm/config AllowUnencrypted Basic CbtHardeningLevel MaxEnvelopeSizekb MaxTimeoutms \
         "WMI quotas"; do
  grep -qE "^ok +$c " "$TMP/out" || fail "no ok line for $c: $OUT"
done
ok "each check has an ok line"
doctor_json
expect_rc 0 "doctor --json on a good host"
[ "$(json_get 'all(set(c) == {"check","status","detail","fix"} for c in j)')" = True ] || fail "json shape: $OUT"
[ "$(json_get 'all(c["status"] == "ok" and c["fix"] is None for c in j)')" = True ] || fail "json statuses: $OUT"
# the pin: right is ok, wrong is a failure naming the right one
hv doctor --pin "$(pin_of host)"
expect_rc 0 "doctor with the right pin"
expect_out "the key matches --pin"
doctor_json --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
expect_rc 1 "doctor with a wrong pin"
[ "$(status_of 'tls pin')" = fail ] || fail "pin: $OUT"
fix_of 'tls pin' | grep -qF "$(pin_of host)" || fail "the pin fix does not name the key: $OUT"
# an untrusted certificate: fail, fix names --cacert
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u admin)
doctor_json
expect_rc 1 "doctor without the CA"
[ "$(status_of 'tls chain')" = fail ] || fail "chain: $OUT"
fix_of 'tls chain' | grep -q -- --cacert || fail "chain fix: $OUT"
[ "$(has_check authentication)" = False ] || fail "doctor went on after TLS failed: $OUT"
# a name the certificate does not hold (it names localhost, not ::1's
# spelling "ip6-localhost"); trusted, so only the name fails
if getent hosts ip6-localhost >/dev/null 2>&1; then
  HV=(-H ip6-localhost -P "$PORT" --auth ntlm -u admin --cacert "$TMP/host.pem")
  doctor_json
  if [ "$(has_check 'tls name')" = True ]; then
    [ "$(status_of 'tls name')" = fail ] || fail "name: $OUT"
    ok "a certificate without the host's name fails 'tls name'"
  fi
fi
# a local administrator under UAC filtering: authentication ok, namespace refused
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u local --cacert "$TMP/host.pem")
doctor_json
expect_rc 1 "doctor as a UAC-filtered local admin"
[ "$(status_of authentication)" = ok ] || fail "auth: $OUT"
[ "$(status_of root/virtualization/v2)" = fail ] || fail "namespace: $OUT"
fix_of root/virtualization/v2 | grep -q LocalAccountTokenFilterPolicy || fail "UAC fix: $OUT"
[ "$(status_of winrm/config)" = warn ] || fail "config for a non-admin: $OUT"
# a wrong password: authentication fails, nothing after it runs
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u admin --cacert "$TMP/host.pem")
HVSNAP_PASSWORD=wrong doctor_json
expect_rc 1 "doctor with a wrong password"
[ "$(status_of authentication)" = fail ] || fail "auth: $OUT"
[ "$(has_check root/virtualization/v2)" = False ] || fail "went on after auth failed: $OUT"
# https to the port with --transport http: it speaks TLS
HV=(-H 127.0.0.1 -P "$PORT" --transport http --auth ntlm -u admin)
doctor_json
expect_rc 1 "doctor with http against https"
[ "$(status_of http)" = fail ] || fail "http: $OUT"
fix_of http | grep -q -- "--transport https" || fail "http fix: $OUT"
stop_hvsim

# A Basic-only host asked for Negotiate; and the same host's weak config
scenario basiconly '"auth":{"negotiate":false,"basic":true}'
start_hvsim basiconly "$TMP/basiconly.json"
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u admin --cacert "$TMP/host.pem")
doctor_json
expect_rc 1 "doctor: Negotiate not offered"
[ "$(status_of 'auth schemes')" = fail ] || fail "schemes: $OUT"
fix_of 'auth schemes' | grep -qF 'Negotiate="true"' || fail "schemes fix: $OUT"
HV=(-H 127.0.0.1 -P "$PORT" --auth basic -u admin --cacert "$TMP/host.pem")
doctor_json
expect_rc 0 "doctor: Basic on a Basic host (warnings only)"
[ "$(status_of Basic)" = warn ] || fail "Basic=true: $OUT"
fix_of Basic | grep -qF 'winrm set winrm/config/service/auth @{Basic="false"}' || fail "Basic fix: $OUT"
stop_hvsim

# A Negotiate-only host asked for Basic
scenario nobasic '"auth":{"basic":false}'
start_hvsim nobasic "$TMP/nobasic.json"
HV=(-H 127.0.0.1 -P "$PORT" --auth basic -u admin --cacert "$TMP/host.pem")
doctor_json
expect_rc 1 "doctor: Basic not offered"
[ "$(status_of 'auth schemes')" = fail ] || fail "schemes: $OUT"
stop_hvsim

# CBT Strict, AllowUnencrypted, small envelope, short timeout, low quotas, clock skew
scenario weak '"auth":{"cbt_hardening":"strict","allow_unencrypted":true},
 "quirks":{"clock_skew_s":900},
 "winrm_config":{"max_envelope_size_kb":150,"max_timeout_ms":30000,
   "max_concurrent_operations_per_user":10,"wmi_max_concurrent_operations_per_user":5}'
start_hvsim weak "$TMP/weak.json"
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u admin --cacert "$TMP/host.pem")
hv doctor
expect_rc 0 "doctor on a weakly configured host (warnings only)"
expect_out "CbtHardeningLevel      Strict"
grep -qE '^warn +AllowUnencrypted .*AllowUnencrypted="false"' "$TMP/out" || fail "AllowUnencrypted: $OUT"
grep -qE '^warn +MaxEnvelopeSizekb .*MaxEnvelopeSizekb="500"' "$TMP/out" || fail "envelope: $OUT"
grep -qE '^warn +MaxTimeoutms .*MaxTimeoutms="60000"' "$TMP/out" || fail "timeout: $OUT"
grep -qE '^warn +MaxConcurrentOperationsPerUser ' "$TMP/out" || fail "service quota: $OUT"
grep -qF 'WSMan:\localhost\Plugin\WMI Provider\Quotas\MaxConcurrentOperationsPerUser' "$TMP/out" || fail "plugin quota: $OUT"
grep -qE '^warn +clock .*\+(89[0-9]|90[0-9]) s' "$TMP/out" || fail "clock skew: $OUT"
ok "doctor names each weak setting with its fix"
# the same skew is a failure when Kerberos would be used
HV=(-H localhost -P "$PORT" --auth kerberos --cacert "$TMP/host.pem")
HVSNAP_PASSWORD= doctor_json
expect_rc 1 "doctor: clock skew with Kerberos"
[ "$(status_of clock)" = fail ] || fail "clock with kerberos: $OUT"
fix_of clock | grep -q w32tm || fail "clock fix: $OUT"
[ "$(has_check authentication)" = False ] || fail "went on with a clock Kerberos refuses: $OUT"
# Kerberos by address: the SPN check fails
HV=(-H 127.0.0.1 -P "$PORT" --auth kerberos --cacert "$TMP/host.pem")
HVSNAP_PASSWORD= doctor_json
[ "$(status_of kerberos)" = fail ] || fail "kerberos SPN: $OUT"
fix_of kerberos | grep -q -- --spn-host || fail "SPN fix: $OUT"
stop_hvsim

# winrm/config not readable; plain http with encryption required
scenario closed '"winrm_config":{"readable":false}'
"$HVSIM" --scenario "$TMP/closed.json" --listen 127.0.0.1:0 --port-file "$TMP/closed.port" \
  --log "$TMP/closed.log" >/dev/null 2>"$TMP/closed.stderr" &
PIDS+=($!); SIM_PID=$!
PORT=$(wait_port_file "$TMP/closed.port" "$SIM_PID"); LOG=$TMP/closed.log
HV=(-H 127.0.0.1 -P "$PORT" --transport http --auth ntlm -u admin)
doctor_json
expect_rc 0 "doctor when winrm/config is not readable"
[ "$(status_of winrm/config)" = warn ] || fail "config unreadable: $OUT"
[ "$(status_of 'WMI quotas')" = warn ] || fail "quotas unreadable: $OUT"
[ "$(has_check MaxEnvelopeSizekb)" = False ] || fail "config values without a config: $OUT"
[ "$(status_of 'message encryption')" = ok ] || fail "sealing: $OUT"
# --encryption never against a host that requires it
doctor_json --encryption never
expect_rc 1 "doctor with --encryption never against AllowUnencrypted=false"
[ "$(status_of authentication)" = fail ] || fail "plaintext refused: $OUT"
fix_of authentication | grep -q -- "--encryption auto" || fail "encryption fix: $OUT"
# https to the plain-http port
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u admin)
doctor_json
expect_rc 1 "doctor with https against http"
[ "$(status_of tls)" = fail ] || fail "tls on http: $OUT"
json_get "[c['detail'] for c in j if c['check'] == 'tls'][0]" | grep -q "plain HTTP" || fail "plain http not named: $OUT"
stop_hvsim

# nothing listening; a name that does not resolve
HV=(-H 127.0.0.1 -P "$PORT" --transport http -u admin)
doctor_json
expect_rc 1 "doctor with nothing listening"
[ "$(status_of tcp)" = fail ] || fail "tcp: $OUT"
HV=(-H no-such-host.invalid --transport http -u admin)
doctor_json
expect_rc 1 "doctor with an unknown name"
[ "$(status_of 'name resolution')" = fail ] || fail "resolve: $OUT"
[ "$(json_get 'len(j)')" = 1 ] || fail "went on after the name failed: $OUT"
# a certificate about to expire: a warning, not a failure
make_cert short
"$HVSIM" --https --cert "$TMP/short.pem" --key "$TMP/short.key" --listen 127.0.0.1:0 \
  --port-file "$TMP/short.port" --log "$TMP/short.log" >/dev/null 2>&1 &
PIDS+=($!); SIM_PID=$!
PORT=$(wait_port_file "$TMP/short.port" "$SIM_PID"); LOG=$TMP/short.log
HV=(-H 127.0.0.1 -P "$PORT" --auth ntlm -u 'HVHOST\demo' --cacert "$TMP/short.pem")
HVSNAP_PASSWORD=demo doctor_json
expect_rc 0 "doctor with a certificate that expires in 2 days"
[ "$(status_of 'tls expiry')" = warn ] || fail "expiry: $OUT"
stop_hvsim
echo "all $CHECKS checks passed"
