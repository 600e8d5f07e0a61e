/* Authentication and sealing on the wire. Basic is a header on every
 * request. NTLM and Kerberos authenticate the TCP connection with
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

/* Kerberos names hosts, not addresses: a ticket for an IP literal fails at
 * the KDC ("server not found"), so Negotiate skips it there. */
static int is_ip_literal(const char *host)
{
	if (strchr(host, ':'))
		return 1;
	return strspn(host, "0123456789.") == strlen(host);
}

/* The Kerberos principal for user: user@REALM as given, DOMAIN\user as
 * user@DOMAIN, a bare user in the default realm. */
static char *kerberos_principal(const char *user)
{
	if (!user)
		return NULL;
	const char *bs = strchr(user, '\\');
	if (!bs)
		return hvs_str_dup(user);
	buf b = BUF_INIT;
	if (hvs_buf_printf(&b, "%s@%.*s", bs + 1, (int)(bs - user), user) != 0) {
		hvs_buf_free(&b);
		return NULL;
	}
	for (char *p = strchr(b.data, '@'); p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return hvs_buf_detach(&b);
}

static hvsnap_status kerberos_init(hvsnap_session *s, auth_mech *m, hvsnap_error *err)
{
	char *principal = kerberos_principal(s->user);
	if (s->user && !principal)
		return hvs_err_nomem(err);
	hvsnap_status st = hvs_auth_kerberos_new(m, principal, s->password, s->spn_service,
	                                     s->spn_host ? s->spn_host : s->host, err);
	free(principal);
	return st;
}

hvsnap_status hvs_session_auth_init(hvsnap_session *s, hvsnap_error *err)
{
	int https = s->opts.transport == HVSNAP_TRANSPORT_HTTPS;
	hvsnap_status st = HVSNAP_OK;
	switch (s->opts.auth) {
	case HVSNAP_AUTH_NTLM:
		st = hvs_auth_ntlm_new(&s->mech, s->user, s->password, s->host, err);
		break;
	case HVSNAP_AUTH_KERBEROS:
		st = kerberos_init(s, &s->mech, err);
		break;
	case HVSNAP_AUTH_NEGOTIATE:
		/* Kerberos when it can be used, NTLM otherwise (or when Kerberos
		 * fails at the first handshake). */
		if (s->password)
			st = hvs_auth_ntlm_new(&s->fallback, s->user, s->password, s->host, err);
		if (st == HVSNAP_OK && hvs_auth_kerberos_available() &&
		    (s->spn_host || !is_ip_literal(s->host))) {
			hvsnap_error kerr;
			if (kerberos_init(s, &s->mech, &kerr) != HVSNAP_OK)
				hvs_wsman_session_info(s, "Kerberos not usable: %s", kerr.message);
		}
		if (st == HVSNAP_OK && !s->mech.ctx) {
			if (!s->fallback.ctx)
				return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
				               "Kerberos cannot be used for %s and NTLM needs a password",
				               s->host);
			s->mech = s->fallback;
			memset(&s->fallback, 0, sizeof(s->fallback));
		}
		break;
	default:
		break;
	}
	if (st != HVSNAP_OK)
		return st;
	if (s->mech.ctx)
		hvs_wsman_session_info(s, "authentication: %s%s", s->mech.name,
		                   s->fallback.ctx ? " (NTLM if Kerberos fails)" : "");
	else if (s->opts.auth == HVSNAP_AUTH_CERTIFICATE)
		hvs_wsman_session_info(s, "authentication: client certificate %s", s->client_cert);
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
		hvs_wsman_session_info(s, "WinRM message encryption: on");
	if (s->opts.auth != HVSNAP_AUTH_BASIC) {
		/* Only Basic sends the password again; the mechanisms keep what
		 * they need (NTLM its hash, Kerberos until it has a ticket). */
		hvs_str_wipe_free(s->password);
		s->password = NULL;
		s->opts.password = NULL;
	}
	return HVSNAP_OK;
}

void hvs_session_auth_free(hvsnap_session *s)
{
	hvs_auth_mech_free(&s->mech);
	hvs_auth_mech_free(&s->fallback);
}

void hvs_session_connection_lost(hvsnap_session *s)
{
	s->authenticated = 0;
	hvs_http_conn_reset(s->http);
}

