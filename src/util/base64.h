/* Base64 (RFC 4648, standard alphabet, with padding). */
#ifndef HVSNAP_UTIL_BASE64_H
#define HVSNAP_UTIL_BASE64_H

#include <stddef.h>

/* Returns a malloc'd NUL-terminated string, or NULL on allocation failure. */
char *hvs_base64_encode(const void *data, size_t len);
/* Decodes text (whitespace not allowed); returns a malloc'd buffer and sets
 * *out_len, or NULL when text is not valid base64 or memory runs out. */
unsigned char *hvs_base64_decode(const char *text, size_t text_len, size_t *out_len);

#endif
