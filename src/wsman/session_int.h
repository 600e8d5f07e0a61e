/* What the WS-Man operations need from a session: request header defaults
 * and one SOAP round trip with auth, tracing, status and fault handling. */
#ifndef HVSNAP_WSMAN_SESSION_INT_H
#define HVSNAP_WSMAN_SESSION_INT_H

#include <libxml/tree.h>
#include <stdatomic.h>
#include <stdint.h>
#include "auth/mech.h"
#include "http/transport.h"
#include "hvsnap/session.h"
#include "wsman/envelope.h"

struct hvsnap_session {
	hvsnap_session_options opts; /* string members point into copies below */
	char *host, *user, *password, *cacert, *pin, *client_cert, *client_key;
	char *locale;
	char *url;
	http_conn *http;
	uint64_t requests;
	atomic_int interrupted; /* hvsnap_session_interrupt: signal-safe */
	char *spn_service, *spn_host;
	auth_mech mech;     /* NTLM or Kerberos; mech.ctx is NULL otherwise */
	auth_mech fallback; /* Negotiate: NTLM, used when Kerberos cannot be */
	int authenticated;  /* mech's context belongs to the current connection */
	int encrypt;        /* seal every SOAP message (WinRM message encryption) */
	int body_sent;      /* the last exchange's SOAP body left this process */
	size_t reply_bytes; /* size of the last answer's body on the wire */
};

/* Fills o with the session's To, timeout, envelope size and locale, and the
 * given resource URI and selectors (which may be NULL / 0). */
void hvs_wsman_session_request_opts(const hvsnap_session *s, wsman_request_opts *o,
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
hvsnap_status hvs_wsman_session_call(hvsnap_session *s, xmlDocPtr req,
                                 const char *label, wsman_retry retry,
                                 xmlDocPtr *resp, hvsnap_error *err);

/* --- session_auth.c: authentication and sealing on the wire ---------- */

/* Sets up the connection-bound mechanism the options ask for and decides
 * whether messages are sealed. */
hvsnap_status hvs_session_auth_init(hvsnap_session *s, hvsnap_error *err);
void hvs_session_auth_free(hvsnap_session *s);
/* Sends one SOAP body: authenticates the connection first when needed,
 * seals the body when encrypting, and leaves the plaintext answer in
 * r->body. A 401 on a connection the host had forgotten (it was closed and
 * reopened) is answered by one new handshake and one resend: the host did
 * not process the rejected request. */
hvsnap_status hvs_session_exchange(hvsnap_session *s, const char *body, size_t len,
                               const char *label, http_response *r,
                               hvsnap_error *err);
/* Turns a 401 into an authentication error with hints. */
hvsnap_status hvs_session_unauthorized(const hvsnap_session *s, const http_response *r,
                                   hvsnap_error *err);
/* The connection broke: drop it, and the context bound to it. */
void hvs_session_connection_lost(hvsnap_session *s);

/* Emits one -v line through the session's trace callback, if any. */
void hvs_wsman_session_info(const hvsnap_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
