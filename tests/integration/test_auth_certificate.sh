# Client-certificate authentication (WinRM's https/mutual profile) between
# hvsnap (libcurl/OpenSSL) and hvsim (libmicrohttpd/GnuTLS): a certificate
# from the trusted client CA whose UPN names a user gets in; one from
# another CA, one whose UPN names nobody, one without a UPN, one for server
# use only, or none at all gets a 401 (exit 4); local mistakes with --cert
# and --key (missing, http, wrong key, encrypted key) are usage errors
# (exit 2) that say what is wrong, before any connection. A connection
# dropped mid-job is replaced and authenticated by the certificate again.
source "$(dirname "$0")/lib.sh"

HVSIM=$HVSNAP_BUILD_DIR/hvsim
MUTUAL=http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual
make_cert host

# make_ca NAME: a CA that signs client certificates.
make_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$TMP/$1.key" -out "$TMP/$1.pem" -days 2 -subj "/CN=$1" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 \
    || fail "openssl could not make CA $1"
}

# make_client NAME CA EXTENSIONS: a client certificate NAME.pem/NAME.key
# signed by CA, with the given x509v3 extension lines ("" for none).
make_client() {
  local name=$1 ca=$2 ext=$3
  printf '%b' "$ext" >"$TMP/$name.ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$TMP/$name.key" -out "$TMP/$name.csr" -subj "/CN=$name" >/dev/null 2>&1 \
    || fail "openssl could not make a key for $name"
  openssl x509 -req -in "$TMP/$name.csr" -CA "$TMP/$ca.pem" -CAkey "$TMP/$ca.key" \
    -CAcreateserial -out "$TMP/$name.pem" -days 2 -extfile "$TMP/$name.ext" >/dev/null 2>&1 \
    || fail "openssl could not sign $name"
}

UPN=1.3.6.1.4.1.311.20.2.3
CLIENT_EKU='extendedKeyUsage=clientAuth\n'
make_ca clientca
make_ca otherca
# WinRM's recipe for a local account: UPN user@localhost, EKU Client Auth
make_client admin clientca "subjectAltName=otherName:$UPN;UTF8:admin@localhost\n$CLIENT_EKU"
# the user's domain works as the UPN suffix too
make_client admin-dom clientca "subjectAltName=otherName:$UPN;UTF8:admin@hvcert\n$CLIENT_EKU"
make_client stranger clientca "subjectAltName=otherName:$UPN;UTF8:nobody@localhost\n$CLIENT_EKU"
# CN=cn-only but no UPN: WinRM maps by UPN, never by CN
make_client cn-only clientca "$CLIENT_EKU"
# the same UPN as admin, issued by a CA the host does not trust
make_client forged otherca "subjectAltName=otherName:$UPN;UTF8:admin@localhost\n$CLIENT_EKU"
make_client server-only clientca "subjectAltName=otherName:$UPN;UTF8:admin@localhost\nextendedKeyUsage=serverAuth\n"
# no UPN, but pinned by users[].certificate
make_client ops-cert clientca "$CLIENT_EKU"

scenario() { # FILE AUTH-JSON [MORE-KEYS]
  cat >"$1" <<JSON
{"host": "HVCERT",
 "users": [{"name": "admin", "password": "Cert pass 1"},
           {"name": "ops", "certificate": "$TMP/ops-cert.pem"}],
 "auth": $2,
 "jobs": {"duration_ms": 300},
 "vms": [{"name": "web01", "state": "running"}, {"name": "db01"}]${3:-}}
JSON
}
scenario "$TMP/cert.json" "{\"client_ca\": \"$TMP/clientca.pem\"}"
scenario "$TMP/nocert.json" "{}"

start_sim() { # NAME SCENARIO ARGS...: sets PORT, LOG, SIM_PID
  local name=$1 sc=$2; shift 2
  "$HVSIM" --scenario "$sc" --listen 127.0.0.1:0 --port-file "$TMP/$name.port" \
    --log "$TMP/$name.log" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  SIM_PID=$!
  PIDS+=("$SIM_PID")
  PORT=$(wait_port_file "$TMP/$name.port" "$SIM_PID")
  LOG=$TMP/$name.log
  SIMERR=$TMP/$name.err
}
count() { grep -cF -- "$1" "$LOG" || true; }
TLS=(--https --cert "$TMP/host.pem" --key "$TMP/host.key")

