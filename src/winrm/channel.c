/* A channel's life and its exchanges: authenticate the connection when it
 * has no context, seal the body, open the answer, and decide what may be
 * sent again after a 401 or a dropped connection. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "auth/basic.h"
#include "auth/winrm_crypt.h"
#include "util/err.h"
#include "util/strutil.h"
#include "winrm/channel_int.h"

void hvs_winrm_reply_clear(winrm_reply *r)
{
	if (!r)
		return;
	hvs_buf_free(&r->body);
	memset(r, 0, sizeof(*r));
}

void hvs_winrm_channel_free(winrm_channel *c)
{
	if (!c)
		return;
	hvs_auth_mech_free(&c->mech);
	hvs_auth_mech_free(&c->fallback);
	if (c->transport.ops)
		c->transport.ops->free(c->transport.ctx);
	free(c->user);
	hvs_str_wipe_free(c->password);
	free(c);
}

hvsnap_status hvs_winrm_channel_new(winrm_channel **out, const winrm_channel_options *o,
                                    winrm_transport *transport, auth_mech *mech,
                                    auth_mech *fallback, hvsnap_error *err)
{
	*out = NULL;
	winrm_channel *c = calloc(1, sizeof(*c));
	if (c) {
		c->transport = *transport;
		c->mech = *mech;
		c->fallback = *fallback;
	}
	memset(transport, 0, sizeof(*transport));
	memset(mech, 0, sizeof(*mech));
	memset(fallback, 0, sizeof(*fallback));
	if (!c)
		return hvs_err_nomem(err); /* what it was given is lost with it */
	c->auth = o->auth;
	c->https = o->https;
	c->info = o->info;
	c->info_ctx = o->info_ctx;
	/* Only Basic sends the password again; the mechanisms keep what they
	 * need (NTLM its hash, Kerberos until it has a ticket). */
	if (o->auth == HVSNAP_AUTH_BASIC &&
	    (!(c->user = hvs_str_dup(o->user ? o->user : "")) ||
	     !(c->password = hvs_str_dup(o->password ? o->password : "")))) {
		hvs_winrm_channel_free(c);
		return hvs_err_nomem(err);
	}
	if (c->mech.ctx)
		hvs_winrm_info(c, "authentication: %s%s", c->mech.name,
		               c->fallback.ctx ? " (NTLM if Kerberos fails)" : "");
	else if (o->auth == HVSNAP_AUTH_CERTIFICATE)
		hvs_winrm_info(c, "authentication: client certificate %s",
		               o->client_cert ? o->client_cert : "");
	switch (o->encryption) {
	case HVSNAP_ENCRYPTION_AUTO:
		c->encrypt = c->mech.ctx && !o->https;
		break;
	case HVSNAP_ENCRYPTION_ALWAYS:
		c->encrypt = 1;
		break;
	case HVSNAP_ENCRYPTION_NEVER:
		c->encrypt = 0;
		break;
	}
	if (c->encrypt)
		hvs_winrm_info(c, "WinRM message encryption: on");
	*out = c;
	return HVSNAP_OK;
}

int hvs_winrm_channel_body_sent(const winrm_channel *c)
{
	return c ? c->body_sent : 0;
}

uint64_t hvs_winrm_channel_requests(const winrm_channel *c)
{
	return c ? c->requests : 0;
}

/* Replaces an encrypted answer's body with its plaintext. */
static hvsnap_status open_answer(winrm_channel *c, http_response *r, hvsnap_error *err)
{
	if (!hvs_winrm_crypt_is_encrypted(r->content_type))
		return HVSNAP_OK; /* hosts send auth errors and some faults in clear */
	if (!c->mech.ctx || !c->authenticated)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		               "the host sent an encrypted answer on a connection without a security context");
	buf plain = BUF_INIT;
	hvsnap_status st = hvs_winrm_crypt_parse(c->mech.protocol, (const unsigned char *)r->body.data,
	                                     r->body.len, c->mech.unwrap, c->mech.ctx, &plain, err);
	if (st != HVSNAP_OK) {
		/* The stream cipher state is now unusable: start over next time. */
		hvs_winrm_connection_lost(c);
		hvs_buf_wipe(&plain);
		char why[sizeof(err->message)];
		hvs_str_copy(why, sizeof(why), err ? err->message : "");
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		               "the host's encrypted answer could not be opened: %s", why);
	}
	hvs_buf_free(&r->body);
	r->body = plain;
	return HVSNAP_OK;
}

/* The header that authenticates a request by itself (Basic, certificate),
 * or asks for an unauthenticated Identify; NULL when the connection's
 * context does. *owned is set when the caller must wipe and free it. */
static const char *request_header(const winrm_channel *c, char **owned)
{
	*owned = NULL;
	switch (c->auth) {
	case HVSNAP_AUTH_BASIC:
		return *owned = hvs_auth_basic_header(c->user, c->password);
	case HVSNAP_AUTH_NONE:
		/* WinRM answers an Identify without credentials only when asked. */
		return "WSMANIDENTIFY: unauthenticated";
	case HVSNAP_AUTH_CERTIFICATE:
		/* The TLS client certificate authenticates; this header tells
		 * WinRM to map it to a user (MS-WSMV's https/mutual profile). */
		return "Authorization: http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual";
	default:
		return NULL;
	}
}

