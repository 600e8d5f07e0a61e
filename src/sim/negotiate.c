/* Server side of Negotiate through GSSAPI, so that client<->hvsim tests are
 * interop tests against independent code: NTLM via the gss-ntlmssp
 * mechanism (users come from a private NTLM_USER_FILE), Kerberos/SPNEGO
 * from the scenario's keytab. The security context lives on the TCP
 * connection (sim_conn), as http.sys keeps it, and also does WinRM's
 * message sealing (gss_wrap/gss_unwrap). Channel binding over https uses
 * tls-server-end-point of hvsim's own certificate (RFC 5929). Without
 * GSSAPI at build time every Negotiate token is refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "model.h"
#include "ntlm_msg.h"
#include "util/strutil.h"

#ifdef HVSIM_HAVE_GSSAPI
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

/* 1.3.6.1.4.1.311.2.2.10 (NTLMSSP), 1.2.840.113554.1.2.2 (krb5) and
 * 1.3.6.1.5.5.2 (SPNEGO), DER contents. */
static gss_OID_desc oid_ntlm = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
static gss_OID_desc oid_krb5 = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };
static gss_OID_desc oid_spnego = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };

static gss_cred_id_t ntlm_cred = GSS_C_NO_CREDENTIAL;
static gss_cred_id_t krb_cred = GSS_C_NO_CREDENTIAL;
static char user_dir[512], user_file[600];
/* gss-ntlmssp reads NTLM_USER_FILE while it accepts an AUTHENTICATE; the
 * file is rewritten for each one (domain spelling), so those two steps
 * run under this lock, one connection at a time. */
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;

#ifdef HVSIM_SANITIZE
/* gss-ntlmssp 1.2.0 leaks a name when it acquires acceptor credentials and
 * an EVP_MD per accepted context: its leaks, not hvsim's. LeakSanitizer is
 * told to ignore allocations made from that module and nothing else (the
 * same suppression as tests/unit/test_ntlm_interop.c). The EVP_MD comes
 * through libcrypto, built without frame pointers, so only the slow
 * unwinder shows the gssntlmssp.so frame the suppression matches. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:gssntlmssp.so\n";
}
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
#endif

typedef struct nego_conn {
	gss_ctx_id_t ctx;
	int kerberos;
	int established;
} nego_conn;

static void gss_log(const char *what, OM_uint32 maj, OM_uint32 min,
                    gss_OID mech)
{
	OM_uint32 m2, mctx = 0;
	gss_buffer_desc s;
	char text[512] = "";
	if (gss_display_status(&m2, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &mctx,
	                       &s) == GSS_S_COMPLETE) {
		snprintf(text, sizeof(text), "%.*s", (int)s.length,
		         (char *)s.value);
		gss_release_buffer(&m2, &s);
	}
	mctx = 0;
	if (min && gss_display_status(&m2, min, GSS_C_MECH_CODE, mech, &mctx,
	                              &s) == GSS_S_COMPLETE) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof(text) - n, " (%.*s)", (int)s.length,
		         (char *)s.value);
		gss_release_buffer(&m2, &s);
	}
	fprintf(stderr, "hvsim: %s: %s\n", what, text);
}

/* --- NTLM_USER_FILE ----------------------------------------------------- */

/* gss-ntlmssp's format is DOMAIN:USER:PASSWORD per line; it takes the
 * password up to the end of line, so only the name fields must be free of
 * ':' and none may hold a line break. */
static int file_safe(const char *s, int name)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || (name && *s == ':'))
			return 0;
	return 1;
}

static void add_line(buf *b, const char *dom, const char *user,
                     const char *pw)
{
	/* A user without a password (one who logs on by certificate) gets
	 * no line: Windows refuses blank passwords over the network
	 * (LimitBlankPasswordUse), so NTLM with an empty one must fail. */
	if (!*pw)
		return;
	if (!file_safe(dom, 1) || !file_safe(user, 1) || !file_safe(pw, 0))
		return;
	hvs_buf_printf(b, "%s:%s:%s\n", dom, user, pw);
}

/* Writes the file: first the line for the spelling a client just sent (if
 * any), because gss-ntlmssp takes the first case-insensitive match and
 * computes NTOWFv2 with the domain as the file spells it; then every
 * scenario user as DOMAIN, as HOST and in UPN form. Atomic by rename so a
 * reader never sees half a file. */
