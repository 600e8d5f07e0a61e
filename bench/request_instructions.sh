#!/usr/bin/env bash
# Instructions per request, phase by phase, for the three requests of
# bench_request (WQL Enumerate, Get of a job, Invoke CreateSnapshot) over
# http + NTLM sealing: callgrind counts only inside the bench_phase_*
# functions (--toggle-collect), after bench_request's warm-up rounds, and
# the counts are divided by the number of requests. Instruction counts
# repeat from run to run within a few hundredths of a percent, so a change
# of a few percent is a real regression, which wall-clock times cannot show
# on a shared machine.
#
# usage: bench/request_instructions.sh BUILD_DIR [REQUESTS]   (default 200)
set -euo pipefail
BUILD=$(cd "${1:?usage: request_instructions.sh BUILD_DIR [REQUESTS]}" && pwd)
N=${2:-200}
BIN="$BUILD/bench/bench_request"
[ -x "$BIN" ] || { echo "no $BIN (cmake --build $BUILD --target bench_request)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (Debian: valgrind)" >&2; exit 1; }
command -v callgrind_annotate >/dev/null || { echo "callgrind_annotate is not installed (Debian: valgrind)" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

printf 'instructions per request (callgrind, %s requests after warm-up, client phases only)\n' "$N"
printf '%-10s %10s %10s %10s %10s %10s\n' request build seal unseal parse total
for c in enumerate get invoke; do
	valgrind --tool=callgrind --callgrind-out-file="$T/cg" --toggle-collect='bench_phase_*' \
		"$BIN" -n "$N" -c "$c" >"$T/out" 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
	callgrind_annotate --inclusive=yes "$T/cg" >"$T/ann" 2>/dev/null
	# "12,345 (1.2%)  ???:bench_phase_build [...]": the inclusive count
	phase() { awk -v f="bench_phase_$1" '$0 ~ (":" f " ") { gsub(",", "", $1); print $1; exit }' "$T/ann"; }
	b=$(phase build) s=$(phase seal) u=$(phase unseal) p=$(phase parse)
	for v in "$b" "$s" "$u" "$p"; do
		[ -n "$v" ] || { echo "callgrind_annotate output lacks a bench_phase_* function" >&2; exit 1; }
	done
	awk -v c="$c" -v n="$N" -v b="$b" -v s="$s" -v u="$u" -v p="$p" 'BEGIN {
		printf "%-10s %10.0f %10.0f %10.0f %10.0f %10.0f\n", c, b/n, s/n, u/n, p/n, (b+s+u+p)/n }'
done
