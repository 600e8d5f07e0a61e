#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing hvsnap need.
# Idempotent; run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential clang cmake pkg-config
  libcurl4-openssl-dev libxml2-dev libxml2-utils libssl-dev openssl
  libcmocka-dev libjansson-dev libmicrohttpd-dev libkrb5-dev gss-ntlmssp
  libinih-dev                            # the CLI's fleet inventory file (INI)
  libgnutls28-dev                        # hvsim reads client certs via GnuTLS (libmicrohttpd-dev pulls it in too)
  python3 curl
  dpkg-dev file                          # cpack -G DEB: dpkg-shlibdeps, and file to find ELF objects
  krb5-kdc krb5-admin-server krb5-user   # a private KDC for the Kerberos tests
  python3-winrm                          # an independent WinRM client for interop
  python3-requests-ntlm python3-gssapi   # its NTLM transport; a Kerberos initiator
  valgrind                               # bench/: callgrind counts instructions (start-up, per request)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
