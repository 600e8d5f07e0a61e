/* The channel's state and the pieces its files share. The files stack:
 * link.c (one POST, -v lines, 401 texts) < handshake.c (authenticating a
 * connection) < channel.c (exchanges and their resend policy) < open.c
 * (choosing mechanisms); each calls only the ones below it. */
#ifndef HVSNAP_WINRM_CHANNEL_INT_H
#define HVSNAP_WINRM_CHANNEL_INT_H

#include "winrm/channel.h"

#define SOAP_CONTENT_TYPE "application/soap+xml;charset=UTF-8"

struct winrm_channel {
	hvsnap_auth auth;
	int https;
	char *user, *password;     /* Basic only: its header goes on every request */
	winrm_info_fn info;
	void *info_ctx;
	winrm_transport transport;
	auth_mech mech;            /* NTLM or Kerberos; mech.ctx NULL otherwise */
	auth_mech fallback;        /* Negotiate: NTLM, used when Kerberos fails */
	int authenticated;         /* mech's context belongs to the current connection */
	int encrypt;               /* seal every SOAP message */
	int body_sent;             /* the last exchange's body left this process */
	uint64_t requests;
};

/* --- link.c ---------------------------------------------------------- */

/* Emits one -v line through the channel's info callback, if any. */
void hvs_winrm_info(const winrm_channel *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One POST with an optional extra header line; counts it, traces its
 * outcome, and forgets the context when the connection failed. */
hvsnap_status hvs_winrm_post(winrm_channel *c, const char *content_type, const void *body,
                             size_t len, const char *header, const char *label,
                             http_response *r, hvsnap_error *err);
/* The connection broke: drop it, and the context bound to it. */
void hvs_winrm_connection_lost(winrm_channel *c);
/* The value after "scheme " in the host's WWW-Authenticate headers; "" when
 * the scheme is offered without a token, NULL when not offered. */
const char *hvs_winrm_scheme_token(const http_response *r, const char *scheme);
/* Which schemes the host offered ("Negotiate, Kerberos"), for messages. */
void hvs_winrm_offered_schemes(const http_response *r, char *out, size_t size);
/* Turns a 401 (or a 403 to a client certificate) into an authentication
 * error with what the host offered and what to check. */
hvsnap_status hvs_winrm_unauthorized(const winrm_channel *c, const http_response *r,
                                     hvsnap_error *err);

/* --- handshake.c ----------------------------------------------------- */

/* Authenticates the current connection with the mechanism; under
 * Negotiate a Kerberos failure at the first handshake falls back to NTLM
 * for the rest of the channel's life. */
hvsnap_status hvs_winrm_authenticate(winrm_channel *c, hvsnap_error *err);

#endif