start_sim https "$TMP/cert.json" "${TLS[@]}"
HTTPS_PID=$SIM_PID
CONN=(-H 127.0.0.1 -P "$PORT" --cacert "$TMP/host.pem" --auth certificate)
as() { # NAME: the --cert/--key pair of a client certificate
  echo --cert "$TMP/$1.pem" --key "$TMP/$1.key"
}

# --- accepted ---------------------------------------------------------------
# shellcheck disable=SC2046
run_hvsnap "${CONN[@]}" $(as admin) -v --json vms
expect_rc 0 "vms with a client certificate (UPN admin@localhost)"
[ "$(json_get 'len(j["vms"])')" = 2 ] || fail "vms over certificate auth: $OUT"
expect_err "authentication: client certificate"
[ "$(count '"auth":"certificate"')" -ge 1 ] || fail "log auth is not certificate: $(cat "$LOG")"
[ "$(count '"status":401')" = 0 ] || fail "a certificate request was refused on the way"
ok "the log names the scheme: certificate"

: >"$LOG"
# shellcheck disable=SC2046
run_hvsnap "${CONN[@]}" $(as admin) create web01 --name "by certificate"
expect_rc 0 "create with a client certificate"
[ "$(count '"method":"CreateSnapshot"')" = 1 ] || fail "CreateSnapshot count: $(cat "$LOG")"
soap=$(count '"action":"http')
if [ "$soap" -lt 3 ] || [ "$(count '"auth":"certificate"')" != "$soap" ]; then
  fail "not every SOAP request was certificate-authenticated: $(cat "$LOG")"
fi
ok "one CreateSnapshot, every request authenticated by the certificate"

# shellcheck disable=SC2046
run_hvsnap "${CONN[@]}" $(as admin) --json list web01
expect_rc 0 "list reads the checkpoint back"
[ "$(json_get 'j["snapshots"][0]["name"]')" = "by certificate" ] || fail "snapshot name: $OUT"

# shellcheck disable=SC2046
run_hvsnap "${CONN[@]}" $(as admin-dom) vms
expect_rc 0 "UPN with the user's domain (admin@hvcert, any case)"

# shellcheck disable=SC2046
run_hvsnap "${CONN[@]}" $(as ops-cert) vms
expect_rc 0 "a certificate pinned by users[].certificate (no UPN needed)"

# the CA that asks for certificates does not lock out other schemes
HVSNAP_PASSWORD='Cert pass 1' run_hvsnap -H 127.0.0.1 -P "$PORT" --cacert "$TMP/host.pem" \
  --auth basic -u admin vms
expect_rc 0 "Basic without a client certificate on the same https listener"

# a certificate-only user has no password, and a blank one does not log on
printf '\n' >"$TMP/empty.pw"
for a in basic ntlm; do
  run_hvsnap -H 127.0.0.1 -P "$PORT" --cacert "$TMP/host.pem" --auth $a -u ops \
    --password-file "$TMP/empty.pw" vms
  expect_rc 4 "$a with the blank password of a certificate-only user"
done

# --- refused by the host: 401, exit 4 -----------------------------------------
refused() { # NAME REASON-IN-HVSIM-STDERR WHAT
  local before
  before=$(count '"status":401')
  # shellcheck disable=SC2046
  run_hvsnap "${CONN[@]}" $(as "$1") vms
  expect_rc 4 "$3"
  expect_err "rejected the client certificate"
  expect_err "certmapping"
  [ "$(count '"status":401')" -gt "$before" ] || fail "$3: no 401 in the log"
  grep -qF -- "$2" "$SIMERR" || fail "$3: hvsim did not say '$2': $(cat "$SIMERR")"
}
refused forged "issuer is unknown" "a client certificate from another CA"
refused stranger "maps to no scenario user" "a UPN that names no user"
refused cn-only "has no UPN" "a certificate with a CN but no UPN"
refused server-only "does not verify" "a certificate not meant for client authentication"

# no certificate at all, but the https/mutual header (hvsnap always sends one)
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/host.pem" \
  -H "Authorization: $MUTUAL" -H 'Content-Type: application/soap+xml;charset=UTF-8' \
  --data-binary '<x/>' "https://127.0.0.1:$PORT/wsman")
[ "$code" = 401 ] || fail "no client certificate: HTTP $code"
grep -qF "sent no certificate" "$SIMERR" || fail "hvsim did not say why: $(cat "$SIMERR")"
ok "the https/mutual header without a client certificate is a 401"

