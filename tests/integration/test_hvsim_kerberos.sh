#!/usr/bin/env bash
# hvsim's Kerberos acceptor against a private MIT KDC on an unprivileged
# loopback port (private KRB5_CONFIG / KRB5_KDC_PROFILE, nothing system
# wide): a python3-gssapi SPNEGO client authenticates with an empty-body
# POST (200 + WWW-Authenticate: Negotiate <AP-REP>, mutual auth completes),
# then sends a sealed Identify (gss_wrap_iov HEADER|DATA|PADDING) and opens
# the sealed reply; plaintext SOAP is refused; curl --negotiate
# authenticates too; a principal that is not a scenario user gets 401;
# channel binding Strict over https. krb5-kdc, krb5-admin-server,
# krb5-user and python3-gssapi are required (install-deps.sh).
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
FAIL_SHOWS=stderr

PATH=$PATH:/usr/sbin:/sbin
for c in krb5kdc kdb5_util kadmin.local kinit; do
	command -v "$c" >/dev/null || fail "$c missing (krb5-kdc, krb5-admin-server, krb5-user)"
done
find_python "gssapi, requests" "python3-gssapi"

source "${HVSNAP_SOURCE_DIR:?}/tests/tools/kdc.sh"
kdc_start "$T/kdc" || fail "the KDC did not start"
export KRB5CCNAME="FILE:$T/ccache"
kdc_add_user user Passw0rd
kdc_add_user stranger Passw0rd
kdc_add_service HTTP/winrm.example.test
KPORT=$KDC_PORT
kinit_as() {
	for _ in $(seq 50); do
		echo Passw0rd | kinit "$1@$KDC_REALM" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "kinit $1 (KDC on port $KPORT)"
}
kinit_as user
ok "private KDC on 127.0.0.1:$KPORT, ticket for user@$KDC_REALM"

krb_sim() { # CBT-LEVEL [hvsim args]: start_sim with the KDC's keytab and user
	local level=$1; shift
	cat >"$T/sc.json" <<EOF
{"host": "HVHOST", "users": [{"name": "user", "domain": "$KDC_REALM", "password": "unused"}],
 "auth": {"keytab": "$KDC_KEYTAB", "cbt_hardening": "$level"},
 "vms": [{"name": "web01", "state": "running"}]}
EOF
	start_sim --scenario "$T/sc.json" "$@"
}

# The client: SPNEGO through python3-gssapi, WinRM framing written here.
cat >"$T/krb_client.py" <<'EOF'
import base64, json, struct, sys
import gssapi, requests
from gssapi.raw import IOV, IOVBufferType, unwrap, wrap_iov
from gssapi.raw import ChannelBindings

url, mode = sys.argv[1], sys.argv[2]
ca = sys.argv[3] if len(sys.argv) > 3 else None
out = {"mode": mode}
F = gssapi.RequirementFlag
cb = None
if mode in ("cbt", "wrongcbt"):
    import hashlib, ssl
    der = ssl.PEM_cert_to_DER_cert(open(ca).read())
    h = hashlib.sha256(der).digest() if mode == "cbt" else b"\0" * 32
    cb = ChannelBindings(application_data=b"tls-server-end-point:" + h)
ctx = gssapi.SecurityContext(
    name=gssapi.Name("HTTP@winrm.example.test", gssapi.NameType.hostbased_service),
    mech=gssapi.OID.from_int_seq("1.3.6.1.5.5.2"), usage="initiate",
    channel_bindings=cb,
    flags=F.mutual_authentication | F.confidentiality | F.integrity |
    F.out_of_sequence_detection)
s = requests.Session()
# per request: REQUESTS_CA_BUNDLE from the environment beats s.verify
V = ca or False
r = s.post(url, data=b"", verify=V, headers={
    "Authorization": "Negotiate " + base64.b64encode(ctx.step()).decode(),
    "Content-Type": "application/soap+xml;charset=UTF-8"})
out["handshake_status"] = r.status_code
www = r.headers.get("WWW-Authenticate", "")
if r.status_code == 200 and www.startswith("Negotiate "):
    ctx.step(base64.b64decode(www.split(" ", 1)[1]))
out["complete"] = ctx.complete
identify = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/'
            b'wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/>'
            b'</s:Body></s:Envelope>')
