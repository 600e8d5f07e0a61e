/* The one interface the session uses for connection-bound authentication
 * (NTLM, and Kerberos through GSSAPI): produce handshake tokens, then seal
 * and open WinRM messages. */
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
	/* The first token must carry the channel bindings (Kerberos sends
	 * everything in it), so over https the session learns the peer
	 * certificate before calling start. */
	int cbt_at_start;
	/* Starts a handshake on a new connection, dropping every key and
	 * sequence number of the previous one; appends the first token.
	 * cbt_app is the tls-server-end-point application data of the
	 * connection, or NULL (http, or not known yet). */
	hvsnap_status (*start)(void *ctx, const unsigned char *cbt_app, size_t cbt_len,
	                       buf *token, hvsnap_error *err);
	/* Answers the host's challenge with the next token. */
	hvsnap_status (*step)(void *ctx, const unsigned char *challenge, size_t len,
	                      const unsigned char *cbt_app, size_t cbt_len,
	                      buf *token, hvsnap_error *err);
	/* Takes the token of the host's final 200 (NULL when it sent none);
	 * Kerberos completes mutual authentication here. */
	hvsnap_status (*finish)(void *ctx, const unsigned char *token, size_t len,
	                        hvsnap_error *err);
	winrm_wrap_fn wrap;
	winrm_unwrap_fn unwrap;
	void (*free)(void *ctx);
} auth_mech;

/* An NTLM mechanism for user (user, DOMAIN\user or user@domain) and
 * password, naming HTTP/<host> as target. */
hvsnap_status hvs_auth_ntlm_new(auth_mech *out, const char *user, const char *password,
                            const char *host, hvsnap_error *err);

/* Kerberos through GSSAPI (SPNEGO tokens in the Negotiate scheme) for the
 * service principal <service>@<host> (HTTP@host unless overridden). With a
 * password, a ticket is acquired for user; without one, the default
 * credential cache is used. HVSNAP_ERR_USAGE when the build has no
 * GSSAPI. */
hvsnap_status hvs_auth_kerberos_new(auth_mech *out, const char *user, const char *password,
                                const char *service, const char *host,
                                hvsnap_error *err);
/* Whether this build can do Kerberos. */
int hvs_auth_kerberos_available(void);
/* Whether Kerberos can authenticate user (a principal; NULL: the default
 * one) without a password: a ticket in the credential cache, or a client
 * keytab. Reads local state only. 0 without GSSAPI. */
int hvs_auth_kerberos_has_credential(const char *user);

void hvs_auth_mech_free(auth_mech *m);

#endif
