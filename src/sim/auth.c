/* Authentication policy, the seam between HTTP and identity. Basic is
 * checked against the scenario's users on every request and refused on
 * plain http unless the scenario sets allow_unencrypted (Windows ties
 * Basic-over-http to AllowUnencrypted and answers 401). Negotiate (NTLM or
 * Kerberos, negotiate.c) authenticates the TCP connection the way http.sys
 * does: once the handshake is done, later requests on that connection need
 * no header, and a new connection starts over. With Negotiate on http and
 * AllowUnencrypted false, a SOAP body must come as multipart/encrypted.
 * Certificate auth (the https/mutual profile as the Authorization value)
 * is checked per request, like Basic, against the TLS client certificate
 * of the connection (certauth.c); it exists only over https. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "model.h"
#include "util/base64.h"
#include "util/strutil.h"

size_t auth_offers(const sim_ctx *ctx, const char *out[2])
{
	size_t n = 0;
	if (ctx->sc->negotiate)
		out[n++] = "Negotiate";
	if (ctx->sc->basic)
		out[n++] = "Basic realm=\"WSMAN\"";
	return n;
}

void auth_conn_reset(sim_conn *conn)
{
	free(conn->user);
	conn->user = NULL;
	conn->scheme[0] = '\0';
	nego_conn_free(conn);
}

static int check_basic(sim_ctx *ctx, sim_conn *conn, const char *b64)
{
	size_t len = 0;
	unsigned char *dec;
	char *colon;
	const sim_user *u;
	int ok = 0;
	while (*b64 == ' ')
		b64++;
	dec = hvs_base64_decode(b64, strlen(b64), &len);
	if (!dec)
		return 0;
	/* hvs_base64_decode's buffer is not terminated for us: copy safely */
	{
		char *s = malloc(len + 1);
		if (!s) {
			OPENSSL_cleanse(dec, len);
			free(dec);
			return 0;
		}
		memcpy(s, dec, len);
		s[len] = '\0';
		OPENSSL_cleanse(dec, len);
		free(dec);
		colon = strlen(s) == len ? strchr(s, ':') : NULL;
		if (colon) {
			*colon = '\0';
			u = auth_find_user(ctx, s);
			/* no blank passwords over the network, as on Windows
			 * (a certificate-only user has none) */
			if (u && u->password && u->password[0] &&
			    strlen(u->password) == strlen(colon + 1) &&
			    CRYPTO_memcmp(u->password, colon + 1,
			                  strlen(u->password)) == 0) {
				auth_conn_reset(conn);
				conn->user = hvs_str_dup(s);
				hvs_str_copy(conn->scheme, sizeof(conn->scheme), "basic");
				ok = 1;
			}
		}
		OPENSSL_cleanse(s, len);
		free(s);
	}
	return ok;
}

/* WinRM with AllowUnencrypted=false refuses a SOAP body that a Negotiate
 * session could have sealed but did not; https is exempt (TLS already
 * protects it) and an empty body is a handshake leg, not SOAP. */
static enum sim_auth_result plaintext_policy(const sim_ctx *ctx,
                                             const sim_conn *conn,
                                             int encrypted, size_t body_len)
{
	if (!encrypted && body_len > 0 && !conn->tls &&
	    !ctx->sc->allow_unencrypted)
		return AUTH_REFUSE_PLAINTEXT;
	return AUTH_OK;
}

/* Any failure is a 401 with the usual offers (the client learns nothing
 * of why); the reason goes to stderr for whoever runs hvsim. */
static int check_certificate(sim_ctx *ctx, sim_conn *conn)
{
	char why[512], login[600];
	const sim_user *u;
	if (!conn->tls)
		return 0; /* WinRM has no certificate auth on http */
	u = cert_map(ctx, conn, why, sizeof(why));
	if (!u) {
		fprintf(stderr, "hvsim: connection %lu: certificate refused: %s\n",
		        conn->id, why);
		return 0;
	}
	snprintf(login, sizeof(login), "%s\\%s",
	         u->domain ? u->domain : ctx->model->host, u->name);
	auth_conn_reset(conn);
	conn->user = hvs_str_dup(login);
	hvs_str_copy(conn->scheme, sizeof(conn->scheme), "certificate");
	return 1;
}

static int is_negotiate(const sim_conn *conn)
{
	return strncmp(conn->scheme, "negotiate", 9) == 0;
}

enum sim_auth_result auth_check(sim_ctx *ctx, sim_conn *conn,
                                const char *authz, int encrypted,
                                size_t body_len, buf *token_out)
{
	if (authz && strncasecmp(authz, "Basic ", 6) == 0) {
		if (!ctx->sc->basic)
			return AUTH_CHALLENGE;
		if (!conn->tls && !ctx->sc->allow_unencrypted)
			return AUTH_CHALLENGE; /* like Windows: 401, not a fault */
		return check_basic(ctx, conn, authz + 6) ? AUTH_OK
		                                         : AUTH_CHALLENGE;
	}
	if (authz && strcasecmp(authz, SIM_SECPROFILE_MUTUAL) == 0)
		return check_certificate(ctx, conn) ? AUTH_OK : AUTH_CHALLENGE;
	if (authz && strncasecmp(authz, "Negotiate ", 10) == 0) {
		const char *b64 = authz + 10;
		unsigned char *tok;
		size_t len = 0;
		enum nego_step step;
		if (!ctx->sc->negotiate)
			return AUTH_CHALLENGE;
		while (*b64 == ' ')
			b64++;
		tok = hvs_base64_decode(b64, strlen(b64), &len);
		if (!tok || len == 0) {
			free(tok);
			auth_conn_reset(conn);
			return AUTH_CHALLENGE;
		}
		step = nego_accept(ctx, conn, tok, len, token_out);
		free(tok);
		if (step == NEGO_CONTINUE)
			return AUTH_CONTINUE;
		if (step == NEGO_FAILED) {
			auth_conn_reset(conn);
			return AUTH_CHALLENGE;
		}
		return plaintext_policy(ctx, conn, encrypted, body_len);
	}
	/* No header: only a connection Negotiate already authenticated may
	 * go on (Basic is checked per request, as Windows does). */
	if (!authz && conn->user && is_negotiate(conn) && nego_established(conn))
		return plaintext_policy(ctx, conn, encrypted, body_len);
	return AUTH_CHALLENGE;
}
