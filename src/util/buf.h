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
int buf_reserve(buf *b, size_t extra);
int buf_append(buf *b, const void *data, size_t len);
int buf_append_str(buf *b, const char *s);
int buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void buf_reset(buf *b);   /* len = 0, memory kept */
void buf_free(buf *b);    /* releases memory */
void buf_wipe(buf *b);    /* cleanses then frees: for secrets */
/* Hands the data to the caller (never NULL on success: "" for empty) and
 * leaves b empty. */
char *buf_detach(buf *b);

#endif
