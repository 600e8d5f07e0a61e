/* NTLM behind the auth_mech interface: the raw NTLMSSP tokens go in
 * "Authorization: Negotiate" headers (WinRM accepts them without SPNEGO
 * wrapping, which avoids SPNEGO's mechListMIC state reset). */
#include "auth/mech.h"

#include <stdio.h>
#include <stdlib.h>

#include "auth/cbt.h"
#include "auth/ntlm.h"
#include "util/err.h"

static hvsnap_status start(void *ctx, const unsigned char *cbt_app, size_t cbt_len,
                           buf *token, hvsnap_error *err)
{
	(void)cbt_app; /* NTLM binds the channel in AUTHENTICATE, see step */
	(void)cbt_len;
	ntlm_ctx *c = ctx;
	hvs_ntlm_set_channel_bindings(c, NULL);
	return hvs_ntlm_negotiate(c, token, err);
}

static hvsnap_status step(void *ctx, const unsigned char *challenge, size_t len,
                          const unsigned char *cbt_app, size_t cbt_len, buf *token,
                          hvsnap_error *err)
{
	ntlm_ctx *c = ctx;
	if (cbt_app) {
		unsigned char md5[16];
		hvsnap_status st = hvs_cbt_ntlm_hash(cbt_app, cbt_len, md5, err);
		if (st != HVSNAP_OK)
			return st;
		hvs_ntlm_set_channel_bindings(c, md5);
	}
	return hvs_ntlm_authenticate(c, challenge, len, token, err);
}

static hvsnap_status finish(void *ctx, const unsigned char *token, size_t len,
                            hvsnap_error *err)
{
	(void)ctx;
	(void)token;
	(void)len;
	(void)err;
	return HVSNAP_OK; /* NTLM's last word is the client's */
}

static void free_ctx(void *ctx)
{
	hvs_ntlm_free(ctx);
}

hvsnap_status hvs_auth_ntlm_new(auth_mech *out, const char *user, const char *password,
                            const char *host, hvsnap_error *err)
{
	char *name = NULL, *domain = NULL;
	if (hvs_ntlm_split_user(user, &name, &domain) != 0)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "'%s' is not a user name (user, DOMAIN\\user or user@domain)", user);
	char spn[300];
	snprintf(spn, sizeof(spn), "HTTP/%s", host);
	ntlm_options o = {
		.user = name,
		.domain = domain,
		.password = password,
		.target_spn = spn,
	};
	ntlm_ctx *c = NULL;
	hvsnap_status st = hvs_ntlm_new(&c, &o, err);
	free(name);
	free(domain);
	if (st != HVSNAP_OK)
		return st;
	out->name = "NTLM";
	out->protocol = WINRM_CRYPT_PROTO_SPNEGO;
	out->cbt_at_start = 0;
	out->ctx = c;
	out->start = start;
	out->step = step;
	out->finish = finish;
	out->wrap = hvs_ntlm_winrm_wrap;
	out->unwrap = hvs_ntlm_winrm_unwrap;
	out->free = free_ctx;
	return HVSNAP_OK;
}
