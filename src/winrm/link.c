/* The bottom of the channel: one POST on the transport with its -v line,
 * losing a connection, and the words for a host's 401. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"
#include "winrm/channel_int.h"

void hvs_winrm_info(const winrm_channel *c, const char *fmt, ...)
{
	if (!c->info)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= 0)
		c->info(c->info_ctx, line);
}

void hvs_winrm_connection_lost(winrm_channel *c)
{
	c->authenticated = 0;
	c->transport.ops->reset(c->transport.ctx);
}

static void info_result(const winrm_channel *c, const char *label, hvsnap_status st,
                        const http_response *r, uint64_t t0, const hvsnap_error *err)
{
	if (st == HVSNAP_OK)
		hvs_winrm_info(c, "%s: HTTP %ld, %zu bytes in %llu ms%s", label, r->status,
		               r->body.len, (unsigned long long)(hvs_platform_monotonic_ms() - t0),
		               r->new_connection ? " (new connection)" : "");
	else
		hvs_winrm_info(c, "%s: %s", label, err ? err->message : "failed");
}

hvsnap_status hvs_winrm_post(winrm_channel *c, const char *content_type, const void *body,
                             size_t len, const char *header, const char *label,
                             http_response *r, hvsnap_error *err)
{
	const char *headers[2] = { header, NULL };
	uint64_t t0 = hvs_platform_monotonic_ms();
	c->requests++;
	hvs_http_response_clear(r);
	memset(r, 0, sizeof(*r));
	hvsnap_status st = c->transport.ops->post(c->transport.ctx, content_type, body, len,
	                                          headers, r, err);
	info_result(c, label, st, r, t0, err);
	if (st != HVSNAP_OK)
		c->authenticated = 0;
	return st;
}

void hvs_winrm_offered_schemes(const http_response *r, char *out, size_t size)
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

const char *hvs_winrm_scheme_token(const http_response *r, const char *scheme)
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

hvsnap_status hvs_winrm_unauthorized(const winrm_channel *c, const http_response *r,
                                     hvsnap_error *err)
{
	char offered[256];
	hvs_winrm_offered_schemes(r, offered, sizeof(offered));
	if (c->auth == HVSNAP_AUTH_NONE)
		hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
		        "the host requires authentication (HTTP 401); no user was given");
	else if (c->auth == HVSNAP_AUTH_CERTIFICATE)
		hvs_err_set(err, HVSNAP_ERR_AUTH, r->status,
		        "the host rejected the client certificate (HTTP %ld)", r->status);
	else if (c->auth == HVSNAP_AUTH_BASIC && !hvs_winrm_scheme_token(r, "Basic"))
		/* Refused by policy: the credentials were never judged. */
		hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
		        "the host does not accept Basic authentication (HTTP 401)");
	else
		hvs_err_set(err, HVSNAP_ERR_AUTH, 401, "the host rejected the credentials (HTTP 401)");
	hvs_err_add_detail(err, "host offers: %s", offered);
	if (c->auth == HVSNAP_AUTH_CERTIFICATE) {
		/* The host never says which of these failed. */
		hvs_err_add_detail(err, "the host must trust the certificate's issuer, map the "
		               "certificate to a local account (winrm/config/service/certmapping, "
		               "by the UPN in its subjectAltName) and allow Certificate auth "
		               "(winrm/config/service/auth)");
	} else if (c->auth == HVSNAP_AUTH_BASIC && !hvs_winrm_scheme_token(r, "Basic")) {
		hvs_err_add_detail(err, "Basic authentication is disabled on the host "
		               "(winrm/config/service/auth Basic=false); use NTLM or Kerberos");
	} else if (c->auth == HVSNAP_AUTH_BASIC) {
		hvs_err_add_detail(err, "check the user name and password; Basic works only for local "
		               "accounts, and a local non-builtin administrator also needs "
		               "LocalAccountTokenFilterPolicy=1");
	} else if (c->mech.ctx) {
		hvs_err_add_detail(err, "check the user name (DOMAIN\\user) and password; a local "
		               "non-builtin administrator needs LocalAccountTokenFilterPolicy=1");
		if (c->https)
			hvs_err_add_detail(err, "with CbtHardeningLevel=Strict the host also requires "
			               "channel binding, which hvsnap sends over https");
	}
	return HVSNAP_ERR_AUTH;
}
