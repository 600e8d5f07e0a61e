/* What the benchmark programs share: failing with the program's name, and
 * reading an input file whole. */
#ifndef HVSNAP_BENCH_UTIL_H
#define HVSNAP_BENCH_UTIL_H

#include <stddef.h>

/* Prints "PROG: WHAT" on stderr and exits 1. */
void bench_die(const char *prog, const char *what) __attribute__((noreturn));
/* The bytes of DIR/NAME (malloc'd, the caller frees); exits on failure. */
char *bench_read_file(const char *prog, const char *dir, const char *name, size_t *len);

#endif
