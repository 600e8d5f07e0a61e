#!/usr/bin/env bash
# The library's symbol surface is exactly its public headers:
# - libhvsnap.so exports only hvsnap_* names, and exactly the HVSNAP_EXTERN
#   declarations of include/hvsnap/*.h (none missing, none undeclared);
# - every declared function links from C and from C++ (extern "C" intact);
# - neither library carries the NTLM test hooks (hvs_ntlm_test_*);
# - libhvsnap.a defines no global outside hvsnap_* / hvs_*, so it cannot
#   clash with a caller's own str_dup or buf_append.
# usage: test_symbols.sh LIBHVSNAP.so LIBHVSNAP.a INCLUDE_DIR CC CXX NM [LINKFLAGS]
# (LINKFLAGS: what linking the library needs, e.g. the sanitizer flags it
# was built with.)
set -uo pipefail
if [ $# -ne 6 ] && [ $# -ne 7 ]; then
	echo "usage: $0 LIB.so LIB.a INCLUDE_DIR CC CXX NM [LINKFLAGS]" >&2
	exit 2
fi
so=$1 ar=$2 incdir=$3 cc=$4 cxx=$5 nm=$6
read -r -a linkflags <<<"${7:-}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }
# Lists the given names under a heading, at most 20 of them.
show() { sed 's/^/    /' | head -20; }

"$nm" -D --defined-only "$so" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/exported" ||
	{ echo "FAIL: $nm -D $so"; exit 1; }
perl "$here/public_names.pl" "$incdir"/hvsnap/*.h | sort >"$tmp/declared.all" ||
	{ echo "FAIL: cannot read the public headers"; exit 1; }
sort -u "$tmp/declared.all" >"$tmp/declared"
[ -s "$tmp/exported" ] || fail "$so exports nothing"
[ -s "$tmp/declared" ] || fail "no HVSNAP_EXTERN declaration found in $incdir/hvsnap"

bad=$(grep -v '^hvsnap_' "$tmp/exported")
if [ -z "$bad" ]; then pass "libhvsnap.so exports only hvsnap_* ($(wc -l <"$tmp/exported") symbols)"
else fail "libhvsnap.so exports names without the hvsnap_ prefix:"; show <<<"$bad"; fi

dups=$(uniq -d "$tmp/declared.all")
if [ -z "$dups" ]; then pass "each public name is declared once"
else fail "declared more than once in the headers:"; show <<<"$dups"; fi

missing=$(comm -23 "$tmp/declared" "$tmp/exported")
if [ -z "$missing" ]; then pass "all $(wc -l <"$tmp/declared") HVSNAP_EXTERN declarations are exported"
else fail "declared HVSNAP_EXTERN but not exported by libhvsnap.so:"; show <<<"$missing"; fi

extra=$(comm -13 "$tmp/declared" "$tmp/exported")
if [ -z "$extra" ]; then pass "libhvsnap.so exports nothing the headers do not declare"
else fail "exported by libhvsnap.so but declared in no public header:"; show <<<"$extra"; fi

# Every declared name referenced from one C and one C++ program linked to
# the shared library: a header without extern "C" fails the C++ link.
{
	for h in "$incdir"/hvsnap/*.h; do echo "#include <hvsnap/$(basename "$h")>"; done
	echo '#include <stdio.h>'
	echo 'int main(void) {'
	sed 's/.*/\tprintf("%p\\n", (void *)\&&);/' "$tmp/declared"
	echo '	return 0;'
	echo '}'
} >"$tmp/refs.c"
libdir=$(dirname "$so")
for lang in c c++; do
	if [ "$lang" = c ]; then compiler=$cc; else compiler=$cxx; fi
	if "$compiler" -x "$lang" "$tmp/refs.c" -x none -I "$incdir" -L "$libdir" -lhvsnap \
		${linkflags[@]+"${linkflags[@]}"} -o "$tmp/refs" >"$tmp/link.log" 2>&1; then
		pass "every public function links from $lang"
	else
		fail "a program in $lang referencing every public function does not link:"
		show <"$tmp/link.log"
	fi
done

# The test hooks must not ship: not exported, and not even a local symbol.
hooks=$( { "$nm" -D "$so"; "$nm" "$so" 2>/dev/null; "$nm" "$ar"; } | grep -o 'hvs_ntlm_test_[A-Za-z0-9_]*' | sort -u)
if [ -z "$hooks" ]; then pass "no NTLM test hook (hvs_ntlm_test_*) in libhvsnap.so or libhvsnap.a"
else fail "NTLM test hooks in the shipped library:"; show <<<"$hooks"; fi

"$nm" -g --defined-only "$ar" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/archive" ||
	{ echo "FAIL: $nm $ar"; exit 1; }
[ -s "$tmp/archive" ] || fail "$ar defines no global symbol"
bad=$(grep -Ev '^(hvsnap_|hvs_)' "$tmp/archive")
if [ -z "$bad" ]; then pass "libhvsnap.a defines only hvsnap_* and hvs_* globals ($(wc -l <"$tmp/archive") symbols)"
else fail "libhvsnap.a defines globals outside hvsnap_* / hvs_*:"; show <<<"$bad"; fi

exit "$failed"