/* Which auth schemes the host offered, for error hints. */
static void offered_schemes(const http_response *r, char *out, size_t size)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < r->n_www_authenticate; i++) {
		const char *v = r->www_authenticate[i];
		size_t n = strcspn(v, " ");
		hvs_buf_printf(&b, "%s%.*s", b.len ? ", " : "", (int)n, v);
	}
	hvs_str_copy(out, size, b.data ? b.data : "none");
	hvs_buf_free(&b);
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

hvsnap_status hvs_session_unauthorized(const hvsnap_session *s, const http_response *r,
                                   hvsnap_error *err)
{
	char offered[256];
	offered_schemes(r, offered, sizeof(offered));
	if (s->opts.auth == HVSNAP_AUTH_NONE)
		hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
		        "the host requires authentication (HTTP 401); no user was given");
	else if (s->opts.auth == HVSNAP_AUTH_CERTIFICATE)
		hvs_err_set(err, HVSNAP_ERR_AUTH, r->status,
		        "the host rejected the client certificate (HTTP %ld)", r->status);
	else if (s->opts.auth == HVSNAP_AUTH_BASIC && !scheme_token(r, "Basic"))
		/* Refused by policy: the credentials were never judged. */
		hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
		        "the host does not accept Basic authentication (HTTP 401)");
	else
		hvs_err_set(err, HVSNAP_ERR_AUTH, 401, "the host rejected the credentials (HTTP 401)");
	hvs_err_add_detail(err, "host offers: %s", offered);
	if (s->opts.auth == HVSNAP_AUTH_CERTIFICATE) {
		/* The host never says which of these failed. */
		hvs_err_add_detail(err, "the host must trust the certificate's issuer, map the "
		               "certificate to a local account (winrm/config/service/certmapping, "
		               "by the UPN in its subjectAltName) and allow Certificate auth "
		               "(winrm/config/service/auth)");
	} else if (s->opts.auth == HVSNAP_AUTH_BASIC && !scheme_token(r, "Basic")) {
		hvs_err_add_detail(err, "Basic authentication is disabled on the host "
		               "(winrm/config/service/auth Basic=false); use NTLM or Kerberos");
	} else if (s->opts.auth == HVSNAP_AUTH_BASIC) {
		hvs_err_add_detail(err, "check the user name and password; Basic works only for local "
		               "accounts, and a local non-builtin administrator also needs "
		               "LocalAccountTokenFilterPolicy=1");
	} else if (s->mech.ctx) {
		hvs_err_add_detail(err, "check the user name (DOMAIN\\user) and password; a local "
		               "non-builtin administrator needs LocalAccountTokenFilterPolicy=1");
		if (s->opts.transport == HVSNAP_TRANSPORT_HTTPS)
			hvs_err_add_detail(err, "with CbtHardeningLevel=Strict the host also requires "
			               "channel binding, which hvsnap sends over https");
	}
	return HVSNAP_ERR_AUTH;
}

static void info_result(hvsnap_session *s, const char *label, hvsnap_status st,
                        const http_response *r, uint64_t t0, const hvsnap_error *err)
{
	if (st == HVSNAP_OK)
		hvs_wsman_session_info(s, "%s: HTTP %ld, %zu bytes in %llu ms%s", label, r->status,
		                   r->body.len, (unsigned long long)(hvs_platform_monotonic_ms() - t0),
		                   r->new_connection ? " (new connection)" : "");
	else
		hvs_wsman_session_info(s, "%s: %s", label, err ? err->message : "failed");
}

/* One POST with optional Authorization header. */
static hvsnap_status post(hvsnap_session *s, const char *content_type, const void *body,
                          size_t len, const char *auth_header, const char *label,
                          http_response *r, hvsnap_error *err)
{
	const char *headers[2] = { auth_header, NULL };
	uint64_t t0 = hvs_platform_monotonic_ms();
	s->requests++;
	hvs_http_response_clear(r);
	memset(r, 0, sizeof(*r));
	hvsnap_status st = hvs_http_post(s->http, content_type, body, len, headers, r, err);
	info_result(s, label, st, r, t0, err);
	if (st != HVSNAP_OK)
		s->authenticated = 0;
	return st;
}

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
static hvsnap_status channel_bindings(hvsnap_session *s, buf *app, hvsnap_error *err)
{
	if (s->opts.transport != HVSNAP_TRANSPORT_HTTPS)
		return HVSNAP_OK;
	size_t der_len = 0;
	unsigned char *der = hvs_http_peer_cert_der(s->http, &der_len);
	if (!der)
		return hvs_err_set(err, HVSNAP_ERR_TLS, 0,
		               "the host's certificate is not available for channel binding");
	hvsnap_status st = hvs_cbt_tls_server_end_point(der, der_len, app, err);
	free(der);
	return st;
}

