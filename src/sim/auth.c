/* Authentication policy, the seam between HTTP and identity. Today: Basic
 * against the scenario's users, refused on plain http unless the scenario
 * sets allow_unencrypted (Windows ties Basic-over-http to AllowUnencrypted
 * and answers 401). The state lives in the per-TCP-connection sim_conn so
 * that Negotiate (NTLM via gss-ntlmssp, Kerberos via a keytab, GSSAPI
 * acceptor) can later bind a security context to the connection the way
 * http.sys does; message encryption (multipart/encrypted) then hangs off
 * that context. Neither is implemented yet: a Negotiate token is answered
 * with a fresh challenge, which a client reads as "rejected". */
#include <stdlib.h>
#include <string.h>

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
}

/* user may be "user", "DOMAIN\user" or "user@domain"; the domain, when
 * given, must be the user's domain or the host's name. */
static const sim_user *find_user(const sim_ctx *ctx, const char *login)
{
	char name[256], dom[256] = "";
	const char *bs = strchr(login, '\\'), *at = strchr(login, '@');
	size_t i;
	if (bs) {
		str_copy(dom, sizeof(dom), login);
		dom[bs - login < 255 ? bs - login : 255] = '\0';
		str_copy(name, sizeof(name), bs + 1);
	} else if (at) {
		str_copy(name, sizeof(name), login);
		name[at - login < 255 ? at - login : 255] = '\0';
		str_copy(dom, sizeof(dom), at + 1);
	} else {
		str_copy(name, sizeof(name), login);
	}
	for (i = 0; i < ctx->sc->nusers; i++) {
		const sim_user *u = &ctx->sc->users[i];
		if (!str_case_eq(u->name, name))
			continue;
		if (dom[0] && !str_case_eq(dom, u->domain ? u->domain : "") &&
		    !str_case_eq(dom, ctx->model->host))
			continue;
		return u;
	}
	return NULL;
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
	dec = base64_decode(b64, strlen(b64), &len);
	if (!dec)
		return 0;
	/* base64_decode's buffer is not terminated for us: copy safely */
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
			u = find_user(ctx, s);
			if (u && u->password &&
			    strlen(u->password) == strlen(colon + 1) &&
			    CRYPTO_memcmp(u->password, colon + 1,
			                  strlen(u->password)) == 0) {
				auth_conn_reset(conn);
				conn->user = str_dup(s);
				str_copy(conn->scheme, sizeof(conn->scheme), "basic");
				ok = 1;
			}
		}
		OPENSSL_cleanse(s, len);
		free(s);
	}
	return ok;
}

enum sim_auth_result auth_check(sim_ctx *ctx, sim_conn *conn,
                                const char *authz, const char *content_type)
{
	int plaintext = !content_type ||
	                strncmp(content_type, "multipart/encrypted", 19) != 0;
	if (authz && strncmp(authz, "Basic ", 6) == 0) {
		if (!ctx->sc->basic)
			return AUTH_CHALLENGE;
		if (!conn->tls && !ctx->sc->allow_unencrypted)
			return AUTH_CHALLENGE; /* like Windows: 401, not a fault */
		return check_basic(ctx, conn, authz + 6) ? AUTH_OK
		                                         : AUTH_CHALLENGE;
	}
	/* Seam: "Negotiate <token>" / "Kerberos <token>" go to a GSSAPI
	 * acceptor bound to conn; an established context then authorizes
	 * later requests on this connection without a header. */
	if (!authz && conn->user && strcmp(conn->scheme, "negotiate") == 0) {
		if (plaintext && !conn->tls && !ctx->sc->allow_unencrypted)
			return AUTH_REFUSE_PLAINTEXT;
		return AUTH_OK;
	}
	return AUTH_CHALLENGE;
}