static int write_user_file(const sim_ctx *ctx, const char *first_dom,
                           const char *first_user, const sim_user *first)
{
	char tmp[640];
	buf b = BUF_INIT;
	size_t i;
	int fd, rc = 0;
	if (first)
		add_line(&b, first_dom, first_user, first->password ? first->password : "");
	for (i = 0; i < ctx->sc->nusers; i++) {
		const sim_user *u = &ctx->sc->users[i];
		const char *pw = u->password ? u->password : "";
		char upn[600];
		add_line(&b, u->domain ? u->domain : ctx->model->host, u->name,
		         pw);
		if (!u->domain || !hvs_str_case_eq(u->domain, ctx->model->host))
			add_line(&b, ctx->model->host, u->name, pw);
		snprintf(upn, sizeof(upn), "%s@%s", u->name,
		         u->domain ? u->domain : ctx->model->host);
		add_line(&b, "", upn, pw);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", user_file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		hvs_buf_wipe(&b);
		return -1;
	}
	if (b.len && write(fd, b.data, b.len) != (ssize_t)b.len)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	hvs_buf_wipe(&b);
	if (rc == 0 && rename(tmp, user_file) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* --- channel binding ---------------------------------------------------- */

/* RFC 5929 tls-server-end-point: the certificate's signature hash, with
 * MD5 and SHA-1 replaced by SHA-256. A signature without a separate hash
 * (Ed25519, NID_undef) has no defined binding; SHA-256 is used, which is
 * what clients that fall back do. */
static int compute_cbt(sim_ctx *ctx, const char *path, char **err)
{
	static const char prefix[] = "tls-server-end-point:";
	FILE *f = fopen(path, "r");
	X509 *x;
	int mdnid = NID_undef, derlen;
	const EVP_MD *md = NULL;
	unsigned char *der = NULL, h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	char msg[700];
	if (!f) {
		snprintf(msg, sizeof(msg), "cannot read %s: %s", path,
		         strerror(errno));
		*err = hvs_str_dup(msg);
		return -1;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		snprintf(msg, sizeof(msg), "%s: not a PEM certificate", path);
		*err = hvs_str_dup(msg);
		return -1;
	}
	if (!X509_get_signature_info(x, &mdnid, NULL, NULL, NULL))
		mdnid = NID_undef;
	if (mdnid != NID_undef && mdnid != NID_md5 && mdnid != NID_sha1)
		md = EVP_get_digestbynid(mdnid);
	if (!md)
		md = EVP_sha256();
	derlen = i2d_X509(x, &der);
	X509_free(x);
	if (derlen <= 0 ||
	    !EVP_Digest(der, (size_t)derlen, h, &hl, md, NULL)) {
		OPENSSL_free(der);
		*err = hvs_str_dup("cannot hash the certificate");
		return -1;
	}
	OPENSSL_free(der);
	ctx->cbt_len = sizeof(prefix) - 1 + hl;
	ctx->cbt_app = malloc(ctx->cbt_len);
	if (!ctx->cbt_app)
		abort();
	memcpy(ctx->cbt_app, prefix, sizeof(prefix) - 1);
	memcpy(ctx->cbt_app + sizeof(prefix) - 1, h, hl);
	return 0;
}

/* --- setup -------------------------------------------------------------- */

int nego_init(sim_ctx *ctx, const char *cert_path, char **err)
{
	OM_uint32 maj, min;
	gss_OID_set_desc ntlm_set = { 1, &oid_ntlm };
	const char *tmpdir = getenv("TMPDIR");
	char msg[700];
	if (cert_path && compute_cbt(ctx, cert_path, err) != 0)
		return -1;
	if (!ctx->sc->negotiate)
		return 0;
	/* NTLM_USER_FILE must be in the environment before the first GSSAPI
	 * call: gss-ntlmssp reads it with getenv, and setenv is not safe once
	 * threads run. The directory is private (mkdtemp gives 0700). */
	snprintf(user_dir, sizeof(user_dir), "%s/hvsim-ntlm.XXXXXX",
	         tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(user_dir)) {
		snprintf(msg, sizeof(msg), "cannot create a private directory "
		         "for NTLM_USER_FILE: %s", strerror(errno));
		user_dir[0] = '\0';
		*err = hvs_str_dup(msg);
		return -1;
	}
	snprintf(user_file, sizeof(user_file), "%s/users", user_dir);
	if (write_user_file(ctx, NULL, NULL, NULL) != 0) {
		*err = hvs_str_dup("cannot write NTLM_USER_FILE");
		return -1;
	}
	setenv("NTLM_USER_FILE", user_file, 1);

	maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &ntlm_set,
	                       GSS_C_ACCEPT, &ntlm_cred, NULL, NULL);
	if (GSS_ERROR(maj)) {
		/* Without gss-ntlmssp hvsim still serves Basic and Kerberos;
		 * say so once rather than refusing to start. */
		gss_log("NTLM unavailable (is gss-ntlmssp installed?)", maj, min,
		        &oid_ntlm);
		ntlm_cred = GSS_C_NO_CREDENTIAL;
	}
	if (ctx->sc->keytab) {
		gss_key_value_element_desc kv = { "keytab", ctx->sc->keytab };
		gss_key_value_set_desc store = { 1, &kv };
		gss_OID_desc mechs[2];
		gss_OID_set_desc set = { 2, mechs };
		gss_OID_set_desc krb_only = { 1, &oid_krb5 };
		mechs[0] = oid_krb5;
		mechs[1] = oid_spnego;
		if (access(ctx->sc->keytab, R_OK) != 0) {
			snprintf(msg, sizeof(msg), "auth.keytab: cannot read %s: %s",
			         ctx->sc->keytab, strerror(errno));
			*err = hvs_str_dup(msg);
			return -1;
		}
		maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
		                            &set, GSS_C_ACCEPT, &store, &krb_cred,
		                            NULL, NULL);
		if (GSS_ERROR(maj)) {
			gss_log("auth.keytab", maj, min, &oid_krb5);
			snprintf(msg, sizeof(msg), "auth.keytab: no acceptor "
			         "credentials from %s", ctx->sc->keytab);
			*err = hvs_str_dup(msg);
			return -1;
		}
		/* SPNEGO offers only Kerberos here; NTLM comes raw. */
		gss_set_neg_mechs(&min, krb_cred, &krb_only);
	}
	return 0;
}

