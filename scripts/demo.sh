#!/usr/bin/env bash
# The README's main job: installs what is needed, builds, starts hvsim's
# built-in demo host on a loopback port and takes a checkpoint of web01
# with hvsnap, showing progress, then resets the CI VM ci-test to its
# clean checkpoint and waits until its guest is up. Like a fresh Windows host, the demo host
# refuses Basic and plaintext SOAP on http, so hvsnap authenticates with
# NTLM and encrypts every message (its defaults). Everything it starts is
# stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

build/hvsim --listen 127.0.0.1:0 --port-file "$work/port" --log "$work/requests.jsonl" &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "hvsim did not start" >&2; exit 1; }

export HVSNAP_HOST=127.0.0.1 HVSNAP_PORT=$(cat "$work/port") HVSNAP_TRANSPORT=http
export HVSNAP_USER='HVHOST\demo'
export HVSNAP_PASSWORD=demo   # the demo host's documented password
hvsnap() { build/hvsnap "$@"; }

set -x
hvsnap identify
hvsnap vms
hvsnap create web01 --name "demo checkpoint" -v
hvsnap list web01
hvsnap reset ci-test clean --wait-ready --wait-ip   # the CI one-shot
hvsnap show ci-test
set +x
echo "hvsim answered $(wc -l < "$work/requests.jsonl") requests," \
  "$(grep -c '"encrypted":true' "$work/requests.jsonl") of them encrypted"
