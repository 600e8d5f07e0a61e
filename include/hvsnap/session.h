/* A session: one host, one set of credentials, one keep-alive connection.
 * Every WS-Man operation runs on a session.
 *
 * Threads: any number of sessions may be used at once, each by one thread
 * at a time (a session is not locked; hand it over, do not share it).
 * Every call on a session blocks until its requests are answered, each
 * request bounded by timeout_ms. */
#ifndef HVSNAP_SESSION_H
#define HVSNAP_SESSION_H

#include "hvsnap/common.h"
#include <stddef.h>
#include <stdint.h>
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

/* Options of hvsnap_session_new. Versioned: start from
 * HVSNAP_SESSION_OPTIONS_INIT or hvsnap_session_options_init(), then set
 * what differs; zero / NULL members mean the defaults given. Strings are
 * borrowed for the duration of hvsnap_session_new only (it copies them). */
typedef struct hvsnap_session_options {
	unsigned int version;      /* HVSNAP_SESSION_OPTIONS_VERSION */
	const char *host;          /* name, IPv4, IPv6 literal with or without [] */
	uint32_t port;             /* 0: 5986 for https, 5985 for http */
	hvsnap_transport transport;
	hvsnap_auth auth;
	hvsnap_encryption encryption;
	const char *user;          /* user, DOMAIN\user or user@REALM */
	const char *password;      /* copied; the copy is wiped once the
	                            * session no longer needs it. May be NULL
	                            * for Kerberos/Negotiate: the ticket cache
	                            * or client keytab is used then. */
	const char *cacert;        /* PEM bundle file */
	int insecure;              /* skip certificate verification */
	const char *pin;           /* "sha256//BASE64" public-key pin */
	const char *client_cert;   /* PEM file, certificate auth */
	const char *client_key;    /* PEM file, certificate auth */
	uint32_t connect_timeout_ms; /* 0: 30 s */
	uint32_t timeout_ms;       /* per request, 0: 60 s */
	uint64_t max_response_bytes; /* 0: max_envelope_size + 16 KiB */
	int allow_insecure_basic;  /* permit Basic over plain http */
	const char *spn_service;   /* Kerberos service, default "HTTP" */
	const char *spn_host;      /* Kerberos host name, default: host */
	const char *locale;        /* wsman:Locale, default "en-US" */
	uint32_t max_envelope_size;/* default 512000 */
	uint32_t operation_timeout_ms; /* wsman:OperationTimeout, default 80% of
	                            * timeout_ms, at most 60 s */
	uint32_t busy_timeout_ms;  /* how long a request the host refuses as busy
	                            * (WS-Man QuotaLimit) is tried again; 0: 60 s */
	hvsnap_trace_fn trace;     /* optional diagnostics sink */
	void *trace_ctx;           /* passed to trace, borrowed */
	int trace_soap;            /* also send REQUEST/RESPONSE bodies */
} hvsnap_session_options;

#define HVSNAP_SESSION_OPTIONS_VERSION 1
#define HVSNAP_SESSION_OPTIONS_INIT { .version = HVSNAP_SESSION_OPTIONS_VERSION }

/* A session: opaque, owned by its creator, freed with hvsnap_session_free. */
typedef struct hvsnap_session hvsnap_session;

/* Fills opts with the defaults of the given version (pass
 * HVSNAP_SESSION_OPTIONS_VERSION). HVSNAP_ERR_USAGE for a version this
 * library does not know. */
HVSNAP_EXTERN hvsnap_status hvsnap_session_options_init(hvsnap_session_options *opts,
                                                        unsigned int version);

/* Validates the options and prepares a session; connects lazily on the
 * first request, so this does not block on the network. Initialises the
 * library (hvsnap_global_init) if the caller has not. On success *out is a
 * new session the caller owns. */
HVSNAP_EXTERN hvsnap_status hvsnap_session_new(hvsnap_session **out,
                                               const hvsnap_session_options *opts,
                                               hvsnap_error *err);
/* Closes the connection and wipes the credentials. NULL is ignored. */
HVSNAP_EXTERN void hvsnap_session_free(hvsnap_session *session);

/* Asks every blocking call on this session to stop as soon as it can: no
 * new request is sent, and a wait between polls ends at once.
 * A request already on the wire is still answered (bounded by timeout_ms),
 * so a method request that left is never lost, repeated or cancelled. The
 * interrupted call returns HVSNAP_ERR_CANCELLED. Safe to call from another
 * thread or from a signal handler (it sets an atomic flag and wakes a
 * sleeper through an eventfd; errno is kept). The flag stays set until
 * hvsnap_session_resume. */
HVSNAP_EXTERN void hvsnap_session_interrupt(hvsnap_session *session);
/* Clears the interrupt flag, so the session can be used again. */
HVSNAP_EXTERN void hvsnap_session_resume(hvsnap_session *session);
/* Whether the session has been interrupted (and not resumed). */
HVSNAP_EXTERN int hvsnap_session_interrupted(const hvsnap_session *session);
/* Sleeps ms milliseconds unless the session is interrupted first; an
 * interrupt ends the sleep at once. The sleep for callers that poll on
 * their own (jobs started with wait.no_wait). Non-zero when the session is
 * interrupted. NULL session: a plain sleep. Same threading as the other
 * calls taking a session. */
HVSNAP_EXTERN int hvsnap_session_pause(const hvsnap_session *session, uint32_t ms);

/* Whether Kerberos can authenticate user (user@REALM; NULL: the cache's
 * default principal) without a password: a valid ticket in the credential
 * cache (kinit) or a client keytab (KRB5_CLIENT_KTNAME). Lets a caller ask
 * for a password only when it is needed. Reads local state only, no
 * network; always 0 in a build without Kerberos. Thread-safe. */
HVSNAP_EXTERN int hvsnap_kerberos_has_credential(const char *user);

/* The endpoint URL, e.g. "https://[::1]:5986/wsman"; owned by the session. */
HVSNAP_EXTERN const char *hvsnap_session_url(const hvsnap_session *session);

/* Number of HTTP requests sent so far (for diagnostics and benchmarks). */
HVSNAP_EXTERN uint64_t hvsnap_session_request_count(const hvsnap_session *session);

#ifdef __cplusplus
}
#endif
#endif
