# A private MIT Kerberos KDC for tests: realm HVSNAP.TEST on unprivileged
# loopback ports, its own config, database and keytab under a directory
# the caller owns. Sourced; needs krb5-kdc, krb5-admin-server, krb5-user.
#
#   kdc_start DIR      starts it; exports KRB5_CONFIG and KRB5_KDC_PROFILE,
#                      sets KDC_PID, KDC_REALM, KDC_KEYTAB
#   kdc_add_user NAME PASSWORD
#   kdc_add_service PRINCIPAL   (random key, added to $KDC_KEYTAB)
#   kdc_config_enctypes FILE ENCTYPES  writes a client krb5.conf limited to
#                      those enctypes (e.g. "rc4-hmac")

kdc_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

kdc_write_krb5_conf() { # FILE [ENCTYPES]
  local file=$1 enctypes=${2:-}
  {
    echo "[libdefaults]"
    echo "  default_realm = $KDC_REALM"
    echo "  dns_lookup_kdc = false"
    echo "  dns_lookup_realm = false"
    echo "  rdns = false"
    echo "  dns_canonicalize_hostname = false"
    echo "  udp_preference_limit = 1"
    echo "  allow_rc4 = true"
    echo "  allow_weak_crypto = true"
    echo "  default_ccache_name = FILE:$KDC_DIR/ccache"
    if [ -n "$enctypes" ]; then
      echo "  default_tkt_enctypes = $enctypes"
      echo "  default_tgs_enctypes = $enctypes"
      echo "  permitted_enctypes = $enctypes aes256-cts-hmac-sha1-96"
    fi
    echo "[realms]"
    echo "  $KDC_REALM = {"
    echo "    kdc = 127.0.0.1:$KDC_PORT"
    echo "  }"
    echo "[domain_realm]"
    echo "  localhost = $KDC_REALM"
    echo "  .test = $KDC_REALM"
  } > "$file"
}

kdc_start() {
  KDC_DIR=$1
  KDC_REALM=HVSNAP.TEST
  KDC_PORT=$(kdc_free_port)
  KDC_KEYTAB=$KDC_DIR/http.keytab
  mkdir -p "$KDC_DIR"
  export KRB5_CONFIG=$KDC_DIR/krb5.conf
  export KRB5_KDC_PROFILE=$KDC_DIR/kdc.conf
  kdc_write_krb5_conf "$KRB5_CONFIG"
  cat > "$KRB5_KDC_PROFILE" <<CONF
[kdcdefaults]
  kdc_ports = $KDC_PORT
  kdc_tcp_ports = $KDC_PORT
[realms]
  $KDC_REALM = {
    database_name = $KDC_DIR/principal
    key_stash_file = $KDC_DIR/stash
    acl_file = $KDC_DIR/kadm5.acl
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal rc4-hmac:normal
    max_life = 1h
  }
[logging]
  kdc = FILE:$KDC_DIR/kdc.log
CONF
  : > "$KDC_DIR/kadm5.acl"
  # Secrets go through stdin, never argv (setsid: no terminal to prompt on).
  local master
  master=$(head -c 18 /dev/urandom | base64)
  printf '%s\n%s\n' "$master" "$master" | setsid kdb5_util create -s -r "$KDC_REALM" \
    >/dev/null 2>&1 || { echo "kdb5_util create failed" >&2; return 1; }
  krb5kdc -n -r "$KDC_REALM" >"$KDC_DIR/krb5kdc.out" 2>&1 &
  KDC_PID=$!
  # Wait until the KDC answers on its port.
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$KDC_PORT),0.2)" 2>/dev/null; then
      return 0
    fi
    kill -0 "$KDC_PID" 2>/dev/null || { cat "$KDC_DIR/krb5kdc.out" >&2; return 1; }
    sleep 0.05
  done
  echo "the KDC did not start" >&2
  return 1
}

kdc_add_user() { # NAME PASSWORD (the password goes through stdin)
  printf 'addprinc -pw "%s" %s\n' "$2" "$1" | kadmin.local -r "$KDC_REALM" >/dev/null 2>&1
}

kdc_add_service() {
  printf 'addprinc -randkey %s\nktadd -k %s %s\n' "$1" "$KDC_KEYTAB" "$1" |
    kadmin.local -r "$KDC_REALM" >/dev/null 2>&1
}

kdc_config_enctypes() {
  kdc_write_krb5_conf "$1" "$2"
}
