/* Filling hvsnap_error values, and the public error helpers. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void hvsnap_error_clear(hvsnap_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *hvsnap_status_name(hvsnap_status status)
{
	switch (status) {
	case HVSNAP_OK: return "ok";
	case HVSNAP_ERR_USAGE: return "usage";
	case HVSNAP_ERR_CONNECT: return "connect";
	case HVSNAP_ERR_TLS: return "tls";
	case HVSNAP_ERR_AUTH: return "auth";
	case HVSNAP_ERR_NOT_FOUND: return "not_found";
	case HVSNAP_ERR_AMBIGUOUS: return "ambiguous";
	case HVSNAP_ERR_TIMEOUT: return "timeout";
	case HVSNAP_ERR_PROTOCOL: return "protocol";
	case HVSNAP_ERR_FAULT: return "fault";
	case HVSNAP_ERR_FAILED: return "failed";
	case HVSNAP_ERR_NOMEM: return "nomem";
	case HVSNAP_ERR_INTERNAL: return "internal";
	case HVSNAP_ERR_CANCELLED: return "cancelled";
	case HVSNAP_ERR_BUSY: return "busy";
	}
	return "unknown";
}

const char *hvsnap_code_kind_name(hvsnap_code_kind kind)
{
	switch (kind) {
	case HVSNAP_CODE_NONE: return NULL;
	case HVSNAP_CODE_WMI: return "wmi";
	case HVSNAP_CODE_WSMAN: return "wsman";
	case HVSNAP_CODE_HTTP: return "http";
	}
	return NULL;
}

/* The usual meaning of a code by the kind of failure; the few places where
 * it is otherwise say so with hvs_err_set_code_kind. */
static hvsnap_code_kind default_code_kind(hvsnap_status kind, long code)
{
	if (code == 0)
		return HVSNAP_CODE_NONE;
	if (kind == HVSNAP_ERR_FAILED)
		return HVSNAP_CODE_WMI;
	if (kind == HVSNAP_ERR_FAULT || kind == HVSNAP_ERR_BUSY)
		return HVSNAP_CODE_WSMAN;
	if (code >= 100 && code <= 599)
		return HVSNAP_CODE_HTTP;
	return HVSNAP_CODE_WSMAN;
}

/* A message cut to fit its buffer may end inside a multi-byte UTF-8
 * character; drop that partial character so the text stays valid (JSON
 * output refuses invalid UTF-8). */
static void trim_partial_utf8(char *s, size_t size)
{
	size_t len = strnlen(s, size);
	if (len + 1 < size || len == 0)
		return; /* not truncated */
	size_t i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--; /* continuation bytes */
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

hvsnap_status hvs_err_set(hvsnap_error *err, hvsnap_status kind, long code,
                      const char *fmt, ...)
{
	if (!err)
		return kind;
	hvsnap_error_clear(err);
	err->kind = kind;
	err->code = code;
	err->code_kind = default_code_kind(kind, code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	trim_partial_utf8(err->message, sizeof(err->message));
	return kind;
}

void hvs_err_add_detail(hvsnap_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	size_t used = strlen(err->detail);
	if (used && used + 2 < sizeof(err->detail)) {
		memcpy(err->detail + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= sizeof(err->detail))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->detail + used, sizeof(err->detail) - used, fmt, ap);
	va_end(ap);
	trim_partial_utf8(err->detail, sizeof(err->detail));
}

void hvs_err_note_may_have_run(hvsnap_error *err, const char *method, const char *why)
{
	if (!err)
		return;
	err->may_have_run = 1;
	/* One note, even when several layers see the same failure. */
	if (strstr(err->detail, "may have run on the host"))
		return;
	hvs_err_add_detail(err, "%s may have run on the host although %s; it was not sent again",
	               method, why);
}

hvsnap_status hvs_check_version(hvsnap_error *err, const char *what, const void *versioned,
                                unsigned int want)
{
	unsigned int got = versioned ? *(const unsigned int *)versioned : 0u;
	if (got == want)
		return HVSNAP_OK;
	return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "%s of version %u; this libhvsnap knows version %u",
	                   what, got, want);
}

hvsnap_status hvs_err_nomem(hvsnap_error *err)
{
	return hvs_err_set(err, HVSNAP_ERR_NOMEM, 0, "out of memory");
}

void hvs_err_set_code_kind(hvsnap_error *err, hvsnap_code_kind kind)
{
	if (err)
		err->code_kind = err->code ? kind : HVSNAP_CODE_NONE;
}
