#!/bin/bash
# The layers check must find what it is there to find: a call cycle of
# three files and an upward call, in canned nm output (fake_nm.sh), and
# must pass the same files once they are removed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
python=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layers="util platform|http|auth|winrm|wsman|hyperv"
fail=0

printf '%s\n' /b/src/wsman/a.c.o /b/src/wsman/b.c.o /b/src/wsman/c.c.o \
	/b/src/http/low.c.o /b/src/auth/ok.c.o > "$tmp/bad.txt"
out=$("$python" "$here/check_layers.py" "$here/fake_nm.sh" "$tmp/bad.txt" --layers "$layers")
rc=$?
echo "$out"
[ $rc -eq 1 ] || { echo "FAIL: exit $rc, want 1"; fail=1; }
grep -q '^call cycle between src/wsman/a.c, src/wsman/b.c, src/wsman/c.c:' <<<"$out" ||
	{ echo "FAIL: the cycle was not reported"; fail=1; }
grep -q '^upward call src/http/low.c -> src/wsman/a.c: hvs_a' <<<"$out" ||
	{ echo "FAIL: the upward call was not reported"; fail=1; }
grep -q 'src/auth/ok.c' <<<"$out" && { echo "FAIL: a downward call was reported"; fail=1; }

printf '%s\n' /b/src/http/low.c.o /b/src/auth/ok.c.o > "$tmp/good.txt"
# low.c still calls hvs_a, which none of these files defines: not a call
# between them, so the set is clean.
"$python" "$here/check_layers.py" "$here/fake_nm.sh" "$tmp/good.txt" --layers "$layers" ||
	{ echo "FAIL: a clean set was refused"; fail=1; }

printf '%s\n' /b/src/wsman/a.c.o /b/src/wsman/b.c.o > "$tmp/nolayer.txt"
"$python" "$here/check_layers.py" "$here/fake_nm.sh" "$tmp/nolayer.txt" --layers "http|auth" &&
	{ echo "FAIL: a file outside every layer was accepted"; fail=1; }
exit $fail