B = b"--Encrypted Boundary"
if ctx.complete and mode in ("sealed", "cbt"):
    iov = IOV(IOVBufferType.header, identify, IOVBufferType.padding,
              std_layout=False)
    wrap_iov(ctx, iov, confidential=True)
    hdr, data, pad = iov[0].value, iov[1].value, iov[2].value or b""
    body = (B + b"\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
            b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=%d\r\n"
            % len(identify) + B + b"\r\n\tContent-Type: application/octet-stream\r\n"
            + struct.pack("<I", len(hdr)) + hdr + data + pad + B + b"--\r\n")
    r = s.post(url, data=body, verify=V, headers={"Content-Type":
               'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-'
               'encrypted";boundary="Encrypted Boundary"'})
    out["sealed_status"] = r.status_code
    parts = r.content.split(B + b"\r\n")
    payload = parts[2].split(b"\r\n", 1)[1][:-len(B + b"--\r\n")]
    hl = struct.unpack("<I", payload[:4])[0]
    out["reply_header_len"] = hl
    res = unwrap(ctx, payload[4:])
    length = int(parts[1].split(b"Length=")[1].split(b"\r\n")[0])
    out["reply_sealed"] = bool(res.encrypted)
    out["reply_length_ok"] = len(res.message) == length
    out["reply_identify"] = b"IdentifyResponse" in res.message
elif ctx.complete and mode == "plaintext":
    r = s.post(url, data=identify, verify=V, headers={
        "Content-Type": "application/soap+xml;charset=UTF-8"})
    out["plaintext_status"] = r.status_code
    out["access_denied"] = b"w:AccessDenied" in r.content
print(json.dumps(out))
EOF
client() { "$PY" "$T/krb_client.py" "$@" >"$T/out" 2>"$T/pyerr" || fail "client $*: $(tail -3 "$T/pyerr")"; OUT=$(cat "$T/out"); }

# --- http: handshake, sealed round trip, plaintext refused --------------------
krb_sim relaxed
client "$URL" sealed
expect_eq "$(jget handshake_status)" 200 "SPNEGO/Kerberos token accepted on an empty-body POST (200)"
expect_eq "$(jget complete)" True "AP-REP in WWW-Authenticate completes mutual auth"
expect_eq "$(jget sealed_status)" 200 "sealed Identify answered"
expect_eq "$(jget reply_sealed)/$(jget reply_length_ok)/$(jget reply_identify)" True/True/True "sealed reply opens with gss_unwrap, Length matches"
case "$(jget reply_header_len)" in 60|72) ok "RFC 4121 wrap header of $(jget reply_header_len) bytes";; *) fail "header length $(jget reply_header_len)";; esac
expect_eq "$(logq '[(l["auth"], l["encrypted"]) for l in L]')" "[('negotiate-kerberos', False), ('negotiate-kerberos', True)]" "log: negotiate-kerberos, encrypted"
client "$URL" plaintext
expect_eq "$(jget plaintext_status)/$(jget access_denied)" 500/True "plaintext SOAP after Kerberos on http refused"

# curl's SPNEGO (an independent initiator); the body is plaintext, so the
# empty-body handshake alone is checked here
STATUS=$(curl -s -o /dev/null -w '%{http_code}' --negotiate -u : --resolve "winrm.example.test:$PORT:127.0.0.1" \
	-H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary '' "http://winrm.example.test:$PORT/wsman")
expect_eq "$STATUS" 200 "curl --negotiate authenticates"

kdestroy >/dev/null 2>&1 || true
kinit_as stranger
client "$URL" sealed
expect_eq "$(jget handshake_status)" 401 "a principal that is not a scenario user gets 401"
kdestroy >/dev/null 2>&1 || true
kinit_as user
stop_sim

# --- https: channel binding Strict ---------------------------------------------
make_sim_cert
krb_sim strict --https --cert "$T/cert.pem" --key "$T/key.pem"
client "$URL" cbt "$T/cert.pem"
expect_eq "$(jget handshake_status)/$(jget sealed_status)" 200/200 "strict: ticket bound to hvsim's TLS channel accepted"
client "$URL" nocbt "$T/cert.pem"
expect_eq "$(jget handshake_status)" 401 "strict: no channel binding gets 401"
client "$URL" wrongcbt "$T/cert.pem"
expect_eq "$(jget handshake_status)" 401 "strict: a mismatching channel binding gets 401"
stop_sim
krb_sim relaxed --https --cert "$T/cert.pem" --key "$T/key.pem"
client "$URL" nocbt "$T/cert.pem"
expect_eq "$(jget handshake_status)" 200 "relaxed: no channel binding accepted"
client "$URL" wrongcbt "$T/cert.pem"
expect_eq "$(jget handshake_status)" 401 "relaxed: a mismatching channel binding gets 401"
stop_sim

echo "all hvsim Kerberos checks passed"