/* Sends body once on the current connection (authenticating it first when
 * needed). *was_authenticated tells whether the request went out on a
 * connection that had a context before this call. */
static hvsnap_status send_once(winrm_channel *c, const char *body, size_t len,
                               const char *label, http_response *r,
                               int *was_authenticated, hvsnap_error *err)
{
	*was_authenticated = c->authenticated;
	if (c->mech.ctx && !c->authenticated) {
		hvsnap_status st = hvs_winrm_authenticate(c, err);
		if (st != HVSNAP_OK)
			return st;
	}
	char *owned = NULL;
	const char *header = request_header(c, &owned);
	if (c->auth == HVSNAP_AUTH_BASIC && !owned)
		return hvs_err_nomem(err);
	hvsnap_status st;
	if (c->encrypt && c->mech.ctx) {
		buf sealed = BUF_INIT, type = BUF_INIT;
		st = hvs_winrm_crypt_content_type(c->mech.protocol, &type, err);
		if (st == HVSNAP_OK)
			st = hvs_winrm_crypt_build(c->mech.protocol, (const unsigned char *)body, len,
			                       c->mech.wrap, c->mech.ctx, &sealed, err);
		if (st == HVSNAP_OK)
			st = hvs_winrm_post(c, type.data, sealed.data, sealed.len, header, label, r, err);
		hvs_buf_free(&sealed);
		hvs_buf_free(&type);
	} else if (c->encrypt) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "message encryption needs NTLM or Kerberos authentication");
	} else {
		st = hvs_winrm_post(c, SOAP_CONTENT_TYPE, body, len, header, label, r, err);
	}
	if (c->transport.ops->body_sent(c->transport.ctx))
		c->body_sent = 1;
	if (owned) {
		OPENSSL_cleanse(owned, strlen(owned));
		free(owned);
	}
	if (st == HVSNAP_OK && r->new_connection && c->mech.ctx && *was_authenticated)
		c->authenticated = 0; /* that connection's context is gone */
	if (st == HVSNAP_OK)
		st = open_answer(c, r, err);
	return st;
}

/* One try on the connection as it is, plus the one resend a 401 on a
 * forgotten context earns. */
static hvsnap_status try_exchange(winrm_channel *c, const char *body, size_t len,
                                  const char *label, http_response *r, hvsnap_error *err)
{
	int was_authenticated = 0;
	hvsnap_status st = send_once(c, body, len, label, r, &was_authenticated, err);
	if (st == HVSNAP_OK && r->status == 401 && c->mech.ctx && was_authenticated) {
		/* The host no longer knows our context (the keep-alive connection was
		 * replaced under us). A 401 means it did not run the request, so even
		 * an Invoke may be sent again after a new handshake. */
		hvs_winrm_info(c, "%s: the host forgot the security context; authenticating again",
		               label);
		hvs_winrm_connection_lost(c);
		st = send_once(c, body, len, label, r, &was_authenticated, err);
	}
	return st;
}

hvsnap_status hvs_winrm_channel_exchange(winrm_channel *c, const char *body, size_t len,
                                         const char *label, winrm_resend resend,
                                         winrm_reply *reply, hvsnap_error *err)
{
	memset(reply, 0, sizeof(*reply));
	c->body_sent = 0;
	if (c->transport.ops->has_unread(c->transport.ctx)) {
		/* A host that sends what nobody asked for (a late or stray answer)
		 * would have it read as the answer to this request. */
		hvs_winrm_info(c, "%s: the host sent unrequested bytes; using a new connection",
		               label);
		hvs_winrm_connection_lost(c);
	}
	http_response r;
	memset(&r, 0, sizeof(r));
	hvsnap_status st = try_exchange(c, body, len, label, &r, err);
	/* A broken connection or an answer cut short: reads are safe to send
	 * again on a fresh connection (Invoke and Pull never are). */
	if ((st == HVSNAP_ERR_CONNECT || st == HVSNAP_ERR_PROTOCOL) &&
	    resend == WINRM_RESEND_ON_RECONNECT) {
		hvs_winrm_info(c, "%s: connection lost, reconnecting once", label);
		hvs_winrm_connection_lost(c);
		st = try_exchange(c, body, len, label, &r, err);
	}
	if (st == HVSNAP_ERR_TIMEOUT) {
		/* A silent host is a connection problem (exit 3); TIMEOUT is kept
		 * for waits on jobs, which go on after we give up. */
		if (err)
			err->kind = HVSNAP_ERR_CONNECT;
		st = HVSNAP_ERR_CONNECT;
	}
	/* WinRM may refuse a certificate it cannot map with 403 rather than
	 * 401: either way the credentials, not the request, are at fault. */
	if (st == HVSNAP_OK && (r.status == 401 ||
	                        (r.status == 403 && c->auth == HVSNAP_AUTH_CERTIFICATE)))
		st = hvs_winrm_unauthorized(c, &r, err);
	if (st == HVSNAP_OK) {
		reply->status = r.status;
		reply->body = r.body;
		memset(&r.body, 0, sizeof(r.body));
	}
	hvs_http_response_clear(&r);
	return st;
}
