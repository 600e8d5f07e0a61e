/* Authentication and sealing on the wire. Basic is a header on every
 * request. NTLM (and later Kerberos) authenticates the TCP connection with
 * an empty-body handshake, after which every SOAP message may be sealed in
 * WinRM's multipart/encrypted framing; the context dies with the
 * connection, so a reconnect means a new handshake. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/basic.h"
#include "auth/cbt.h"
#include "auth/winrm_crypt.h"
#include "platform/platform.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/session_int.h"

#define SOAP_CONTENT_TYPE "application/soap+xml;charset=UTF-8"

hvsnap_status session_auth_init(hvsnap_session *s, hvsnap_error *err)
{
	int https = s->opts.transport == HVSNAP_TRANSPORT_HTTPS;
	switch (s->opts.auth) {
	case HVSNAP_AUTH_NTLM:
	case HVSNAP_AUTH_NEGOTIATE: {
		/* Negotiate prefers Kerberos; until GSSAPI support lands it is
		 * NTLM, which every WinRM listener accepts. */
		hvsnap_status st = auth_ntlm_new(&s->mech, s->user, s->password, s->host, err);
		if (st != HVSNAP_OK)
			return st;
		wsman_session_info(s, "authentication: NTLM%s",
		                   s->opts.auth == HVSNAP_AUTH_NEGOTIATE
		                   ? " (Negotiate; Kerberos is not available in this build)" : "");
		break;
	}
	default:
		break;
	}
	switch (s->opts.encryption) {
	case HVSNAP_ENCRYPTION_AUTO:
		s->encrypt = s->mech.ctx && !https;
		break;
	case HVSNAP_ENCRYPTION_ALWAYS:
		s->encrypt = 1;
		break;
	case HVSNAP_ENCRYPTION_NEVER:
		s->encrypt = 0;
		break;
	}
	if (s->encrypt)
		wsman_session_info(s, "WinRM message encryption: on");
	return HVSNAP_OK;
}

void session_auth_free(hvsnap_session *s)
{
	if (s->mech.ctx && s->mech.free)
		s->mech.free(s->mech.ctx);
	memset(&s->mech, 0, sizeof(s->mech));
}

void session_connection_lost(hvsnap_session *s)
{
	s->authenticated = 0;
	http_conn_reset(s->http);
}

/* Which auth schemes the host offered, for error hints. */
static void offered_schemes(const http_response *r, char *out, size_t size)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < r->n_www_authenticate; i++) {
		const char *v = r->www_authenticate[i];
		size_t n = strcspn(v, " ");
		buf_printf(&b, "%s%.*s", b.len ? ", " : "", (int)n, v);
	}
	str_copy(out, size, b.data ? b.data : "none");
	buf_free(&b);
}

/* The value after "scheme " in the host's WWW-Authenticate headers; "" when
 * the scheme is offered without a token, NULL when not offered. */
static const char *scheme_token(const http_response *r, const char *scheme)
{
	size_t n = strlen(scheme);
	for (size_t i = 0; i < r->n_www_authenticate; i++) {
		const char *v = r->www_authenticate[i];
		if (strncasecmp(v, scheme, n) != 0 || (v[n] != '\0' && v[n] != ' '))
			continue;
		v += n;
		while (*v == ' ')
			v++;
		return v;
	}
	return NULL;
}

hvsnap_status session_unauthorized(const hvsnap_session *s, const http_response *r,
                                   hvsnap_error *err)
{
	char offered[256];
	offered_schemes(r, offered, sizeof(offered));
	if (s->opts.auth == HVSNAP_AUTH_NONE)
		err_set(err, HVSNAP_ERR_AUTH, 401,
		        "the host requires authentication (HTTP 401); give --user");
	else
		err_set(err, HVSNAP_ERR_AUTH, 401, "the host rejected the credentials (HTTP 401)");
	err_add_detail(err, "host offers: %s", offered);
	if (s->opts.auth == HVSNAP_AUTH_BASIC && !scheme_token(r, "Basic")) {
		err_add_detail(err, "Basic authentication is disabled on the host "
		               "(winrm/config/service/auth Basic=false); use NTLM or Kerberos");
	} else if (s->opts.auth == HVSNAP_AUTH_BASIC) {
		err_add_detail(err, "check the user name and password; Basic works only for local "
		               "accounts, and a local non-builtin administrator also needs "
		               "LocalAccountTokenFilterPolicy=1");
	} else if (s->mech.ctx) {
		err_add_detail(err, "check the user name (DOMAIN\\user) and password; a local "
		               "non-builtin administrator needs LocalAccountTokenFilterPolicy=1");
		if (s->opts.transport == HVSNAP_TRANSPORT_HTTPS)
			err_add_detail(err, "with CbtHardeningLevel=Strict the host also requires "
			               "channel binding, which hvsnap sends over https");
	}
	return HVSNAP_ERR_AUTH;
}

