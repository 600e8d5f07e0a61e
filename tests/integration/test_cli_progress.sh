# Job progress: on a 40-column terminal the bar fits (no line wraps), -v
# lines start on a line of their own (the bar is cleared first), and when
# stderr is not a terminal a long job prints sparse lines without -v.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_lib.sh"

printf '{"users":[{"name":"admin","password":"%s"}],"auth":{"basic":true},"jobs":{"duration_ms":2500},"vms":[{"name":"slow","state":"off"},{"name":"a-very-long-vm-name-that-would-not-fit-a-narrow-terminal-at-all","state":"off"}]}\n' \
  "$PASSWORD" >"$TMP/p.json"
start_hvsim p "$TMP/p.json"

# script(1) gives hvsnap a terminal; stty sets its width.
on_tty() { # COLUMNS-WIDTH ARGS...: runs hvsnap on a pty, output in $TMP/tty
  local cols=$1; shift
  local cmd
  printf -v cmd '%q ' "$HVSNAP" "${HV[@]}" "$@"
  script -qec "stty cols $cols rows 24; $cmd" /dev/null >"$TMP/tty" 2>&1 </dev/null || true
}

# Each stretch between \r, \n or an erase (ESC[K) that shows a percentage
# is what one redraw of the bar left on a line; none may be as wide as the
# terminal (the result's own lines are not the bar's).
widest() {
  python3 -S - "$TMP/tty" <<'PY'
import re, sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
print(max([len(s) for s in re.split(r"\r|\n|\x1b\[K", t) if "%" in s] or [0]))
PY
}

# vms on a 70-column terminal: the NAME column gives way, no row wraps,
# the cut name says so; -o wide never cuts.
on_tty 70 vms
python3 -S - "$TMP/tty" <<'PY' || fail "vms rows wider than 70 columns: $(cat "$TMP/tty")"
import sys
rows = [l for l in open(sys.argv[1], encoding="utf-8").read().replace("\r", "").split("\n") if l]
sys.exit(0 if rows and max(len(l) for l in rows) <= 70 else 1)
PY
grep -q 'a-very-long.*\(…\|\.\.\.\)' "$TMP/tty" || fail "the long name is not marked as cut: $(cat "$TMP/tty")"
ok "vms fits a 70-column terminal"
on_tty 70 vms -o wide
grep -q 'a-very-long-vm-name-that-would-not-fit-a-narrow-terminal-at-all' "$TMP/tty" \
  || fail "-o wide cut the name: $(cat "$TMP/tty")"
ok "vms -o wide keeps whole names"

on_tty 40 create slow --name narrow
grep -q 'Created checkpoint' "$TMP/tty" || fail "create on a 40-column pty: $(cat -v "$TMP/tty")"
grep -q 'Creating checkpoint' "$TMP/tty" || fail "no progress bar on a pty: $(cat -v "$TMP/tty")"
w=$(widest)
[ "$w" -gt 0 ] && [ "$w" -le 39 ] || fail "a redraw is $w columns wide on a 40-column terminal: $(cat -v "$TMP/tty")"
ok "at 40 columns every redraw fits ($w columns at most)"
on_tty 120 create slow --name wide
grep -q '\[#*\.*\]' "$TMP/tty" || fail "no bar drawn on a wide terminal: $(cat -v "$TMP/tty")"
ok "a wide terminal gets a bar"

on_tty 80 create slow --name verbose -v
python3 -S - "$TMP/tty" <<'PY' || fail "a -v line was glued to the bar: $(cat -v "$TMP/tty" | head -40)"
import re, sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
# every "hvsnap: " diagnostic starts a line, or follows the bar's erase
for m in re.finditer("hvsnap: ", t):
    before = t[max(0, m.start() - 4):m.start()]
    if m.start() and not (before.endswith("\n") or before.endswith("\r\x1b[K")):
        sys.exit("glued: %r" % t[max(0, m.start() - 60):m.start() + 20])
PY
ok "-v lines never follow the bar on the same line"

# Not a terminal: nothing for a short wait, lines for a long one.
HVSNAP_PROGRESS_INTERVAL=1 hv create slow --name piped
expect_rc 0 "create with stderr on a pipe"
grep -qE '^hvsnap: Creating checkpoint: [0-9]+% [A-Za-z]+ \([0-9]+ s\)$' "$TMP/err" \
  || fail "no sparse progress line on a pipe: $ERR"
[ "$(grep -c 'Creating checkpoint' "$TMP/err")" -le 3 ] || fail "too many progress lines: $ERR"
ok "a pipe gets sparse progress lines"
hv create slow --name quiet
expect_rc 0 "a short job on a pipe"
[ -z "$ERR" ] || fail "a job shorter than the interval printed: $ERR"
ok "a short job stays silent on a pipe"

stop_hvsim
finish
