/* Kerberos behind the auth_mech interface, through GSSAPI (MIT krb5): raw
 * Kerberos tokens in the Negotiate scheme (as requests-kerberos sends them;
 * Windows' Negotiate takes them without SPNEGO wrapping, and the Kerberos
 * mechanism reports errors that SPNEGO would hide), mutual authentication
 * completed from the host's final 200, and WinRM sealing with
 * gss_wrap_iov / gss_unwrap. Built only when GSSAPI is available. */
#include "auth/mech.h"

#include "util/err.h"

#ifndef HVSNAP_HAVE_GSSAPI

int hvs_auth_kerberos_available(void)
{
	return 0;
}

int hvs_auth_kerberos_has_credential(const char *user)
{
	(void)user;
	return 0;
}

hvsnap_status hvs_auth_kerberos_new(auth_mech *out, const char *user, const char *password,
                                const char *service, const char *host,
                                hvsnap_error *err)
{
	(void)out;
	(void)user;
	(void)password;
	(void)service;
	(void)host;
	return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
	               "this hvsnap was built without GSSAPI, so Kerberos is not available");
}

#else

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"

typedef struct krb_ctx {
	gss_cred_id_t cred;
	gss_name_t target;
	gss_ctx_id_t ctx;
	char *user;
	char *password;   /* wiped on free; only used to acquire the ticket */
	int complete;
	gss_channel_bindings_t bindings;
	struct gss_channel_bindings_struct bindings_buf;
	unsigned char *cbt_app;
} krb_ctx;

int hvs_auth_kerberos_available(void)
{
	return 1;
}

int hvs_auth_kerberos_has_credential(const char *user)
{
	OM_uint32 major, minor, lifetime = 0;
	gss_OID_set_desc krb5_set = { 1, (gss_OID)gss_mech_krb5 };
	gss_name_t name = GSS_C_NO_NAME;
	if (user && *user) {
		gss_buffer_desc name_buf = { strlen(user), (void *)user };
		if (GSS_ERROR(gss_import_name(&minor, &name_buf, GSS_KRB5_NT_PRINCIPAL_NAME, &name)))
			return 0;
	}
	/* What acquire() will do without a password: the cache (or the client
	 * keytab, which MIT reads by itself) for that principal. */
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, &krb5_set, GSS_C_INITIATE,
	                         &cred, NULL, NULL);
	int usable = !GSS_ERROR(major);
	if (usable && !GSS_ERROR(gss_inquire_cred(&minor, cred, NULL, &lifetime, NULL, NULL)))
		usable = lifetime > 0;
	if (cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &cred);
	if (name != GSS_C_NO_NAME)
		gss_release_name(&minor, &name);
	return usable;
}

/* "GSSAPI: <major text>: <minor text>" — the minor text is what the KDC or
 * the Kerberos library said ("Server not found in Kerberos database",
 * "Clock skew too great", ...). */
static void gss_message(OM_uint32 major, OM_uint32 minor, char *out, size_t size)
{
	buf b = BUF_INIT;
	OM_uint32 ctx = 0, min2;
	gss_buffer_desc text;
	do {
		if (gss_display_status(&min2, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &text) != GSS_S_COMPLETE)
			break;
		hvs_buf_printf(&b, "%s%.*s", b.len ? "; " : "", (int)text.length, (const char *)text.value);
		gss_release_buffer(&min2, &text);
	} while (ctx);
	ctx = 0;
	do {
		if (!minor || gss_display_status(&min2, minor, GSS_C_MECH_CODE, (gss_OID)gss_mech_krb5, &ctx,
		                                 &text) != GSS_S_COMPLETE)
			break;
		hvs_buf_printf(&b, ": %.*s", (int)text.length, (const char *)text.value);
		gss_release_buffer(&min2, &text);
	} while (ctx);
	hvs_str_copy(out, size, b.data ? b.data : "unknown GSSAPI error");
	hvs_buf_free(&b);
}

static hvsnap_status gss_fail(hvsnap_error *err, hvsnap_status kind, const char *what,
                              OM_uint32 major, OM_uint32 minor)
{
	char text[600];
	gss_message(major, minor, text, sizeof(text));
	hvs_err_set(err, kind, 0, "Kerberos: %s: %s", what, text);
	if (strstr(text, "Server") && strstr(text, "not found in Kerberos database"))
		hvs_err_add_detail(err, "the host's service principal is unknown to the KDC: connect by the "
		               "host's DNS name (not an IP address), or give the SPN's host or service name");
	else if (strstr(text, "Client") && strstr(text, "not found in Kerberos database"))
		hvs_err_add_detail(err, "the KDC does not know this user: check the user name (user@REALM)");
	else if (strstr(text, "skew"))
		hvs_err_add_detail(err, "the clocks of this machine and the KDC or host differ too much");
	return kind;
}

static void drop_context(krb_ctx *k)
{
	OM_uint32 minor;
	if (k->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &k->ctx, GSS_C_NO_BUFFER);
	k->ctx = GSS_C_NO_CONTEXT;
	k->complete = 0;
}

