/* What the WS-Man operations need from a session: request header defaults
 * and one SOAP round trip with auth, tracing, status and fault handling. */
#ifndef HVSNAP_WSMAN_SESSION_INT_H
#define HVSNAP_WSMAN_SESSION_INT_H

#include <libxml/tree.h>
#include "hvsnap/session.h"
#include "wsman/envelope.h"

/* Fills o with the session's To, timeout, envelope size and locale, and the
 * given resource URI and selectors (which may be NULL / 0). */
void wsman_session_request_opts(const hvsnap_session *s, wsman_request_opts *o,
                                const char *resource_uri,
                                const hvsnap_selector *selectors, size_t n);

/* Whether a request may be sent again after the connection dropped. Reads
 * may; Invoke may not, since it may already have run on the host. */
typedef enum wsman_retry {
	WSMAN_NO_RETRY = 0,
	WSMAN_RETRY_ON_RECONNECT
} wsman_retry;

/* Sends req (which the caller still owns), checks the HTTP status, parses
 * the answer with the hardened loader and turns a SOAP fault into an error.
 * label names the operation in traces and messages ("Get", "Invoke
 * CreateSnapshot"). On success *resp is the parsed response. */
hvsnap_status wsman_session_call(hvsnap_session *s, xmlDocPtr req,
                                 const char *label, wsman_retry retry,
                                 xmlDocPtr *resp, hvsnap_error *err);

/* Emits one -v line through the session's trace callback, if any. */
void wsman_session_info(const hvsnap_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
