/* Opening a channel from credentials: which connection-bound mechanism a
 * session's auth choice means (Negotiate: Kerberos when it can be used,
 * NTLM beside it as the fallback), on a libcurl connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strutil.h"
#include "winrm/channel_int.h"

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

static hvsnap_status kerberos_init(const winrm_channel_options *o, auth_mech *m,
                                   hvsnap_error *err)
{
	char *principal = kerberos_principal(o->user);
	if (o->user && !principal)
		return hvs_err_nomem(err);
	hvsnap_status st = hvs_auth_kerberos_new(m, principal, o->password, o->spn_service,
	                                         o->spn_host ? o->spn_host : o->host, err);
	free(principal);
	return st;
}

static void info(const winrm_channel_options *o, const char *what, const char *why)
{
	if (o->info) {
		char line[1024];
		snprintf(line, sizeof(line), "%s: %s", what, why);
		o->info(o->info_ctx, line);
	}
}

/* Fills mech (and under Negotiate, fallback) for o's auth choice. */
static hvsnap_status choose_mechs(const winrm_channel_options *o, auth_mech *mech,
                                  auth_mech *fallback, hvsnap_error *err)
{
	hvsnap_status st = HVSNAP_OK;
	switch (o->auth) {
	case HVSNAP_AUTH_NTLM:
		return hvs_auth_ntlm_new(mech, o->user, o->password, o->host, err);
	case HVSNAP_AUTH_KERBEROS:
		return kerberos_init(o, mech, err);
	case HVSNAP_AUTH_NEGOTIATE:
		/* Kerberos when it can be used, NTLM otherwise (or when Kerberos
		 * fails at the first handshake). */
		if (o->password)
			st = hvs_auth_ntlm_new(fallback, o->user, o->password, o->host, err);
		if (st == HVSNAP_OK && hvs_auth_kerberos_available() &&
		    (o->spn_host || !is_ip_literal(o->host))) {
			hvsnap_error kerr;
			if (kerberos_init(o, mech, &kerr) != HVSNAP_OK)
				info(o, "Kerberos not usable", kerr.message);
		}
		if (st == HVSNAP_OK && !mech->ctx) {
			if (!fallback->ctx)
				return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
				               "Kerberos cannot be used for %s and NTLM needs a password",
				               o->host);
			*mech = *fallback;
			memset(fallback, 0, sizeof(*fallback));
		}
		return st;
	default:
		return HVSNAP_OK;
	}
}

hvsnap_status hvs_winrm_channel_open(winrm_channel **out, const winrm_channel_options *o,
                                     const http_conn_options *http, hvsnap_error *err)
{
	*out = NULL;
	winrm_transport t = { NULL, NULL };
	auth_mech mech, fallback;
	memset(&mech, 0, sizeof(mech));
	memset(&fallback, 0, sizeof(fallback));
	hvsnap_status st = hvs_winrm_http_transport_new(&t, http, err);
	if (st == HVSNAP_OK)
		st = choose_mechs(o, &mech, &fallback, err);
	if (st != HVSNAP_OK) {
		hvs_auth_mech_free(&mech);
		hvs_auth_mech_free(&fallback);
		if (t.ops)
			t.ops->free(t.ctx);
		return st;
	}
	return hvs_winrm_channel_new(out, o, &t, &mech, &fallback, err);
}
