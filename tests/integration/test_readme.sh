# Every README command that targets the demo host works as pasted: each
# ```sh block that starts hvsim or logs in as HVHOST\demo runs, as it
# stands, in a fresh directory whose build/ is this build tree, under
# `set -euo pipefail`, and must succeed. Docs point at no file outside the
# repository.
source "$(dirname "$0")/lib.sh"
README=$HVSNAP_SOURCE_DIR/README.md

python3 -S - "$README" "$TMP" <<'PY' || fail "cannot extract the README's sh blocks"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)
n = 0
for b in blocks:
    if "hvsim --listen" in b or "HVHOST\\demo" in b:
        n += 1
        open("%s/block%d.sh" % (sys.argv[2], n), "w").write(b)
if n < 2:
    sys.exit("only %d demo-host blocks found" % n)
PY

for block in "$TMP"/block*.sh; do
  dir=$(mktemp -d "$TMP/run.XXXXXX")
  ln -s "$HVSNAP_BUILD_DIR" "$dir/build"
  # the tools of this build, first on PATH, as build/ is in a source tree
  set +e
  (cd "$dir" && env -u HVSNAP_HOST -u HVSNAP_PORT -u HVSNAP_USER -u HVSNAP_PASSWORD \
     -u HVSNAP_TRANSPORT PATH="$HVSNAP_BUILD_DIR:$PATH" \
     timeout 120 bash -c 'set -euo pipefail; trap "kill \$(jobs -p) 2>/dev/null || true" EXIT
'"$(cat "$block")") >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  [ "$RC" = 0 ] || fail "README block failed (exit $RC):
$(cat "$block")
--- stdout:
$(cat "$TMP/out")
--- stderr:
$(cat "$TMP/err")"
  ok "README block runs as pasted: $(grep -m1 -E 'hvsnap|hvsim' "$block")"
done

if grep -rnE '\.\./(shared|[a-z]+/[A-Za-z]+\.md)|/work/shared' "$README" "$HVSNAP_SOURCE_DIR"/docs "$HVSNAP_SOURCE_DIR"/fixtures --include="*.md" --include="*.1"; then
  fail "the docs above point at files outside the repository"
fi
ok "the docs point at no file outside the repository"
echo "$CHECKS checks passed"
