/* Small string helpers missing from C11. */
#ifndef HVSNAP_UTIL_STRUTIL_H
#define HVSNAP_UTIL_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

char *hvs_str_dup(const char *s);                 /* NULL-safe strdup */
char *hvs_str_ndup(const char *s, size_t n);
int hvs_str_case_eq(const char *a, const char *b); /* ASCII case-insensitive */
/* Strict unsigned decimal: digits only, no sign, no spaces, no overflow of
 * max. Returns 0 on success. */
int hvs_str_to_u64(const char *s, uint64_t max, uint64_t *out);
/* Copies src into dst[size] with truncation; always terminates. */
void hvs_str_copy(char *dst, size_t size, const char *src);
/* Overwrites a secret string with zeros, then frees it (NULL allowed). */
void hvs_str_wipe_free(char *s);

#endif
