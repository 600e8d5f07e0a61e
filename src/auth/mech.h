/* The one interface the session uses for connection-bound authentication
 * (NTLM now, Kerberos through GSSAPI later): produce handshake tokens,
 * then seal and open WinRM messages. */
#ifndef HVSNAP_AUTH_MECH_H
#define HVSNAP_AUTH_MECH_H

#include <stddef.h>
#include "auth/winrm_crypt.h"
#include "hvsnap/error.h"
#include "util/buf.h"

typedef struct auth_mech {
	const char *name;      /* "NTLM", "Kerberos": for -v and messages */
	const char *protocol;  /* WINRM_CRYPT_PROTO_* for sealed messages */
	void *ctx;
	/* Starts a handshake on a new connection, dropping every key and
	 * sequence number of the previous one; appends the first token. */
	hvsnap_status (*start)(void *ctx, buf *token, hvsnap_error *err);
	/* Answers the host's challenge. cbt_app is the tls-server-end-point
	 * application data of the connection (NULL over http). */
	hvsnap_status (*step)(void *ctx, const unsigned char *challenge, size_t len,
	                      const unsigned char *cbt_app, size_t cbt_len,
	                      buf *token, hvsnap_error *err);
	winrm_wrap_fn wrap;
	winrm_unwrap_fn unwrap;
	void (*free)(void *ctx);
} auth_mech;

/* An NTLM mechanism for user (user, DOMAIN\user or user@domain) and
 * password, naming HTTP/<host> as target. */
hvsnap_status auth_ntlm_new(auth_mech *out, const char *user, const char *password,
                            const char *host, hvsnap_error *err);

#endif
