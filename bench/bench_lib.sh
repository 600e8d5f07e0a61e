# Shared setup of the bench/*.sh scripts: hvsim on a loopback port, the
# python3-winrm peer, and the client's own cost measured with bench_rusage.
# Sourced, not run; the caller sets HVSNAP_BUILD_DIR (a build with hvsim,
# hvsnap and bench/bench_rusage) and HVSNAP_SOURCE_DIR first. It builds on
# the test suite's tests/integration/hvsim_lib.sh (start_sim, stop_sim,
# find_python, logq, $T, cleanup at exit). Figures are printed, never
# asserted: timing does not belong in pass/fail.
# shellcheck shell=bash disable=SC2034  # variables set here are read by the sourcing scripts
source "${HVSNAP_SOURCE_DIR:?}/tests/integration/hvsim_lib.sh"
FAIL_SHOWS=stderr
HVSNAP_BIN="$HVSNAP_BUILD_DIR/hvsnap"
RUSAGE="$HVSNAP_BUILD_DIR/bench/bench_rusage"
[ -x "$HVSNAP_BIN" ] || fail "no hvsnap in $HVSNAP_BUILD_DIR"
[ -x "$RUSAGE" ] || fail "no bench/bench_rusage in $HVSNAP_BUILD_DIR (cmake --build ... --target bench_rusage)"

# measure OUTFILE CMD...: runs CMD under bench_rusage (stdout to OUTFILE,
# stderr to OUTFILE.err); sets WALL USER SYS (seconds), CPU_MS (user+sys,
# ms), RSS_KIB and MRC (CMD's exit code).
measure() {
	local out=$1; shift
	set +e
	"$RUSAGE" -o "$T/rusage" "$@" >"$out" 2>"$out.err"
	set -e
	read -r WALL USER SYS RSS_KIB MRC <"$T/rusage"
	CPU_MS=$(awk -v u="$USER" -v s="$SYS" 'BEGIN { printf "%.1f", (u + s) * 1000 }')
}

# median NUMBERS...: the median (mean of the middle two for an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B to one decimal ("inf" when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.1f", a / b }'; }

# log_lines: how many requests hvsim has logged so far.
log_lines() { if [ -f "$T/log" ]; then wc -l <"$T/log"; else echo 0; fi; }

# peer_measured ARGS...: tests/tools/winrm_flow.py (python3-winrm) under measure, password
# $PEER_PASSWORD (default demo) in its environment, OPENSSL_CONF enabling MD4 for its NTLM.
peer_measured() {
	HVSIM_PASSWORD=${PEER_PASSWORD:-demo} OPENSSL_CONF="$SRC/tests/tools/openssl-legacy.cnf" \
		measure "$T/peer.out" "$PY" "$FLOW" "$@"
}
