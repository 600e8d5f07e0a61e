#!/usr/bin/env bash
# What one hvsnap process costs before and around its protocol work:
# callgrind instruction counts (repeatable, unlike times) of
# `hvsnap --version` (start-up alone: mostly the dynamic linker) and of
# `hvsnap vms` against hvsim's demo host over http + NTLM with message
# encryption, split into the parts the profile of issue 9 named; then the
# median wall time, user+sys CPU and peak RSS of `vms` over RUNS runs
# without valgrind.
#
# usage: bench/startup.sh BUILD_DIR [RUNS]   (default 5)
set -euo pipefail
HVSNAP_BUILD_DIR=$(cd "${1:?usage: startup.sh BUILD_DIR [RUNS]}" && pwd)
HVSNAP_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${2:-5}
source "$HVSNAP_SOURCE_DIR/bench/bench_lib.sh"
for t in valgrind callgrind_annotate; do
	command -v "$t" >/dev/null || fail "$t is not installed (Debian: valgrind)"
done

# callgrind_total FILE: the "Collected" count of a callgrind run's stderr.
callgrind_total() { sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$1"; }
# inclusive ANNOTATION NAME: NAME's inclusive count (0 when not called).
inclusive() {
	awk -v f="$2" '{ if (index($0, ":" f " ") || index($0, ":" f "@")) { gsub(",", "", $1); print $1; found = 1; exit } }
		END { if (!found) print 0 }' "$1"
}
mi() { awk -v v="$1" 'BEGIN { printf "%6.2f M", v / 1e6 }'; }

start_sim
export HVSNAP_PASSWORD=demo
HV=("$HVSNAP_BIN" -H 127.0.0.1 -P "$PORT" --transport http -a ntlm -u 'HVHOST\demo')

valgrind --tool=callgrind --callgrind-out-file="$T/cg.version" "$HVSNAP_BIN" --version >/dev/null 2>"$T/vg.version" ||
	fail "hvsnap --version under valgrind: $(tail -3 "$T/vg.version")"
valgrind --tool=callgrind --callgrind-out-file="$T/cg.vms" "${HV[@]}" vms >"$T/vms.out" 2>"$T/vg.vms" ||
	fail "hvsnap vms under valgrind: $(cat "$T/vms.out") $(tail -3 "$T/vg.vms")"
grep -q web01 "$T/vms.out" || fail "hvsnap vms listed no web01: $(cat "$T/vms.out")"
callgrind_annotate --inclusive=yes --threshold=100 "$T/cg.vms" >"$T/ann.vms" 2>/dev/null

echo "instructions (callgrind):"
printf '  %-58s %s\n' "hvsnap --version (start-up alone)" "$(mi "$(callgrind_total "$T/vg.version")")"
printf '  %-58s %s\n' "hvsnap vms, http + NTLM + encryption, 4 VMs" "$(mi "$(callgrind_total "$T/vg.vms")")"
echo "  of which (inclusive; parts may nest):"
part() { printf '    %-56s %s\n' "$1" "$(mi "$(inclusive "$T/ann.vms" "$2")")"; }
part "dynamic linking at start (_dl_start)" _dl_start
part "lazy symbol binding later (_dl_runtime_resolve_xsave)" _dl_runtime_resolve_xsave
part "curl_global_init (OpenSSL init, openssl.cnf)" curl_global_init
part "OpenSSL RAND (RAND_bytes_ex)" RAND_bytes_ex
part "legacy provider (OSSL_PROVIDER_load; MD4/RC4 are ours)" OSSL_PROVIDER_load
part "MD5 and HMAC, fetched once (fetch_algorithms)" fetch_algorithms
part "NTLM handshake (handshake)" handshake
part "requests after it (post)" post
part "XML parsing (hvs_wsman_parse_document)" hvs_wsman_parse_document

WALLS=() CPUS=() RSSES=()
for _ in $(seq "$RUNS"); do
	measure "$T/m.out" "${HV[@]}" vms
	[ "$MRC" = 0 ] || fail "hvsnap vms exited $MRC: $(cat "$T/m.out.err")"
	WALLS+=("$(awk -v w="$WALL" 'BEGIN { printf "%.1f", w * 1000 }')") CPUS+=("$CPU_MS") RSSES+=("$RSS_KIB")
done
stop_sim >/dev/null
printf 'hvsnap vms without valgrind, median of %s: wall %s ms, client CPU (user+sys) %s ms, peak RSS %s KiB\n' \
	"$RUNS" "$(median "${WALLS[@]}")" "$(median "${CPUS[@]}")" "$(median "${RSSES[@]}")"
printf 'shared objects loaded: %s\n' "$(ldd "$HVSNAP_BIN" | grep -c '=>')"
