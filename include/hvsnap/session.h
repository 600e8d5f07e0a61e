/* A session: one host, one set of credentials, one keep-alive connection.
 * Every WS-Man operation runs on a session. A session is used by one thread
 * at a time. */
#ifndef HVSNAP_SESSION_H
#define HVSNAP_SESSION_H

#include "hvsnap/common.h"
#include <stddef.h>
#include "hvsnap/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hvsnap_transport {
	HVSNAP_TRANSPORT_HTTPS = 0,
	HVSNAP_TRANSPORT_HTTP
} hvsnap_transport;

typedef enum hvsnap_auth {
	HVSNAP_AUTH_NEGOTIATE = 0, /* Kerberos when usable, else NTLM */
	HVSNAP_AUTH_BASIC,
	HVSNAP_AUTH_NTLM,
	HVSNAP_AUTH_KERBEROS,
	HVSNAP_AUTH_CERTIFICATE,
	HVSNAP_AUTH_NONE           /* only for unauthenticated Identify */
} hvsnap_auth;

typedef enum hvsnap_encryption {
	HVSNAP_ENCRYPTION_AUTO = 0, /* encrypt on http with ntlm/kerberos/negotiate */
	HVSNAP_ENCRYPTION_ALWAYS,
	HVSNAP_ENCRYPTION_NEVER
} hvsnap_encryption;

/* What a trace callback receives. Secrets are already redacted. */
typedef enum hvsnap_trace_kind {
	HVSNAP_TRACE_INFO = 0,   /* one line of -v diagnostics */
	HVSNAP_TRACE_REQUEST,    /* a SOAP request about to be sent */
	HVSNAP_TRACE_RESPONSE    /* a SOAP response as received */
} hvsnap_trace_kind;

typedef void (*hvsnap_trace_fn)(void *ctx, hvsnap_trace_kind kind,
                                const char *text, size_t len);

typedef struct hvsnap_session_options {
	const char *host;          /* name, IPv4, IPv6 literal with or without [] */
	unsigned port;             /* 0: 5986 for https, 5985 for http */
	hvsnap_transport transport;
	hvsnap_auth auth;
	hvsnap_encryption encryption;
	const char *user;          /* user, DOMAIN\user or user@REALM */
	const char *password;      /* copied; the copy is wiped on free. May be
	                            * NULL for Kerberos/Negotiate: the default
	                            * ticket cache is used then. */
	const char *cacert;        /* PEM bundle file */
	int insecure;              /* skip certificate verification */
	const char *pin;           /* "sha256//BASE64" public-key pin */
	const char *client_cert;   /* PEM file, certificate auth */
	const char *client_key;    /* PEM file, certificate auth */
	long connect_timeout_ms;   /* 0: 30 s */
	long timeout_ms;           /* per request, 0: 60 s */
	size_t max_response_bytes; /* 0: max_envelope_size + 16 KiB */
	int allow_insecure_basic;  /* permit Basic over plain http */
	const char *spn_service;   /* Kerberos service, default "HTTP" */
	const char *spn_host;      /* Kerberos host name, default: host */
	const char *locale;        /* wsman:Locale, default "en-US" */
	unsigned max_envelope_size;/* default 512000 */
	unsigned operation_timeout_ms; /* wsman:OperationTimeout, default 60 s */
	hvsnap_trace_fn trace;     /* optional diagnostics sink */
	void *trace_ctx;
	int trace_soap;            /* also send REQUEST/RESPONSE bodies */
} hvsnap_session_options;

typedef struct hvsnap_session hvsnap_session;

/* Fills opts with defaults (all zero / NULL, https, negotiate, auto). */
HVSNAP_EXTERN void hvsnap_session_options_init(hvsnap_session_options *opts);

/* Validates the options and prepares a session; connects lazily on the first
 * request. */
HVSNAP_EXTERN hvsnap_status hvsnap_session_new(hvsnap_session **out,
                                 const hvsnap_session_options *opts,
                                 hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_session_free(hvsnap_session *session);

/* The endpoint URL, e.g. "https://[::1]:5986/wsman". */
HVSNAP_EXTERN const char *hvsnap_session_url(const hvsnap_session *session);

/* Number of HTTP requests sent so far (for diagnostics and benchmarks). */
HVSNAP_EXTERN unsigned long hvsnap_session_request_count(const hvsnap_session *session);

HVSNAP_EXTERN const char *hvsnap_version(void);

#ifdef __cplusplus
}
#endif
#endif