# --- local mistakes: usage errors before any connection -----------------------
lines=$(wc -l <"$LOG")
run_hvsnap "${CONN[@]}" vms
expect_rc 2 "--auth certificate without --cert"
expect_err "--cert FILE and --key FILE"

# shellcheck disable=SC2046
run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http --auth certificate $(as admin) vms
expect_rc 2 "--auth certificate over http"
expect_err "needs https"

run_hvsnap "${CONN[@]}" --cert "$TMP/admin.pem" --key "$TMP/stranger.key" vms
expect_rc 2 "a key that is not the certificate's"
expect_err "is not the private key of the certificate"

openssl pkey -in "$TMP/admin.key" -aes256 -passout pass:secret \
  -out "$TMP/admin-enc.key" 2>/dev/null || fail "openssl could not encrypt a key"
set +e
timeout 20 "$HVSNAP" "${CONN[@]}" --cert "$TMP/admin.pem" --key "$TMP/admin-enc.key" vms \
  </dev/null >"$TMP/out" 2>"$TMP/err"
RC=$?
set -e
OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
expect_rc 2 "an encrypted key"
expect_err "is encrypted"
if grep -qi "pass phrase" "$TMP/err"; then fail "hvsnap prompted for a pass phrase: $ERR"; fi

run_hvsnap "${CONN[@]}" --cert "$TMP/admin.key" --key "$TMP/admin.key" vms
expect_rc 2 "a key where the certificate should be"
expect_err "holds no PEM certificate"
[ "$(wc -l <"$LOG")" = "$lines" ] || fail "a usage error reached the host"
ok "no usage error reached the host"

# --- a connection dropped during the job wait: the new one (maybe a resumed
# TLS session) still carries the certificate ---------------------------------
scenario "$TMP/drop.json" "{\"client_ca\": \"$TMP/clientca.pem\"}" \
  ', "faults": [{"kind": "drop_connection", "action_contains": "transfer/Get", "on_request": 2}]'
start_sim drop "$TMP/drop.json" "${TLS[@]}"
DROP_PID=$SIM_PID
# shellcheck disable=SC2046
run_hvsnap -H 127.0.0.1 -P "$PORT" --cacert "$TMP/host.pem" --auth certificate $(as admin) create db01
expect_rc 0 "create with the connection dropped during the wait"
[ "$(count '"method":"CreateSnapshot"')" = 1 ] || fail "CreateSnapshot sent again after the drop"
conns=$(python3 -c 'import json,sys; print(len({json.loads(l)["connection"] for l in open(sys.argv[1]) if json.loads(l)["status"] == 200}))' "$LOG")
[ "$conns" -ge 2 ] || fail "expected answers on a second connection, saw $conns"
[ "$(count '"auth":"none"')" = 0 ] || fail "a request after the reconnect was not authenticated: $(cat "$LOG")"
ok "reconnected, still authenticated by the certificate, one CreateSnapshot"

# --- certificate auth off: no auth.client_ca ------------------------------------
start_sim off "$TMP/nocert.json" "${TLS[@]}"
# shellcheck disable=SC2046
run_hvsnap -H 127.0.0.1 -P "$PORT" --cacert "$TMP/host.pem" --auth certificate $(as admin) vms
expect_rc 4 "a host without auth.client_ca refuses certificate auth"

# --- bad scenario: an unreadable client CA --------------------------------------
scenario "$TMP/bad.json" "{\"client_ca\": \"$TMP/missing-ca.pem\"}"
set +e
"$HVSIM" --scenario "$TMP/bad.json" --listen 127.0.0.1:0 "${TLS[@]}" >/dev/null 2>"$TMP/bad.err"
RC=$?
set -e
[ "$RC" = 2 ] || fail "unreadable auth.client_ca: exit $RC"
grep -qF "auth.client_ca" "$TMP/bad.err" || fail "the error does not name the key: $(cat "$TMP/bad.err")"
ok "an unreadable auth.client_ca is a scenario error (exit 2)"

# --- hvsim stops cleanly (under ASan: without leaks) after all of that --------
for pid in "$HTTPS_PID" "$DROP_PID" "$SIM_PID"; do
  kill -TERM "$pid"
  set +e
  wait "$pid"
  RC=$?
  set -e
  [ "$RC" = 0 ] || fail "hvsim exit $RC on SIGTERM: $(cat "$TMP"/{https,drop,off}.err)"
done
ok "hvsim exits 0 on SIGTERM"

echo "$CHECKS checks passed"