/* A ticket from the password, or (without one) the default cache. */
static hvsnap_status acquire(krb_ctx *k, hvsnap_error *err)
{
	if (k->cred != GSS_C_NO_CREDENTIAL)
		return HVSNAP_OK;
	OM_uint32 major, minor, m2;
	gss_OID_set_desc krb5_set = { 1, (gss_OID)gss_mech_krb5 };
	gss_name_t name = GSS_C_NO_NAME;
	if (k->user && *k->user) {
		gss_buffer_desc name_buf = { strlen(k->user), k->user };
		major = gss_import_name(&minor, &name_buf, GSS_KRB5_NT_PRINCIPAL_NAME, &name);
		if (GSS_ERROR(major))
			return gss_fail(err, HVSNAP_ERR_USAGE, "bad user principal", major, minor);
	}
	if (k->password) {
		gss_buffer_desc pw = { strlen(k->password), k->password };
		major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE, &krb5_set,
		                                       GSS_C_INITIATE, &k->cred, NULL, NULL);
	} else {
		major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, &krb5_set, GSS_C_INITIATE,
		                         &k->cred, NULL, NULL);
	}
	if (name != GSS_C_NO_NAME)
		gss_release_name(&m2, &name);
	if (GSS_ERROR(major))
		return gss_fail(err, HVSNAP_ERR_AUTH,
		                k->password ? "cannot get a ticket for the user"
		                            : "no usable ticket (run kinit, or give a password)",
		                major, minor);
	/* The credential holds the ticket now; the password is not needed
	 * again, even after a reconnect. */
	hvs_str_wipe_free(k->password);
	k->password = NULL;
	return HVSNAP_OK;
}

static hvsnap_status init_step(krb_ctx *k, const unsigned char *in, size_t in_len,
                               buf *token, hvsnap_error *err)
{
	OM_uint32 major, minor, flags = 0;
	gss_buffer_desc input = { in_len, (void *)in };
	gss_buffer_desc output = GSS_C_EMPTY_BUFFER;
	major = gss_init_sec_context(&minor, k->cred, &k->ctx, k->target, (gss_OID)gss_mech_krb5,
	                             GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG |
	                             GSS_C_SEQUENCE_FLAG | GSS_C_REPLAY_FLAG,
	                             GSS_C_INDEFINITE, k->bindings, in ? &input : GSS_C_NO_BUFFER,
	                             NULL, &output, &flags, NULL);
	if (GSS_ERROR(major)) {
		OM_uint32 ignored;
		gss_release_buffer(&ignored, &output); /* keeps minor for the message */
		return gss_fail(err, HVSNAP_ERR_AUTH, "cannot authenticate to the host", major, minor);
	}
	int rc = output.length ? hvs_buf_append(token, output.value, output.length) : 0;
	OM_uint32 m2;
	gss_release_buffer(&m2, &output);
	if (rc != 0)
		return hvs_err_nomem(err);
	k->complete = major == GSS_S_COMPLETE;
	if (k->complete && !(flags & GSS_C_CONF_FLAG))
		return hvs_err_set(err, HVSNAP_ERR_AUTH, 0,
		               "Kerberos: the security context offers no confidentiality");
	return HVSNAP_OK;
}

static void set_bindings(krb_ctx *k, const unsigned char *app, size_t len)
{
	free(k->cbt_app);
	k->cbt_app = NULL;
	k->bindings = GSS_C_NO_CHANNEL_BINDINGS;
	if (!app)
		return;
	k->cbt_app = malloc(len ? len : 1);
	if (!k->cbt_app)
		return;
	memcpy(k->cbt_app, app, len);
	memset(&k->bindings_buf, 0, sizeof(k->bindings_buf));
	k->bindings_buf.application_data.length = len;
	k->bindings_buf.application_data.value = k->cbt_app;
	k->bindings = &k->bindings_buf;
}

static hvsnap_status start(void *ctx, const unsigned char *cbt_app, size_t cbt_len,
                           buf *token, hvsnap_error *err)
{
	krb_ctx *k = ctx;
	drop_context(k);
	hvsnap_status st = acquire(k, err);
	if (st != HVSNAP_OK)
		return st;
	set_bindings(k, cbt_app, cbt_len);
	if (cbt_app && !k->cbt_app)
		return hvs_err_nomem(err);
	return init_step(k, NULL, 0, token, err);
}

static hvsnap_status step(void *ctx, const unsigned char *challenge, size_t len,
                          const unsigned char *cbt_app, size_t cbt_len, buf *token,
                          hvsnap_error *err)
{
	(void)cbt_app; /* bound at start already */
	(void)cbt_len;
	krb_ctx *k = ctx;
	if (k->complete)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "Kerberos: the host sent another challenge after the context was complete");
	return init_step(k, challenge, len, token, err);
}

