# hvsnap's Kerberos against hvsim's keytab acceptor and a private MIT KDC
# (unprivileged loopback port, its own config): message encryption over
# http with AES and with RC4 tickets, channel binding Strict over https,
# the ticket cache instead of a password, Negotiate choosing Kerberos for a
# host name and NTLM for an address, and what the KDC says on failure.
source "$(dirname "$0")/lib.sh"
source "$HVSNAP_SOURCE_DIR/tests/tools/kdc.sh"

PATH=$PATH:/usr/sbin:/sbin
for c in krb5kdc kdb5_util kadmin.local kinit; do
  command -v "$c" >/dev/null || fail "$c is missing (scripts/install-deps.sh installs krb5-kdc, krb5-admin-server, krb5-user)"
done

PASSWORD='K3rb pass'
kdc_start "$TMP/kdc" || fail "the KDC did not start"
PIDS+=("$KDC_PID")
kdc_add_user alice "$PASSWORD"
kdc_add_service HTTP/localhost
export KRB5CCNAME=FILE:$TMP/ccache
make_cert host

cat > "$TMP/scenario.json" <<JSON
{"host": "HVKRB",
 "users": [{"name": "alice", "domain": "$KDC_REALM", "password": "$PASSWORD"}],
 "auth": {"keytab": "$KDC_KEYTAB", "cbt_hardening": "strict"},
 "jobs": {"duration_ms": 300},
 "vms": [{"name": "web01", "state": "running"}]}
JSON

start_sim() { # NAME ARGS...: sets PORT and LOG
  local name=$1; shift
  "$HVSNAP_BUILD_DIR/hvsim" --scenario "$TMP/scenario.json" --listen 127.0.0.1:0 \
    --port-file "$TMP/$name.port" --log "$TMP/$name.log" "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=($!)
  PORT=$(wait_port_file "$TMP/$name.port" "$!")
  LOG=$TMP/$name.log
}
count() { grep -cF -- "$1" "$LOG" || true; }
no_secret() {
  if grep -qF "$PASSWORD" "$TMP/out" "$TMP/err"; then fail "the password leaked: $*"; fi
}

# --- http: Kerberos with sealed messages (AES tickets by default) -----------
start_sim http
export HVSNAP_PASSWORD=$PASSWORD
KRB=(-H localhost -P "$PORT" --transport http -u "alice@$KDC_REALM")
run_hvsnap "${KRB[@]}" --auth kerberos -v create web01
expect_rc 0 "create with Kerberos over http, messages sealed"
expect_err "authenticated with Kerberos"
no_secret "kerberos create"
[ "$(count '"auth":"negotiate-kerberos"')" -ge 4 ] || fail "requests not Kerberos-authenticated"
[ "$(count '"encrypted":true')" -ge 4 ] || fail "requests were not sealed"
[ "$(count '"method":"CreateSnapshot"')" = 1 ] || fail "CreateSnapshot count"
ok "Kerberos: one CreateSnapshot, sealed requests"

run_hvsnap "${KRB[@]}" -v vms
expect_rc 0 "Negotiate (the default) with a host name picks Kerberos"
expect_err "authenticated with Kerberos"

run_hvsnap -H 127.0.0.1 -P "$PORT" --transport http -u "alice" -v vms
expect_rc 0 "Negotiate with an IP address uses NTLM"
expect_err "authenticated with NTLM"

# --- RC4 tickets: the padding byte that Length= does not count --------------
kdc_config_enctypes "$TMP/krb5-rc4.conf" rc4-hmac
KRB5_CONFIG=$TMP/krb5-rc4.conf run_hvsnap "${KRB[@]}" --auth kerberos --json vms
expect_rc 0 "Kerberos with an RC4 session key, sealed"
[ "$(json_get 'len(j["vms"])')" = 1 ] || fail "vms over RC4"
grep -q 'TGS_REQ.*HTTP/localhost' "$TMP/kdc/kdc.log" || fail "no service ticket request in the KDC log"
grep -q 'TGS_REQ.*rc4\|arcfour' "$TMP/kdc/kdc.log" || fail "no RC4 service ticket in the KDC log"
ok "the KDC issued an RC4 ticket for HTTP/localhost"

# --- the ticket cache instead of a password ----------------------------------
printf '%s\n' "$PASSWORD" | kinit "alice@$KDC_REALM" >/dev/null 2>&1 || fail "kinit"
HVSNAP_PASSWORD= run_hvsnap -H localhost -P "$PORT" --transport http --auth kerberos vms
expect_rc 0 "Kerberos from the ticket cache, no password"
# The default auth (negotiate) with a user name: the cache holds a ticket
# for that principal, so no password is asked for (stdin is no terminal,
# so a prompt would fail with exit 2).
HVSNAP_PASSWORD= run_hvsnap -H localhost -P "$PORT" --transport http -u "alice@$KDC_REALM" \
  -v vms </dev/null
expect_rc 0 "negotiate, -u alice@REALM, a kinit cache and no password"
expect_err "authenticated with Kerberos"
# Another principal has nothing in the cache: then a password is needed.
HVSNAP_PASSWORD= run_hvsnap -H localhost -P "$PORT" --transport http -u "bob@$KDC_REALM" \
  vms </dev/null
expect_rc 2 "a user the cache holds nothing for still needs a password"
expect_err "password"
kdestroy >/dev/null 2>&1 || true
HVSNAP_PASSWORD= run_hvsnap -H localhost -P "$PORT" --transport http -u "alice@$KDC_REALM" \
  vms </dev/null
expect_rc 2 "an empty cache: the password is asked for"

# A client keytab (KRB5_CLIENT_KTNAME), as CI jobs have: no kinit, no password.
printf 'ktadd -norandkey -k %s alice\n' "$TMP/alice.keytab" |
  kadmin.local -r "$KDC_REALM" >/dev/null 2>&1 || fail "client keytab"
KRB5_CLIENT_KTNAME=$TMP/alice.keytab HVSNAP_PASSWORD= run_hvsnap -H localhost -P "$PORT" \
  --transport http -u "alice@$KDC_REALM" -v vms </dev/null
expect_rc 0 "negotiate, -u alice@REALM, a client keytab and no password"
expect_err "authenticated with Kerberos"
kdestroy >/dev/null 2>&1 || true

# --- failures say what the KDC said ------------------------------------------
HVSNAP_PASSWORD='wrong' run_hvsnap "${KRB[@]}" --auth kerberos vms
expect_rc 4 "wrong Kerberos password"
expect_err "Kerberos"
run_hvsnap -H localhost -P "$PORT" --transport http -u "alice@$KDC_REALM" --auth kerberos \
  --spn-host nosuch.example vms
expect_rc 4 "unknown service principal"
expect_err "not found in Kerberos database"
expect_err "--spn-host"

# --- https: channel binding Strict --------------------------------------------
start_sim https --https --cert "$TMP/host.pem" --key "$TMP/host.key"
run_hvsnap -H localhost -P "$PORT" --cacert "$TMP/host.pem" -u "alice@$KDC_REALM" \
  --auth kerberos vms
expect_rc 0 "Kerberos over https with channel binding Strict"
[ "$(count '"auth":"negotiate-kerberos"')" -ge 1 ] || fail "not Kerberos over https"

echo "$CHECKS checks passed"
