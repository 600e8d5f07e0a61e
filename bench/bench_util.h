/* What the benchmark programs share: failing with the program's name,
 * reading an input file whole, and the requests they build. */
#ifndef HVSNAP_BENCH_UTIL_H
#define HVSNAP_BENCH_UTIL_H

#include <stddef.h>

#include <libxml/tree.h>

#include "wsman/envelope.h"

/* Prints "PROG: WHAT" on stderr and exits 1. */
void bench_die(const char *prog, const char *what) __attribute__((noreturn));
/* The bytes of DIR/NAME (malloc'd, the caller frees); exits on failure. */
char *bench_read_file(const char *prog, const char *dir, const char *name, size_t *len);
/* The optimized WQL Enumerate that finds a VM by name (quoted_name is
 * already a WQL literal's inside, e.g. "o''brien-db"), with o's header
 * defaults; NULL when it cannot be built. */
xmlDocPtr bench_build_vm_lookup(wsman_request_opts *o, const char *quoted_name);
/* The Invoke of CreateSnapshot on a fixed host's snapshot service, with
 * o's header defaults (its URI and selectors are set here) and params;
 * NULL when it cannot be built. */
xmlDocPtr bench_build_create_snapshot(wsman_request_opts *o, const hvsnap_params *params);

#endif