/* Posts an empty body carrying token (or no Authorization at all when
 * token is NULL). */
static hvsnap_status post_token(hvsnap_session *s, const buf *token, const char *label,
                                http_response *r, hvsnap_error *err)
{
	char *header = NULL;
	if (token) {
		header = negotiate_header(token);
		if (!header)
			return hvs_err_nomem(err);
	}
	hvsnap_status st = post(s, SOAP_CONTENT_TYPE, "", 0, header, label, r, err);
	if (header) {
		OPENSSL_cleanse(header, strlen(header));
		free(header);
	}
	return st;
}

/* The empty-body handshake on one connection: token → 401 + challenge →
 * token … → 200 (NTLM: NEGOTIATE, CHALLENGE, AUTHENTICATE; Kerberos:
 * AP-REQ, then AP-REP in the 200). */
static hvsnap_status handshake(hvsnap_session *s, hvsnap_error *err)
{
	buf token = BUF_INIT, app = BUF_INIT;
	http_response r;
	memset(&r, 0, sizeof(r));
	unsigned char *in = NULL;
	size_t in_len = 0;
	hvsnap_status st = HVSNAP_OK;
	int https = s->opts.transport == HVSNAP_TRANSPORT_HTTPS;

	if (https && s->mech.cbt_at_start) {
		/* Learn the certificate first: a bare request costs one round trip
		 * but lets the first token carry the channel binding. */
		st = post_token(s, NULL, "auth: probe", &r, err);
		if (st == HVSNAP_OK)
			st = channel_bindings(s, &app, err);
		if (st != HVSNAP_OK)
			goto done;
	}
	st = s->mech.start(s->mech.ctx, app.len ? (const unsigned char *)app.data : NULL,
	                   app.len, &token, err);
	for (int round = 0; st == HVSNAP_OK; round++) {
		st = post_token(s, &token, round ? "auth: continue" : "auth: negotiate", &r, err);
		if (st != HVSNAP_OK)
			break;
		if (round && r.new_connection) {
			st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
			             "the host closed the connection during the %s handshake", s->mech.name);
			break;
		}
		const char *tok = scheme_token(&r, "Negotiate");
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
			st = s->mech.finish(s->mech.ctx, in, in_len, err);
			if (st == HVSNAP_OK) {
				s->authenticated = 1;
				hvs_wsman_session_info(s, "authenticated with %s", s->mech.name);
			}
			break;
		}
		if (r.status != 401) {
			st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r.status,
			             "the host answered the %s handshake with HTTP %ld", s->mech.name,
			             r.status);
			break;
		}
		if (!tok) {
			char offered[256];
			offered_schemes(&r, offered, sizeof(offered));
			st = hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
			             "the host does not offer Negotiate authentication (it offers: %s)",
			             offered);
			break;
		}
		if (!in || round >= 4) {
			/* A bare "Negotiate" after our token: the host refused it. */
			st = hvs_session_unauthorized(s, &r, err);
			break;
		}
		if (https && !app.len) {
			st = channel_bindings(s, &app, err);
			if (st != HVSNAP_OK)
				break;
		}
		hvs_buf_wipe(&token);
		st = s->mech.step(s->mech.ctx, in, in_len,
		                  app.len ? (const unsigned char *)app.data : NULL, app.len, &token, err);
	}
done:
	free(in);
	hvs_buf_wipe(&token);
	hvs_buf_free(&app);
	hvs_http_response_clear(&r);
	return st;
}

/* Authenticates the connection; under Negotiate a Kerberos failure at the
 * first handshake falls back to NTLM for the rest of the session. */
