#!/bin/sh
# Stands in for nm in the layers check's self-test: canned symbol tables
# of a file set with a three-file call cycle and an upward call.
case "$1" in
*/src/wsman/a.c.o) printf '0000 T hvs_a\n                 U hvs_b\n' ;;
*/src/wsman/b.c.o) printf '0000 T hvs_b\n                 U hvs_c\n' ;;
*/src/wsman/c.c.o) printf '0000 T hvs_c\n                 U hvs_a\n                 U malloc\n' ;;
*/src/http/low.c.o) printf '0000 T hvs_low\n                 U hvs_a\n' ;;
*/src/auth/ok.c.o) printf '0000 T hvs_ok\n                 U hvs_low\n' ;;
*) echo "fake_nm: unknown object $1" >&2; exit 1 ;;
esac
