/* A growable byte buffer, always NUL-terminated so text can be used as a
 * C string. Shared by every layer (and by hvsim). */
#ifndef HVSNAP_UTIL_BUF_H
#define HVSNAP_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data;  /* NULL until the first append */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT { NULL, 0, 0 }

/* Each returns 0, or -1 when memory runs out (the buffer is unchanged). */
int hvs_buf_reserve(buf *b, size_t extra);
int hvs_buf_append(buf *b, const void *data, size_t len);
int hvs_buf_append_str(buf *b, const char *s);
int hvs_buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int hvs_buf_vprintf(buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void hvs_buf_reset(buf *b);   /* len = 0, memory kept */
void hvs_buf_free(buf *b);    /* releases memory */
void hvs_buf_wipe(buf *b);    /* cleanses then frees: for secrets */
/* Hands the data to the caller (never NULL on success: "" for empty) and
 * leaves b empty. */
char *hvs_buf_detach(buf *b);

#endif