static hvsnap_status authenticate(hvsnap_session *s, hvsnap_error *err)
{
	hvsnap_status st = handshake(s, err);
	if (st == HVSNAP_ERR_AUTH && s->fallback.ctx) {
		hvs_wsman_session_info(s, "Kerberos failed (%s); falling back to NTLM",
		                   err ? err->message : "");
		hvs_auth_mech_free(&s->mech);
		s->mech = s->fallback;
		memset(&s->fallback, 0, sizeof(s->fallback));
		hvs_session_connection_lost(s);
		hvsnap_error_clear(err);
		st = handshake(s, err);
	}
	if (st == HVSNAP_OK && s->fallback.ctx)
		hvs_auth_mech_free(&s->fallback); /* Kerberos worked: keep to it */
	return st;
}

/* Replaces an encrypted answer's body with its plaintext. */
static hvsnap_status open_answer(hvsnap_session *s, http_response *r, hvsnap_error *err)
{
	if (!hvs_winrm_crypt_is_encrypted(r->content_type))
		return HVSNAP_OK; /* hosts send auth errors and some faults in clear */
	if (!s->mech.ctx || !s->authenticated)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		               "the host sent an encrypted answer on a connection without a security context");
	buf plain = BUF_INIT;
	hvsnap_status st = hvs_winrm_crypt_parse(s->mech.protocol, (const unsigned char *)r->body.data,
	                                     r->body.len, s->mech.unwrap, s->mech.ctx, &plain, err);
	if (st != HVSNAP_OK) {
		/* The stream cipher state is now unusable: start over next time. */
		hvs_session_connection_lost(s);
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

/* Sends body once on the current connection (authenticating it first when
 * needed). *was_authenticated tells whether the request went out on a
 * connection that had a context before this call. */
static hvsnap_status send_once(hvsnap_session *s, const char *body, size_t len,
                               const char *label, http_response *r,
                               int *was_authenticated, hvsnap_error *err)
{
	*was_authenticated = s->authenticated;
	if (s->mech.ctx && !s->authenticated) {
		hvsnap_status st = authenticate(s, err);
		if (st != HVSNAP_OK)
			return st;
	}
	char *auth = NULL;
	const char *header = NULL;
	if (s->opts.auth == HVSNAP_AUTH_BASIC) {
		auth = hvs_auth_basic_header(s->user, s->password);
		if (!auth)
			return hvs_err_nomem(err);
		header = auth;
	} else if (s->opts.auth == HVSNAP_AUTH_NONE) {
		/* WinRM answers an Identify without credentials only when asked. */
		header = "WSMANIDENTIFY: unauthenticated";
	} else if (s->opts.auth == HVSNAP_AUTH_CERTIFICATE) {
		/* The TLS client certificate authenticates; this header tells
		 * WinRM to map it to a user (MS-WSMV's https/mutual profile). */
		header = "Authorization: http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual";
	}
	hvsnap_status st;
	if (s->encrypt && s->mech.ctx) {
		buf sealed = BUF_INIT, type = BUF_INIT;
		st = hvs_winrm_crypt_content_type(s->mech.protocol, &type, err);
		if (st == HVSNAP_OK)
			st = hvs_winrm_crypt_build(s->mech.protocol, (const unsigned char *)body, len,
			                       s->mech.wrap, s->mech.ctx, &sealed, err);
		if (st == HVSNAP_OK)
			st = post(s, type.data, sealed.data, sealed.len, header, label, r, err);
		hvs_buf_free(&sealed);
		hvs_buf_free(&type);
	} else if (s->encrypt) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "message encryption needs NTLM or Kerberos authentication");
	} else {
		st = post(s, SOAP_CONTENT_TYPE, body, len, header, label, r, err);
	}
	if (hvs_http_last_body_sent(s->http))
		s->body_sent = 1;
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

hvsnap_status hvs_session_exchange(hvsnap_session *s, const char *body, size_t len,
                               const char *label, http_response *r,
                               hvsnap_error *err)
{
	int was_authenticated = 0;
	s->body_sent = 0;
	hvsnap_status st = send_once(s, body, len, label, r, &was_authenticated, err);
	if (st == HVSNAP_OK && r->status == 401 && s->mech.ctx && was_authenticated) {
		/* The host no longer knows our context (the keep-alive connection was
		 * replaced under us). A 401 means it did not run the request, so even
		 * an Invoke may be sent again after a new handshake. */
		hvs_wsman_session_info(s, "%s: the host forgot the security context; authenticating again",
		                   label);
		hvs_session_connection_lost(s);
		st = send_once(s, body, len, label, r, &was_authenticated, err);
	}
	return st;
}