void nego_shutdown(void)
{
	OM_uint32 min;
	if (ntlm_cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &ntlm_cred);
	if (krb_cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &krb_cred);
	if (user_file[0]) {
		char tmp[640];
		snprintf(tmp, sizeof(tmp), "%s.tmp", user_file);
		unlink(tmp);
		unlink(user_file);
		user_file[0] = '\0';
	}
	if (user_dir[0]) {
		rmdir(user_dir);
		user_dir[0] = '\0';
	}
}

/* --- accepting ---------------------------------------------------------- */

static void conn_context_free(sim_conn *conn)
{
	nego_conn *nc = conn->gss;
	OM_uint32 min;
	if (!nc)
		return;
	if (nc->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &nc->ctx, GSS_C_NO_BUFFER);
	free(nc);
	conn->gss = NULL;
}

void nego_conn_free(sim_conn *conn)
{
	conn_context_free(conn);
}

int nego_established(const sim_conn *conn)
{
	const nego_conn *nc = conn->gss;
	return nc && nc->established;
}

static void set_identity(const sim_ctx *ctx, sim_conn *conn, const sim_user *u,
                         int kerberos)
{
	char who[600];
	free(conn->user);
	snprintf(who, sizeof(who), "%s\\%s",
	         u->domain ? u->domain : ctx->model->host, u->name);
	conn->user = hvs_str_dup(who);
	hvs_str_copy(conn->scheme, sizeof(conn->scheme),
	         kerberos ? "negotiate-kerberos" : "negotiate-ntlm");
}