static void info_result(hvsnap_session *s, const char *label, hvsnap_status st,
                        const http_response *r, uint64_t t0, const hvsnap_error *err)
{
	if (st == HVSNAP_OK)
		wsman_session_info(s, "%s: HTTP %ld, %zu bytes in %llu ms%s", label, r->status,
		                   r->body.len, (unsigned long long)(platform_monotonic_ms() - t0),
		                   r->new_connection ? " (new connection)" : "");
	else
		wsman_session_info(s, "%s: %s", label, err ? err->message : "failed");
}

/* One POST with optional Authorization header. */
static hvsnap_status post(hvsnap_session *s, const char *content_type, const void *body,
                          size_t len, const char *auth_header, const char *label,
                          http_response *r, hvsnap_error *err)
{
	const char *headers[2] = { auth_header, NULL };
	uint64_t t0 = platform_monotonic_ms();
	s->requests++;
	http_response_clear(r);
	memset(r, 0, sizeof(*r));
	hvsnap_status st = http_post(s->http, content_type, body, len, headers, r, err);
	info_result(s, label, st, r, t0, err);
	if (st != HVSNAP_OK)
		s->authenticated = 0;
	return st;
}

static char *negotiate_header(const buf *token)
{
	char *b64 = base64_encode(token->data ? token->data : "", token->len);
	if (!b64)
		return NULL;
	buf h = BUF_INIT;
	int rc = buf_printf(&h, "Authorization: Negotiate %s", b64);
	free(b64);
	if (rc != 0) {
		buf_free(&h);
		return NULL;
	}
	return buf_detach(&h);
}

/* The tls-server-end-point channel-binding data of the connection, or an
 * empty buffer over http. */
static hvsnap_status channel_bindings(hvsnap_session *s, buf *app, hvsnap_error *err)
{
	if (s->opts.transport != HVSNAP_TRANSPORT_HTTPS)
		return HVSNAP_OK;
	size_t der_len = 0;
	unsigned char *der = http_peer_cert_der(s->http, &der_len);
	if (!der)
		return err_set(err, HVSNAP_ERR_TLS, 0,
		               "the host's certificate is not available for channel binding");
	hvsnap_status st = cbt_tls_server_end_point(der, der_len, app, err);
	free(der);
	return st;
}

/* The empty-body handshake: NEGOTIATE → 401 + CHALLENGE → AUTHENTICATE →
 * 200, all on one connection. */
static hvsnap_status handshake(hvsnap_session *s, hvsnap_error *err)
{
	buf token = BUF_INIT, app = BUF_INIT;
	http_response r;
	memset(&r, 0, sizeof(r));
	char *header = NULL;
	unsigned char *challenge = NULL;
	size_t challenge_len = 0;
	hvsnap_status st = s->mech.start(s->mech.ctx, &token, err);
	if (st != HVSNAP_OK)
		goto done;
	header = negotiate_header(&token);
	if (!header) {
		st = err_nomem(err);
		goto done;
	}
	st = post(s, SOAP_CONTENT_TYPE, "", 0, header, "auth: negotiate", &r, err);
	if (st != HVSNAP_OK)
		goto done;
	const char *tok = scheme_token(&r, "Negotiate");
	if (r.status != 401 || !tok || !*tok) {
		if (r.status == 401 && !tok) {
			char offered[256];
			offered_schemes(&r, offered, sizeof(offered));
			st = err_set(err, HVSNAP_ERR_AUTH, 401,
			             "the host does not offer Negotiate authentication (it offers: %s)",
			             offered);
		} else if (r.status == 401) {
			st = session_unauthorized(s, &r, err);
		} else {
			st = err_set(err, HVSNAP_ERR_PROTOCOL, r.status,
			             "the host answered the %s handshake with HTTP %ld instead of a challenge",
			             s->mech.name, r.status);
		}
		goto done;
	}
	challenge = base64_decode(tok, strlen(tok), &challenge_len);
	if (!challenge) {
		st = err_set(err, HVSNAP_ERR_PROTOCOL, 401,
		             "the host's Negotiate challenge is not valid base64");
		goto done;
	}
	st = channel_bindings(s, &app, err);
	if (st != HVSNAP_OK)
		goto done;
	buf_wipe(&token);
	st = s->mech.step(s->mech.ctx, challenge, challenge_len,
	                  app.len ? (const unsigned char *)app.data : NULL, app.len, &token, err);
	if (st != HVSNAP_OK)
		goto done;
	free(header);
	header = negotiate_header(&token);
	if (!header) {
		st = err_nomem(err);
		goto done;
	}
	st = post(s, SOAP_CONTENT_TYPE, "", 0, header, "auth: authenticate", &r, err);
	if (st != HVSNAP_OK)
		goto done;
	if (r.new_connection) {
		st = err_set(err, HVSNAP_ERR_CONNECT, 0,
		             "the host closed the connection during the %s handshake", s->mech.name);
	} else if (r.status == 401) {
		st = session_unauthorized(s, &r, err);
	} else if (r.status != 200) {
		st = err_set(err, HVSNAP_ERR_PROTOCOL, r.status,
		             "the host answered the %s handshake with HTTP %ld", s->mech.name, r.status);
	} else {
		s->authenticated = 1;
		wsman_session_info(s, "authenticated with %s", s->mech.name);
	}
done:
	if (header)
		OPENSSL_cleanse(header, strlen(header));
	free(header);
	free(challenge);
	buf_wipe(&token);
	buf_free(&app);
	http_response_clear(&r);
	return st;
}

