#!/usr/bin/env bash
# Compiles one public header alone, as a caller's first include, with the
# given compiler and language standard; warnings are errors. Including it
# twice also checks its include guard.
# usage: compile_header.sh COMPILER c|c++ STD INCLUDE_DIR HEADER_NAME
set -euo pipefail
if [ $# -ne 5 ]; then
	echo "usage: $0 COMPILER c|c++ STD INCLUDE_DIR HEADER_NAME" >&2
	exit 2
fi
compiler=$1 lang=$2 std=$3 incdir=$4 header=$5

flags=(-x "$lang" "-std=$std" -fsyntax-only -pedantic -Werror -Wall -Wextra
       -I "$incdir")
# C only: a declaration without a prototype is a bug in a public header.
[ "$lang" = c ] && flags+=(-Wstrict-prototypes)

# The typedef keeps a header of macros only from being an (ISO-forbidden)
# empty translation unit.
printf '#include <hvsnap/%s>\n#include <hvsnap/%s>\ntypedef int headertest_tu;\n' \
	"$header" "$header" |
	"$compiler" "${flags[@]}" -
echo "PASS: hvsnap/$header compiles alone as $lang ($std) with $compiler"