enum nego_step nego_accept(sim_ctx *ctx, sim_conn *conn,
                           const unsigned char *tok, size_t len,
                           buf *token_out)
{
	struct gss_channel_bindings_struct cb;
	gss_channel_bindings_t bindings = GSS_C_NO_CHANNEL_BINDINGS;
	gss_buffer_desc in = { len, (void *)tok }, out = GSS_C_EMPTY_BUFFER;
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 maj, min = 0, flags = 0;
	const sim_user *u = NULL;
	auth_msg_info ai;
	nego_conn *nc;
	int ntlm = len >= 12 && memcmp(tok, "NTLMSSP\0", 8) == 0;
	int initial = ntlm ? ntlm_message_type(tok, len) == 1 : tok[0] == 0x60;
	int strict = conn->tls && ctx->sc->cbt_hardening == CBT_STRICT;
	enum nego_step step = NEGO_FAILED;

	/* A first leg always starts over: the connection's earlier identity
	 * and context are gone, as with http.sys re-authentication. */
	if (initial) {
		free(conn->user);
		conn->user = NULL;
		conn->scheme[0] = '\0';
		conn_context_free(conn);
		conn->gss = calloc(1, sizeof(nego_conn));
		if (!conn->gss)
			abort();
		((nego_conn *)conn->gss)->kerberos = !ntlm;
	}
	nc = conn->gss;
	if (!nc || nc->established || nc->kerberos == ntlm)
		return NEGO_FAILED;
	if (ntlm && ntlm_cred == GSS_C_NO_CREDENTIAL)
		return NEGO_FAILED;
	if (!ntlm && krb_cred == GSS_C_NO_CREDENTIAL)
		return NEGO_FAILED; /* no keytab in the scenario */

	if (conn->tls && ctx->sc->cbt_hardening != CBT_NONE && ctx->cbt_app) {
		memset(&cb, 0, sizeof(cb));
		cb.application_data.value = ctx->cbt_app;
		cb.application_data.length = ctx->cbt_len;
		bindings = &cb;
	}

	if (ntlm && !initial) {
		char login[600];
		/* Map the name as the client spelled it to a scenario user
		 * (Windows compares case-insensitively; "user@domain" with an
		 * empty domain is the UPN form), and check Strict CBT, which
		 * gss-ntlmssp alone does not enforce. */
		if (ntlm_read_authenticate(tok, len, &ai) != 0)
			return NEGO_FAILED;
		if (strict && !ai.has_cbt)
			return NEGO_FAILED;
		if (ai.domain[0])
			snprintf(login, sizeof(login), "%s\\%s", ai.domain, ai.user);
		else
			snprintf(login, sizeof(login), "%s", ai.user);
		u = auth_find_user(ctx, login);
		if (!u)
			return NEGO_FAILED;
		pthread_mutex_lock(&file_lock);
		if (write_user_file(ctx, ai.domain, ai.user, u) != 0) {
			pthread_mutex_unlock(&file_lock);
			return NEGO_FAILED;
		}
		maj = gss_accept_sec_context(&min, &nc->ctx, ntlm_cred, &in,
		                             bindings, &src, NULL, &out, &flags,
		                             NULL, NULL);
		pthread_mutex_unlock(&file_lock);
	} else {
		maj = gss_accept_sec_context(&min, &nc->ctx,
		                             ntlm ? ntlm_cred : krb_cred, &in,
		                             bindings, &src, NULL, &out, &flags,
		                             NULL, NULL);
	}

	if (out.length && hvs_buf_append(token_out, out.value, out.length) != 0)
		maj = GSS_S_FAILURE;
	gss_release_buffer(&min, &out);
	if (maj == GSS_S_CONTINUE_NEEDED) {
		step = NEGO_CONTINUE;
	} else if (maj == GSS_S_COMPLETE) {
		if (!ntlm) {
			gss_buffer_desc name = GSS_C_EMPTY_BUFFER;
			OM_uint32 m2;
			char who[512] = "";
			if (gss_display_name(&m2, src, &name, NULL) == GSS_S_COMPLETE) {
				snprintf(who, sizeof(who), "%.*s", (int)name.length,
				         (char *)name.value);
				gss_release_buffer(&m2, &name);
			}
			u = auth_find_user(ctx, who);
			/* Strict needs the ticket bound to this TLS channel;
			 * MIT reports a verified binding in the flags. */
			if (strict && !(flags & GSS_C_CHANNEL_BOUND_FLAG))
				u = NULL;
		}
		if (u) {
			nc->established = 1;
			set_identity(ctx, conn, u, !ntlm);
			step = NEGO_DONE;
		}
	} else {
		gss_log(ntlm ? "negotiate (NTLM)" : "negotiate (Kerberos)", maj,
		        min, ntlm ? &oid_ntlm : &oid_krb5);
	}
	if (src != GSS_C_NO_NAME)
		gss_release_name(&min, &src);
	if (step == NEGO_FAILED)
		conn_context_free(conn);
	return step;
}

/* --- sealing ------------------------------------------------------------ */