static hvsnap_status finish(void *ctx, const unsigned char *token, size_t len,
                            hvsnap_error *err)
{
	krb_ctx *k = ctx;
	if (k->complete)
		return HVSNAP_OK;
	if (!token)
		return hvs_err_set(err, HVSNAP_ERR_AUTH, 0,
		               "Kerberos: the host did not complete mutual authentication");
	buf none = BUF_INIT;
	hvsnap_status st = init_step(k, token, len, &none, err);
	hvs_buf_free(&none);
	if (st == HVSNAP_OK && !k->complete)
		st = hvs_err_set(err, HVSNAP_ERR_AUTH, 0,
		             "Kerberos: mutual authentication did not complete");
	return st;
}

static hvsnap_status wrap(void *ctx, const unsigned char *plain, size_t len, buf *header,
                          buf *payload, hvsnap_error *err)
{
	krb_ctx *k = ctx;
	OM_uint32 major, minor;
	unsigned char *copy = malloc(len ? len : 1);
	if (!copy)
		return hvs_err_nomem(err);
	memcpy(copy, plain, len);
	/* No TRAILER buffer: MIT then folds the trailer into the header with
	 * RRC set, which is the layout Windows SSPI produces and expects. */
	gss_iov_buffer_desc iov[3];
	memset(iov, 0, sizeof(iov));
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer.length = len;
	iov[1].buffer.value = copy;
	iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
	int conf = 0;
	major = gss_wrap_iov(&minor, k->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 3);
	hvsnap_status st = HVSNAP_OK;
	if (GSS_ERROR(major)) {
		st = gss_fail(err, HVSNAP_ERR_PROTOCOL, "cannot seal a message", major, minor);
	} else if (!conf) {
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "Kerberos: the message was not encrypted");
	} else if (hvs_buf_append(header, iov[0].buffer.value, iov[0].buffer.length) ||
	           hvs_buf_append(payload, copy, len) ||
	           hvs_buf_append(payload, iov[2].buffer.value, iov[2].buffer.length)) {
		st = hvs_err_nomem(err);
	}
	gss_release_iov_buffer(&minor, iov, 3);
	OPENSSL_cleanse(copy, len);
	free(copy);
	return st;
}

static hvsnap_status unwrap(void *ctx, const unsigned char *header, size_t header_len,
                            const unsigned char *payload, size_t payload_len,
                            size_t expected_len, buf *plain, hvsnap_error *err)
{
	krb_ctx *k = ctx;
	OM_uint32 major, minor;
	buf token = BUF_INIT;
	if (hvs_buf_append(&token, header, header_len) || hvs_buf_append(&token, payload, payload_len))
		return hvs_err_nomem(err);
	gss_buffer_desc in = { token.len, token.data };
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	int conf = 0;
	major = gss_unwrap(&minor, k->ctx, &in, &out, &conf, NULL);
	hvs_buf_free(&token);
	hvsnap_status st = HVSNAP_OK;
	if (GSS_ERROR(major)) {
		st = gss_fail(err, HVSNAP_ERR_PROTOCOL, "message integrity check failed", major, minor);
	} else if (!conf) {
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "Kerberos: the host's answer was not encrypted");
	} else {
		/* RC4 adds padding that Length= does not count. */
		size_t n = out.length < expected_len ? out.length : expected_len;
		if (hvs_buf_append(plain, out.value, n) != 0)
			st = hvs_err_nomem(err);
	}
	gss_release_buffer(&minor, &out);
	return st;
}

static void free_ctx(void *ctx)
{
	krb_ctx *k = ctx;
	OM_uint32 minor;
	drop_context(k);
	if (k->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &k->cred);
	if (k->target != GSS_C_NO_NAME)
		gss_release_name(&minor, &k->target);
	hvs_str_wipe_free(k->password);
	free(k->user);
	free(k->cbt_app);
	free(k);
}

hvsnap_status hvs_auth_kerberos_new(auth_mech *out, const char *user, const char *password,
                                const char *service, const char *host,
                                hvsnap_error *err)
{
	krb_ctx *k = calloc(1, sizeof(*k));
	if (!k)
		return hvs_err_nomem(err);
	k->ctx = GSS_C_NO_CONTEXT;
	k->cred = GSS_C_NO_CREDENTIAL;
	k->target = GSS_C_NO_NAME;
	k->user = hvs_str_dup(user ? user : "");
	k->password = password ? hvs_str_dup(password) : NULL;
	buf spn = BUF_INIT;
	if (!k->user || (password && !k->password) ||
	    hvs_buf_printf(&spn, "%s@%s", service ? service : "HTTP", host) != 0) {
		hvs_buf_free(&spn);
		free_ctx(k);
		return hvs_err_nomem(err);
	}
	OM_uint32 major, minor;
	gss_buffer_desc name = { spn.len, spn.data };
	major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &k->target);
	hvs_buf_free(&spn);
	if (GSS_ERROR(major)) {
		free_ctx(k);
		return gss_fail(err, HVSNAP_ERR_USAGE, "bad service principal", major, minor);
	}
	out->name = "Kerberos";
	out->protocol = WINRM_CRYPT_PROTO_SPNEGO;
	out->cbt_at_start = 1;
	out->ctx = k;
	out->start = start;
	out->step = step;
	out->finish = finish;
	out->wrap = wrap;
	out->unwrap = unwrap;
	out->free = free_ctx;
	return HVSNAP_OK;
}

#endif