/* Replaces an encrypted answer's body with its plaintext. */
static hvsnap_status open_answer(hvsnap_session *s, http_response *r, hvsnap_error *err)
{
	if (!winrm_crypt_is_encrypted(r->content_type))
		return HVSNAP_OK; /* hosts send auth errors and some faults in clear */
	if (!s->mech.ctx || !s->authenticated)
		return err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		               "the host sent an encrypted answer on a connection without a security context");
	buf plain = BUF_INIT;
	hvsnap_status st = winrm_crypt_parse(s->mech.protocol, (const unsigned char *)r->body.data,
	                                     r->body.len, s->mech.unwrap, s->mech.ctx, &plain, err);
	if (st != HVSNAP_OK) {
		/* The stream cipher state is now unusable: start over next time. */
		session_connection_lost(s);
		buf_wipe(&plain);
		char why[sizeof(err->message)];
		str_copy(why, sizeof(why), err ? err->message : "");
		return err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		               "the host's encrypted answer could not be opened: %s", why);
	}
	buf_free(&r->body);
	r->body = plain;
	return HVSNAP_OK;
}

/* Sends body once on the current connection (authenticating it first when
 * needed). *was_authenticated tells whether the request went out on a
 * connection that had a context before this call. */
static hvsnap_status send_once(hvsnap_session *s, const char *body, size_t len,
                               const char *label, http_response *r,
                               int *was_authenticated, hvsnap_error *err)
{
	*was_authenticated = s->authenticated;
	if (s->mech.ctx && !s->authenticated) {
		hvsnap_status st = handshake(s, err);
		if (st != HVSNAP_OK)
			return st;
	}
	char *auth = NULL;
	const char *header = NULL;
	if (s->opts.auth == HVSNAP_AUTH_BASIC) {
		auth = auth_basic_header(s->user, s->password);
		if (!auth)
			return err_nomem(err);
		header = auth;
	} else if (s->opts.auth == HVSNAP_AUTH_NONE) {
		/* WinRM answers an Identify without credentials only when asked. */
		header = "WSMANIDENTIFY: unauthenticated";
	}
	hvsnap_status st;
	if (s->encrypt && s->mech.ctx) {
		buf sealed = BUF_INIT, type = BUF_INIT;
		st = winrm_crypt_content_type(s->mech.protocol, &type, err);
		if (st == HVSNAP_OK)
			st = winrm_crypt_build(s->mech.protocol, (const unsigned char *)body, len,
			                       s->mech.wrap, s->mech.ctx, &sealed, err);
		if (st == HVSNAP_OK)
			st = post(s, type.data, sealed.data, sealed.len, header, label, r, err);
		buf_free(&sealed);
		buf_free(&type);
	} else if (s->encrypt) {
		st = err_set(err, HVSNAP_ERR_USAGE, 0,
		             "message encryption needs NTLM or Kerberos authentication");
	} else {
		st = post(s, SOAP_CONTENT_TYPE, body, len, header, label, r, err);
	}
	if (auth) {
		OPENSSL_cleanse(auth, strlen(auth));
		free(auth);
	}
	if (st == HVSNAP_OK && r->new_connection && s->mech.ctx && *was_authenticated)
		s->authenticated = 0; /* that connection's context is gone */
	if (st == HVSNAP_OK)
		st = open_answer(s, r, err);
	return st;
}

hvsnap_status session_exchange(hvsnap_session *s, const char *body, size_t len,
                               const char *label, http_response *r,
                               hvsnap_error *err)
{
	int was_authenticated = 0;
	hvsnap_status st = send_once(s, body, len, label, r, &was_authenticated, err);
	if (st == HVSNAP_OK && r->status == 401 && s->mech.ctx && was_authenticated) {
		/* The host no longer knows our context (the keep-alive connection was
		 * replaced under us). A 401 means it did not run the request, so even
		 * an Invoke may be sent again after a new handshake. */
		wsman_session_info(s, "%s: the host forgot the security context; authenticating again",
		                   label);
		session_connection_lost(s);
		st = send_once(s, body, len, label, r, &was_authenticated, err);
	}
	return st;
}