int nego_unwrap(sim_conn *conn, const unsigned char *in, size_t len,
                size_t hdr_len, size_t expect, buf *out)
{
	nego_conn *nc = conn->gss;
	gss_buffer_desc ib = { len, (void *)in }, ob = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	int conf = 0, rc = -1;
	if (!nc || !nc->established || hdr_len > len)
		return -1;
	/* NTLM's header is its 16-byte signature; gss-ntlmssp's gss_wrap
	 * token is exactly signature || sealed data. */
	if (!nc->kerberos && hdr_len != 16)
		return -1;
	maj = gss_unwrap(&min, nc->ctx, &ib, &ob, &conf, NULL);
	if (maj != GSS_S_COMPLETE || !conf) {
		if (maj != GSS_S_COMPLETE)
			gss_log("unwrap", maj, min,
			        nc->kerberos ? &oid_krb5 : &oid_ntlm);
		gss_release_buffer(&min, &ob);
		return -1;
	}
	/* RC4 Kerberos pads the data: some clients leave the pad in the
	 * plaintext, others (pypsrp, WinRb, hvsnap) count it in Length=, and
	 * Windows takes both. Either way the shorter of the two is the SOAP. */
	size_t n = ob.length < expect ? ob.length : expect;
	size_t diff = ob.length > expect ? ob.length - expect : expect - ob.length;
	if (diff == 0 || (nc->kerberos && diff <= 16))
		rc = hvs_buf_append(out, ob.value, n) == 0 ? 0 : -1;
	OPENSSL_cleanse(ob.value, ob.length);
	gss_release_buffer(&min, &ob);
	return rc;
}

static void put32(buf *b, uint32_t v)
{
	unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	                        (unsigned char)(v >> 16),
	                        (unsigned char)(v >> 24) };
	hvs_buf_append(b, le, 4);
}

int nego_wrap(sim_conn *conn, const void *msg, size_t len, buf *out)
{
	nego_conn *nc = conn->gss;
	OM_uint32 maj, min;
	int conf = 0;
	if (!nc || !nc->established)
		return -1;
	if (!nc->kerberos) {
		gss_buffer_desc ib = { len, (void *)msg }, ob = GSS_C_EMPTY_BUFFER;
		maj = gss_wrap(&min, nc->ctx, 1, GSS_C_QOP_DEFAULT, &ib, &conf,
		               &ob);
		if (maj != GSS_S_COMPLETE || !conf || ob.length < 16) {
			gss_release_buffer(&min, &ob);
			return -1;
		}
		put32(out, 16);
		hvs_buf_append(out, ob.value, ob.length);
		gss_release_buffer(&min, &ob);
		return 0;
	} else {
		/* HEADER | DATA | PADDING and no TRAILER: MIT then keeps the
		 * trailer inside the header (RRC), the layout Windows SSPI
		 * produces and expects. */
		gss_iov_buffer_desc iov[3];
		unsigned char *data = malloc(len ? len : 1);
		int rc = -1;
		if (!data)
			return -1;
		memcpy(data, msg, len);
		memset(iov, 0, sizeof(iov));
		iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
		iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
		iov[1].buffer.value = data;
		iov[1].buffer.length = len;
		iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
		maj = gss_wrap_iov(&min, nc->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov,
		                   3);
		if (maj == GSS_S_COMPLETE && conf) {
			put32(out, (uint32_t)iov[0].buffer.length);
			hvs_buf_append(out, iov[0].buffer.value, iov[0].buffer.length);
			hvs_buf_append(out, data, len);
			if (iov[2].buffer.length)
				hvs_buf_append(out, iov[2].buffer.value,
				           iov[2].buffer.length);
			rc = 0;
		}
		gss_release_iov_buffer(&min, iov, 3);
		free(data);
		return rc;
	}
}

#else /* !HVSIM_HAVE_GSSAPI */

int nego_init(sim_ctx *ctx, const char *cert_path, char **err)
{
	(void)ctx;
	(void)cert_path;
	(void)err;
	return 0;
}

void nego_shutdown(void)
{
}

enum nego_step nego_accept(sim_ctx *ctx, sim_conn *conn,
                           const unsigned char *tok, size_t len,
                           buf *token_out)
{
	(void)ctx;
	(void)conn;
	(void)tok;
	(void)len;
	(void)token_out;
	return NEGO_FAILED;
}

int nego_established(const sim_conn *conn)
{
	(void)conn;
	return 0;
}

int nego_unwrap(sim_conn *conn, const unsigned char *in, size_t len,
                size_t hdr_len, size_t expect, buf *out)
{
	(void)conn;
	(void)in;
	(void)len;
	(void)hdr_len;
	(void)expect;
	(void)out;
	return -1;
}

int nego_wrap(sim_conn *conn, const void *msg, size_t len, buf *out)
{
	(void)conn;
	(void)msg;
	(void)len;
	(void)out;
	return -1;
}

void nego_conn_free(sim_conn *conn)
{
	(void)conn;
}

#endif
