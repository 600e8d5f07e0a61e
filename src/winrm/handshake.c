/* Authenticating one connection: the empty-body Negotiate handshake
 * (NTLM: NEGOTIATE, CHALLENGE, AUTHENTICATE; Kerberos: AP-REQ, then AP-REP
 * in the 200), the certificate probe that lets the first token carry
 * channel bindings over https, and the fall back from Kerberos to NTLM. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "auth/cbt.h"
#include "util/base64.h"
#include "util/err.h"
#include "winrm/channel_int.h"

static char *negotiate_header(const buf *token)
{
	char *b64 = hvs_base64_encode(token->data ? token->data : "", token->len);
	if (!b64)
		return NULL;
	buf h = BUF_INIT;
	int rc = hvs_buf_printf(&h, "Authorization: Negotiate %s", b64);
	free(b64);
	if (rc != 0) {
		hvs_buf_free(&h);
		return NULL;
	}
	return hvs_buf_detach(&h);
}

/* The tls-server-end-point channel-binding data of the connection, or an
 * empty buffer over http. */
static hvsnap_status channel_bindings(winrm_channel *c, buf *app, hvsnap_error *err)
{
	if (!c->https)
		return HVSNAP_OK;
	size_t der_len = 0;
	unsigned char *der = c->transport.ops->peer_cert_der(c->transport.ctx, &der_len);
	if (!der)
		return hvs_err_set(err, HVSNAP_ERR_TLS, 0,
		               "the host's certificate is not available for channel binding");
	hvsnap_status st = hvs_cbt_tls_server_end_point(der, der_len, app, err);
	free(der);
	return st;
}

/* Posts an empty body carrying token (or no Authorization at all when
 * token is NULL). */
static hvsnap_status post_token(winrm_channel *c, const buf *token, const char *label,
                                http_response *r, hvsnap_error *err)
{
	char *header = NULL;
	if (token) {
		header = negotiate_header(token);
		if (!header)
			return hvs_err_nomem(err);
	}
	hvsnap_status st = hvs_winrm_post(c, SOAP_CONTENT_TYPE, "", 0, header, label, r, err);
	if (header) {
		OPENSSL_cleanse(header, strlen(header));
		free(header);
	}
	return st;
}

static hvsnap_status handshake(winrm_channel *c, hvsnap_error *err)
{
	buf token = BUF_INIT, app = BUF_INIT;
	http_response r;
	memset(&r, 0, sizeof(r));
	unsigned char *in = NULL;
	size_t in_len = 0;
	hvsnap_status st = HVSNAP_OK;

	if (c->https && c->mech.cbt_at_start) {
		/* Learn the certificate first: a bare request costs one round trip
		 * but lets the first token carry the channel binding. */
		st = post_token(c, NULL, "auth: probe", &r, err);
		if (st == HVSNAP_OK)
			st = channel_bindings(c, &app, err);
		if (st != HVSNAP_OK)
			goto done;
	}
	st = c->mech.start(c->mech.ctx, app.len ? (const unsigned char *)app.data : NULL,
	                   app.len, &token, err);
	for (int round = 0; st == HVSNAP_OK; round++) {
		st = post_token(c, &token, round ? "auth: continue" : "auth: negotiate", &r, err);
		if (st != HVSNAP_OK)
			break;
		if (round && r.new_connection) {
			st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
			             "the host closed the connection during the %s handshake", c->mech.name);
			break;
		}
		const char *tok = hvs_winrm_scheme_token(&r, "Negotiate");
		free(in);
		in = NULL;
		in_len = 0;
		if (tok && *tok) {
			in = hvs_base64_decode(tok, strlen(tok), &in_len);
			if (!in) {
				st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r.status,
				             "the host's Negotiate token is not valid base64");
				break;
			}
		}
		if (r.status == 200) {
			st = c->mech.finish(c->mech.ctx, in, in_len, err);
			if (st == HVSNAP_OK) {
				c->authenticated = 1;
				hvs_winrm_info(c, "authenticated with %s", c->mech.name);
			}
			break;
		}
		if (r.status != 401) {
			st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r.status,
			             "the host answered the %s handshake with HTTP %ld", c->mech.name,
			             r.status);
			break;
		}
		if (!tok) {
			char offered[256];
			hvs_winrm_offered_schemes(&r, offered, sizeof(offered));
			st = hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
			             "the host does not offer Negotiate authentication (it offers: %s)",
			             offered);
			break;
		}
		if (!in || round >= 4) {
			/* A bare "Negotiate" after our token: the host refused it. */
			st = hvs_winrm_unauthorized(c, &r, err);
			break;
		}
		if (c->https && !app.len) {
			st = channel_bindings(c, &app, err);
			if (st != HVSNAP_OK)
				break;
		}
		hvs_buf_wipe(&token);
		st = c->mech.step(c->mech.ctx, in, in_len,
		                  app.len ? (const unsigned char *)app.data : NULL, app.len, &token, err);
	}
done:
	free(in);
	hvs_buf_wipe(&token);
	hvs_buf_free(&app);
	hvs_http_response_clear(&r);
	return st;
}

hvsnap_status hvs_winrm_authenticate(winrm_channel *c, hvsnap_error *err)
{
	hvsnap_status st = handshake(c, err);
	if (st == HVSNAP_ERR_AUTH && c->fallback.ctx) {
		hvs_winrm_info(c, "Kerberos failed (%s); falling back to NTLM",
		               err ? err->message : "");
		hvs_auth_mech_free(&c->mech);
		c->mech = c->fallback;
		memset(&c->fallback, 0, sizeof(c->fallback));
		hvs_winrm_connection_lost(c);
		hvsnap_error_clear(err);
		st = handshake(c, err);
	}
	if (st == HVSNAP_OK && c->fallback.ctx)
		hvs_auth_mech_free(&c->fallback); /* Kerberos worked: keep to it */
	return st;
}
