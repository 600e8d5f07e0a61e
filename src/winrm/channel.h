/* The channel: one authenticated, sealed conversation with a WinRM host.
 * It owns everything between "here is a SOAP body" and "here is the
 * plaintext answer": the HTTP connection (through a transport that tests
 * can replace), the Negotiate handshake with Kerberos→NTLM fallback, the
 * CBT probe over https, WinRM message sealing, and the policy for 401s and
 * dropped connections (a body that may have run is never sent twice). It
 * knows nothing of SOAP beyond the Content-Type. */
#ifndef HVSNAP_WINRM_CHANNEL_H
#define HVSNAP_WINRM_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "auth/mech.h"
#include "hvsnap/session.h"
#include "http/transport.h"
#include "util/buf.h"

/* What the channel needs of a connection. The HTTP one is
 * hvs_winrm_http_transport_new; unit tests script their own. */
typedef struct winrm_transport_ops {
	/* As hvs_http_post: any HTTP status is success; r is overwritten. */
	hvsnap_status (*post)(void *ctx, const char *content_type, const void *body,
	                      size_t len, const char *const *headers, http_response *r,
	                      hvsnap_error *err);
	/* Non-zero when the last post's body may have reached the host. */
	int (*body_sent)(void *ctx);
	/* DER of the peer certificate for channel binding (malloc'd), or NULL. */
	unsigned char *(*peer_cert_der)(void *ctx, size_t *len);
	/* Non-zero when the idle connection holds bytes nobody asked for. */
	int (*has_unread)(void *ctx);
	/* Drops the connection; the next post opens a new one. */
	void (*reset)(void *ctx);
	void (*free)(void *ctx);
} winrm_transport_ops;

typedef struct winrm_transport {
	const winrm_transport_ops *ops;
	void *ctx;
} winrm_transport;

/* A transport over libcurl (src/http) with the given options. */
hvsnap_status hvs_winrm_http_transport_new(winrm_transport *out,
                                           const http_conn_options *o,
                                           hvsnap_error *err);

/* One -v line of the channel's doings. */
typedef void (*winrm_info_fn)(void *ctx, const char *line);

typedef struct winrm_channel_options {
	hvsnap_auth auth;
	hvsnap_encryption encryption;
	int https;
	const char *host;          /* NTLM target, Kerberos service host, messages */
	const char *user;
	const char *password;      /* copied only where a mechanism needs it */
	const char *spn_service;   /* Kerberos overrides; NULL: HTTP@host */
	const char *spn_host;
	const char *client_cert;   /* named in -v output only */
	winrm_info_fn info;        /* may be NULL */
	void *info_ctx;
} winrm_channel_options;

typedef struct winrm_channel winrm_channel;

/* Opens a channel to the endpoint of http: chooses the mechanisms o asks
 * for (under Negotiate: Kerberos when usable, NTLM as fallback) and
 * decides whether messages are sealed. No traffic yet. */
hvsnap_status hvs_winrm_channel_open(winrm_channel **out, const winrm_channel_options *o,
                                     const http_conn_options *http, hvsnap_error *err);

/* The same over a given transport and mechanisms (mech.ctx NULL: none;
 * fallback.ctx NULL: no fallback). Takes ownership of all three, also on
 * failure, and clears the caller's copies. */
hvsnap_status hvs_winrm_channel_new(winrm_channel **out, const winrm_channel_options *o,
                                    winrm_transport *transport, auth_mech *mech,
                                    auth_mech *fallback, hvsnap_error *err);
void hvs_winrm_channel_free(winrm_channel *c);

/* Whether a body may go again after its connection broke. */
typedef enum winrm_resend {
	WINRM_NEVER_RESEND = 0,   /* Invoke, Pull: it may have run on the host */
	WINRM_RESEND_ON_RECONNECT /* reads: once more on a new connection */
} winrm_resend;

/* The plaintext answer to one exchange. */
typedef struct winrm_reply {
	long status;   /* 200, or 400/500 (which carry SOAP faults), or other */
	buf body;      /* unsealed; NUL-terminated */
} winrm_reply;
void hvs_winrm_reply_clear(winrm_reply *r);

/* Sends one SOAP body and returns the answer, authenticating the
 * connection first when needed and sealing when encrypting. label names
 * the request in -v lines and messages.
 * - Unrequested bytes on the idle connection: a new connection first.
 * - 401 on a connection whose context the host forgot: one new handshake
 *   and one resend, whatever resend says (a 401 means nothing ran).
 * - A final 401 (or 403 to a client certificate): HVSNAP_ERR_AUTH.
 * - A dropped connection or an answer cut short: with
 *   WINRM_RESEND_ON_RECONNECT one more try on a new connection; otherwise
 *   the error, and hvs_winrm_channel_body_sent says whether the body left.
 * - A timeout is HVSNAP_ERR_CONNECT (TIMEOUT is for waits on jobs).
 * reply is overwritten; on failure it is left empty. */
hvsnap_status hvs_winrm_channel_exchange(winrm_channel *c, const char *body, size_t len,
                                         const char *label, winrm_resend resend,
                                         winrm_reply *reply, hvsnap_error *err);

/* Whether the last exchange's body (in any of its tries) left this
 * process: after a failure, the host may have acted on it. */
int hvs_winrm_channel_body_sent(const winrm_channel *c);
/* HTTP requests sent so far, handshake legs included. */
uint64_t hvs_winrm_channel_requests(const winrm_channel *c);

#endif
