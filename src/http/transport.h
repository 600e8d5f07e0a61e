/* The HTTP transport: libcurl, one easy handle (so one keep-alive
 * connection) per session, TLS trust (CA file, insecure, public-key pin),
 * timeouts, a response size cap, no redirects. It knows nothing of SOAP. */
#ifndef HVSNAP_HTTP_TRANSPORT_H
#define HVSNAP_HTTP_TRANSPORT_H

#include <stddef.h>
#include "hvsnap/error.h"
#include "util/buf.h"

typedef struct http_conn http_conn;

typedef struct http_conn_options {
	const char *url;            /* full endpoint URL */
	const char *cacert;
	int insecure;
	/* "sha256//BASE64[;sha256//...]", checked on top of whatever CA
	 * verification is on (the session turns that off when a pin comes
	 * without a CA file); anything else is HVSNAP_ERR_USAGE. */
	const char *pin;
	const char *client_cert;
	const char *client_key;
	long connect_timeout_ms;    /* 0: 30 s */
	long timeout_ms;            /* whole request; 0: 60 s */
	size_t max_response_bytes;  /* 0: 32 MiB */
} http_conn_options;

typedef struct http_response {
	long status;                /* HTTP status code */
	buf body;
	char *content_type;         /* malloc'd, NULL when absent */
	char *www_authenticate[4];  /* WWW-Authenticate values, malloc'd */
	size_t n_www_authenticate;
	char *authentication_info;  /* Authentication-Info / final token hdr */
	int new_connection;         /* a new TCP connection was opened */
} http_response;

/* libcurl's process-wide set-up, done once under a lock; conn_new calls it
 * too. Returns a CURLcode (0 on success). */
int hvs_http_global_init(void);
void hvs_http_global_cleanup(void);

/* Builds the endpoint URL: scheme://host:port/wsman, adding [] around an
 * IPv6 literal. Returns a malloc'd string, or NULL for an invalid host. */
char *hvs_http_make_url(int https, const char *host, unsigned port);

hvsnap_status hvs_http_conn_new(http_conn **out, const http_conn_options *o,
                            hvsnap_error *err);
void hvs_http_conn_free(http_conn *c);

/* POSTs body with the given Content-Type and extra header lines
 * ("Name: value", NULL-terminated list, may be NULL). Network and TLS
 * failures are HVSNAP_ERR_CONNECT / HVSNAP_ERR_TLS / HVSNAP_ERR_TIMEOUT;
 * a body over the cap is HVSNAP_ERR_PROTOCOL. Any HTTP status is success
 * here: the caller interprets resp->status. resp is overwritten (clear a
 * previous response first); on failure it is left empty, on success the
 * body is NUL-terminated even when empty. */
hvsnap_status hvs_http_post(http_conn *c, const char *content_type,
                        const void *body, size_t len,
                        const char *const *headers, http_response *resp,
                        hvsnap_error *err);
void hvs_http_response_clear(http_response *resp);

/* Bytes of the last request's body that libcurl took for sending: 0 means
 * the host cannot have seen that request's body. */
size_t hvs_http_last_body_sent(const http_conn *c);

/* DER bytes of the peer certificate of the current connection (for channel
 * binding); NULL when there is none. Known once a response has arrived on
 * that connection (it is captured during the transfer). malloc'd. */
unsigned char *hvs_http_peer_cert_der(http_conn *c, size_t *len);

/* 1 when the kept-alive connection holds bytes nobody asked for yet (or
 * the host closed it): an unrequested answer that the next request would
 * otherwise read as its own. 0 when there is no such connection. */
int hvs_http_conn_has_unread(http_conn *c);

/* Drops the current connection, so the next request opens a new one. */
void hvs_http_conn_reset(http_conn *c);

#endif
