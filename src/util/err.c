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
	}
	return "unknown";
}

hvsnap_status err_set(hvsnap_error *err, hvsnap_status kind, long code,
                      const char *fmt, ...)
{
	if (!err)
		return kind;
	hvsnap_error_clear(err);
	err->kind = kind;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return kind;
}

void err_add_detail(hvsnap_error *err, const char *fmt, ...)
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
}

hvsnap_status err_nomem(hvsnap_error *err)
{
	return err_set(err, HVSNAP_ERR_NOMEM, 0, "out of memory");
}
