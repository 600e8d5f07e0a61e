# Shared helpers for the integration scripts: temp dirs, background
# servers on ephemeral loopback ports, certificates, and assertions.
# Sourced, not run. Every failure ends the script with a message.
set -euo pipefail

: "${HVSNAP:?HVSNAP must name the hvsnap binary}"
: "${HVSNAP_SOURCE_DIR:?}"
: "${HVSNAP_BUILD_DIR:?}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvsnap-it.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

CHECKS=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { CHECKS=$((CHECKS + 1)); echo "ok $CHECKS - $*"; }

# wait_port_file FILE PID: waits until FILE holds a port (or PID dies).
wait_port_file() {
  local f=$1 pid=$2
  for _ in $(seq 1 100); do
    if [ -s "$f" ]; then cat "$f"; return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "server exited before writing $f"
    sleep 0.05
  done
  fail "no port in $f after 5 s"
}

# make_cert NAME: self-signed cert for 127.0.0.1, ::1 and localhost.
make_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$TMP/$1.key" -out "$TMP/$1.pem" -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" >/dev/null 2>&1 \
    || fail "openssl could not make a certificate"
}

# pin_of NAME: curl-style sha256// public key pin of a cert.
pin_of() {
  echo "sha256//$(openssl x509 -in "$TMP/$1.pem" -pubkey -noout \
    | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
}

# run_hvsnap: runs hvsnap, storing stdout, stderr and the exit code.
run_hvsnap() {
  set +e
  "$HVSNAP" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

expect_rc() {
  local want=$1; shift
  [ "$RC" = "$want" ] || fail "$* : exit $RC, expected $want; stdout: $OUT; stderr: $ERR"
  ok "$* (exit $want)"
}

expect_out() {
  grep -qF -- "$1" "$TMP/out" || fail "stdout lacks '$1': $OUT"
}

expect_err() {
  grep -qF -- "$1" "$TMP/err" || fail "stderr lacks '$1': $ERR"
}

# json_get EXPR: evaluates a Python expression on the JSON in stdout (as j).
json_get() {
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/out" "$1"
}
