/* Interop: our NTLM client against the gss-ntlmssp acceptor, in process
 * through GSSAPI. This is the check the MS-NLMP vectors cannot give: the
 * MIC, the AV list, key exchange and sealing must satisfy an independent
 * implementation. gss-ntlmssp is required (CI installs it): its absence is
 * a failure, never a skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/cbt.h"
#include "auth/ntlm.h"
#include "auth/winrm_crypt.h"
#include "util/buf.h"

#ifdef HVSNAP_HAVE_GSSAPI
#include <gssapi/gssapi.h>

/* gss-ntlmssp 1.2.0 leaks an EVP_MD per accepted context (EVP_MD_fetch
 * without a free): the acceptor's leak, not ours, so LeakSanitizer is told
 * to ignore allocations made from that module. The frames pass through
 * libcrypto, built without frame pointers, so the slow unwinder is needed
 * for the module to show up in the stack. test_ntlm covers our own code
 * with no suppression. */
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

static gss_OID_desc ntlm_mech = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
static gss_OID_set_desc ntlm_mechs = { 1, &ntlm_mech };
static gss_cred_id_t acceptor_cred = GSS_C_NO_CREDENTIAL;
static char user_file[] = "/tmp/hvsnap-ntlm-users-XXXXXX";

static void gss_fail(const char *what, OM_uint32 maj, OM_uint32 min)
{
	OM_uint32 m2, ctx = 0;
	gss_buffer_desc s;
	fprintf(stderr, "%s failed: major 0x%x minor %u\n", what, maj, min);
	do {
		if (gss_display_status(&m2, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx,
		                       &s) != GSS_S_COMPLETE)
			break;
		fprintf(stderr, "  gss: %.*s\n", (int)s.length, (char *)s.value);
		gss_release_buffer(&m2, &s);
	} while (ctx);
	ctx = 0;
	if (gss_display_status(&m2, min, GSS_C_MECH_CODE, &ntlm_mech, &ctx, &s) ==
	    GSS_S_COMPLETE) {
		fprintf(stderr, "  mech: %.*s\n", (int)s.length, (char *)s.value);
		gss_release_buffer(&m2, &s);
	}
}

typedef struct opts {
	const char *user, *domain, *password;
	const unsigned char *cbt;          /* client side: MD5 from hvs_cbt_ntlm_hash */
	const char *acceptor_app_data;     /* acceptor side bindings, or NULL */
	int corrupt_mic;
} opts;

/* Runs NEGOTIATE / CHALLENGE / AUTHENTICATE; returns the final major status
 * of the acceptor and leaves both contexts to the caller. */
static OM_uint32 handshake(const opts *o, ntlm_ctx **cli, gss_ctx_id_t *acc,
                           char **who)
{
	ntlm_options no = { .user = o->user, .domain = o->domain,
	                    .password = o->password, .workstation = "LINUXCI",
	                    .target_spn = "HTTP/hv01.example.test",
	                    .cbt_md5 = o->cbt };
	hvsnap_error e;
	assert_int_equal(hvs_ntlm_new(cli, &no, &e), HVSNAP_OK);
	*acc = GSS_C_NO_CONTEXT;

	struct gss_channel_bindings_struct cb;
	memset(&cb, 0, sizeof(cb));
	gss_channel_bindings_t bindings = GSS_C_NO_CHANNEL_BINDINGS;
	if (o->acceptor_app_data) {
		cb.application_data.value = (void *)o->acceptor_app_data;
		cb.application_data.length = strlen(o->acceptor_app_data);
		bindings = &cb;
	}

	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(*cli, &neg, &e), HVSNAP_OK);
	gss_buffer_desc in = { neg.len, neg.data }, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 min = 0;
	OM_uint32 maj = gss_accept_sec_context(&min, acc, acceptor_cred, &in,
	                                       bindings, NULL, NULL, &out, NULL,
	                                       NULL, NULL);
	if (maj != GSS_S_CONTINUE_NEEDED)
		gss_fail("accept(NEGOTIATE)", maj, min);
	assert_int_equal(maj, GSS_S_CONTINUE_NEEDED);
	assert_true(out.length > 48);
	hvsnap_status st = hvs_ntlm_authenticate(*cli, out.value, out.length, &auth, &e);
	if (st != HVSNAP_OK)
		fail_msg("hvs_ntlm_authenticate: %s", e.message);
	gss_release_buffer(&min, &out);
	if (o->corrupt_mic)
		auth.data[72] ^= 0x01;

	gss_buffer_desc in2 = { auth.len, auth.data };
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 flags = 0;
	maj = gss_accept_sec_context(&min, acc, acceptor_cred, &in2, bindings,
	                             &src, NULL, &out, &flags, NULL, NULL);
	if (maj == GSS_S_COMPLETE) {
		/* The session must be able to seal. */
		assert_true(flags & GSS_C_CONF_FLAG);
		assert_true(flags & GSS_C_INTEG_FLAG);
		gss_buffer_desc name;
		OM_uint32 m2;
		assert_int_equal(gss_display_name(&m2, src, &name, NULL), GSS_S_COMPLETE);
		if (who) {
			*who = malloc(name.length + 1);
			memcpy(*who, name.value, name.length);
			(*who)[name.length] = '\0';
		}
		gss_release_buffer(&m2, &name);
	}
	gss_release_name(&min, &src);
	gss_release_buffer(&min, &out);
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	return maj;
}

static void cleanup(ntlm_ctx *cli, gss_ctx_id_t acc)
{
	OM_uint32 min;
	hvs_ntlm_free(cli);
	if (acc != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &acc, GSS_C_NO_BUFFER);
}

/* Client → server: hvs_ntlm_wrap, then gss_unwrap of sig16 || sealed. */
static void client_to_server(ntlm_ctx *cli, gss_ctx_id_t acc, const char *msg)
{
	hvsnap_error e;
	buf sig = BUF_INIT, ct = BUF_INIT;
	assert_int_equal(hvs_ntlm_wrap(cli, (const unsigned char *)msg, strlen(msg),
	                           &sig, &ct, &e), HVSNAP_OK);
	assert_int_equal(sig.len, 16);
	buf tok = BUF_INIT;
	hvs_buf_append(&tok, sig.data, sig.len);
	hvs_buf_append(&tok, ct.data, ct.len);
	gss_buffer_desc in = { tok.len, tok.data }, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 min, maj;
	int conf = 0;
	maj = gss_unwrap(&min, acc, &in, &out, &conf, NULL);
	if (maj != GSS_S_COMPLETE)
		gss_fail("gss_unwrap", maj, min);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(conf, 1);
	assert_int_equal(out.length, strlen(msg));
	assert_memory_equal(out.value, msg, out.length);
	gss_release_buffer(&min, &out);
	hvs_buf_free(&sig);
	hvs_buf_free(&ct);
	hvs_buf_free(&tok);
}

/* Server → client: gss_wrap, then hvs_ntlm_unwrap (first 16 bytes = signature). */
static hvsnap_status server_to_client(ntlm_ctx *cli, gss_ctx_id_t acc,
                                      const char *msg, int tamper, buf *plain,
                                      hvsnap_error *e)
{
	gss_buffer_desc in = { strlen(msg), (void *)msg }, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 min, maj;
	int conf = 0;
	maj = gss_wrap(&min, acc, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
	if (maj != GSS_S_COMPLETE)
		gss_fail("gss_wrap", maj, min);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(conf, 1);
	assert_int_equal(out.length, 16 + strlen(msg));
	unsigned char *t = out.value;
	if (tamper)
		t[out.length - 1] ^= 0x20;
	hvs_buf_reset(plain);
	hvsnap_status st = hvs_ntlm_unwrap(cli, t, t + 16, out.length - 16, plain, e);
	gss_release_buffer(&min, &out);
	return st;
}

static void test_handshake_and_sealing(void **state)
{
	(void)state;
	opts o = { "User", "Domain", "Password", NULL, NULL, 0 };
	ntlm_ctx *cli;
	gss_ctx_id_t acc;
	char *who = NULL;
	assert_int_equal(handshake(&o, &cli, &acc, &who), GSS_S_COMPLETE);
	assert_non_null(strstr(who, "User"));
	free(who);
	assert_int_equal(hvs_ntlm_flags(cli) & (NTLM_NEGOTIATE_SEAL | NTLM_NEGOTIATE_ESS |
	                 NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_128),
	                 NTLM_NEGOTIATE_SEAL | NTLM_NEGOTIATE_ESS |
	                 NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_128);
	buf plain = BUF_INIT;
	hvsnap_error e;
	for (int i = 0; i < 3; i++) {
		char msg[128];
		snprintf(msg, sizeof(msg), "<s:Envelope>request %d</s:Envelope>", i);
		client_to_server(cli, acc, msg);
		snprintf(msg, sizeof(msg), "<s:Envelope>response %d</s:Envelope>", i);
		assert_int_equal(server_to_client(cli, acc, msg, 0, &plain, &e), HVSNAP_OK);
		assert_string_equal(plain.data, msg);
	}
	/* A tampered reply is refused, with no data. */
	assert_int_equal(server_to_client(cli, acc, "<s:Envelope/>", 1, &plain, &e),
	                 HVSNAP_ERR_PROTOCOL);
	assert_string_equal(e.message, "message signature check failed");
	assert_int_equal(plain.len, 0);
	hvs_buf_free(&plain);
	cleanup(cli, acc);
}

/* The WinRM body built with our framing carries exactly gss_wrap's layout:
 * unwrap the framed payload with gss_unwrap, and parse a framed gss_wrap
 * output with our unwrap. */
static void test_winrm_framing_interop(void **state)
{
	(void)state;
	opts o = { "User", "Domain", "Password", NULL, NULL, 0 };
	ntlm_ctx *cli;
	gss_ctx_id_t acc;
	assert_int_equal(handshake(&o, &cli, &acc, NULL), GSS_S_COMPLETE);
	const char *soap = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>";
	hvsnap_error e;
	OM_uint32 min, maj;
	for (int i = 0; i < 3; i++) {
		buf body = BUF_INIT;
		assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
		                 (const unsigned char *)soap, strlen(soap),
		                 hvs_ntlm_winrm_wrap, cli, &body, &e), HVSNAP_OK);
		/* Locate u32 header_len after the octet-stream line. */
		const char *marker = "application/octet-stream\r\n";
		char *p = strstr(body.data, marker);
		assert_non_null(p);
		unsigned char *bin = (unsigned char *)p + strlen(marker);
		assert_int_equal(bin[0], 16);
		size_t tail = strlen("--Encrypted Boundary--\r\n");
		size_t toklen = body.len - (size_t)(bin + 4 - (unsigned char *)body.data) - tail;
		gss_buffer_desc in = { toklen, bin + 4 }, out = GSS_C_EMPTY_BUFFER;
		maj = gss_unwrap(&min, acc, &in, &out, NULL, NULL);
		assert_int_equal(maj, GSS_S_COMPLETE);
		assert_int_equal(out.length, strlen(soap));
		assert_memory_equal(out.value, soap, out.length);
		gss_release_buffer(&min, &out);
		hvs_buf_free(&body);

		/* Reply: frame gss_wrap's token by hand as the host would. */
		gss_buffer_desc rin = { strlen(soap), (void *)soap };
		maj = gss_wrap(&min, acc, 1, GSS_C_QOP_DEFAULT, &rin, NULL, &out);
		assert_int_equal(maj, GSS_S_COMPLETE);
		buf reply = BUF_INIT, plain = BUF_INIT;
		hvs_buf_printf(&reply,
		    "--Encrypted Boundary\r\n"
		    "\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=%zu\r\n"
		    "--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n", strlen(soap));
		hvs_buf_append(&reply, "\x10\0\0\0", 4);
		hvs_buf_append(&reply, out.value, out.length);
		hvs_buf_append_str(&reply, "--Encrypted Boundary--\r\n");
		gss_release_buffer(&min, &out);
		assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO,
		                 (unsigned char *)reply.data, reply.len,
		                 hvs_ntlm_winrm_unwrap, cli, &plain, &e), HVSNAP_OK);
		assert_string_equal(plain.data, soap);
		hvs_buf_free(&reply);
		hvs_buf_free(&plain);
	}
	cleanup(cli, acc);
}

static void test_out_of_order_rejected_by_acceptor(void **state)
{
	(void)state;
	opts o = { "User", "Domain", "Password", NULL, NULL, 0 };
	ntlm_ctx *cli;
	gss_ctx_id_t acc;
	assert_int_equal(handshake(&o, &cli, &acc, NULL), GSS_S_COMPLETE);
	hvsnap_error e;
	buf s0 = BUF_INIT, c0 = BUF_INIT, s1 = BUF_INIT, c1 = BUF_INIT, tok = BUF_INIT;
	assert_int_equal(hvs_ntlm_wrap(cli, (const unsigned char *)"zero", 4, &s0, &c0, &e), HVSNAP_OK);
	assert_int_equal(hvs_ntlm_wrap(cli, (const unsigned char *)"one", 3, &s1, &c1, &e), HVSNAP_OK);
	hvs_buf_append(&tok, s1.data, 16);
	hvs_buf_append(&tok, c1.data, c1.len);
	gss_buffer_desc in = { tok.len, tok.data }, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 min;
	assert_int_not_equal(gss_unwrap(&min, acc, &in, &out, NULL, NULL), GSS_S_COMPLETE);
	gss_release_buffer(&min, &out);
	hvs_buf_free(&s0); hvs_buf_free(&c0); hvs_buf_free(&s1); hvs_buf_free(&c1); hvs_buf_free(&tok);
	cleanup(cli, acc);
}

static void test_wrong_password_rejected(void **state)
{
	(void)state;
	opts o = { "User", "Domain", "Passw0rd", NULL, NULL, 0 };
	ntlm_ctx *cli;
	gss_ctx_id_t acc;
	assert_int_not_equal(handshake(&o, &cli, &acc, NULL), GSS_S_COMPLETE);
	cleanup(cli, acc);
	/* gss-ntlmssp keys NTOWFv2 on the user file's domain spelling. */
	opts o2 = { "User", "DOMAIN", "Password", NULL, NULL, 0 };
	assert_int_not_equal(handshake(&o2, &cli, &acc, NULL), GSS_S_COMPLETE);
	cleanup(cli, acc);
}

static void test_corrupted_mic_rejected(void **state)
{
	(void)state;
	opts o = { "User", "Domain", "Password", NULL, NULL, 1 };
	ntlm_ctx *cli;
	gss_ctx_id_t acc;
	assert_int_not_equal(handshake(&o, &cli, &acc, NULL), GSS_S_COMPLETE);
	cleanup(cli, acc);
}

static void test_channel_bindings(void **state)
{
	(void)state;
	const char *app = "tls-server-end-point:\x01\x02\x03\x04\x05\x06\x07\x08"
	                  "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15"
	                  "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20";
	const char *other = "tls-server-end-point:\xff\x02\x03\x04\x05\x06\x07\x08"
	                    "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15"
	                    "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20";
	unsigned char good[16], bad[16];
	hvsnap_error e;
	assert_int_equal(hvs_cbt_ntlm_hash((const unsigned char *)app, strlen(app), good, &e),
	                 HVSNAP_OK);
	assert_int_equal(hvs_cbt_ntlm_hash((const unsigned char *)other, strlen(other), bad, &e),
	                 HVSNAP_OK);
	ntlm_ctx *cli;
	gss_ctx_id_t acc;

	opts ok = { "User", "Domain", "Password", good, app, 0 };
	assert_int_equal(handshake(&ok, &cli, &acc, NULL), GSS_S_COMPLETE);
	client_to_server(cli, acc, "bound");
	cleanup(cli, acc);

	opts mismatch = { "User", "Domain", "Password", bad, app, 0 };
	assert_int_not_equal(handshake(&mismatch, &cli, &acc, NULL), GSS_S_COMPLETE);
	cleanup(cli, acc);

	/* A real certificate's end-point data works the same way. */
	char dir[] = "/tmp/hvsnap-cbt-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem "
	         "-subj /CN=hv01.example.test -days 2 -outform DER -out c.der "
	         ">/dev/null 2>&1", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/c.der", dir);
	FILE *f = fopen(cmd, "rb");
	assert_non_null(f);
	unsigned char der[8192];
	size_t dl = fread(der, 1, sizeof(der), f);
	fclose(f);
	buf ad = BUF_INIT;
	assert_int_equal(hvs_cbt_tls_server_end_point(der, dl, &ad, &e), HVSNAP_OK);
	unsigned char h[16];
	assert_int_equal(hvs_cbt_ntlm_hash((unsigned char *)ad.data, ad.len, h, &e), HVSNAP_OK);
	/* application_data may contain NUL bytes: pass it by length. */
	ntlm_options no = { .user = "User", .domain = "Domain", .password = "Password",
	                    .cbt_md5 = h };
	assert_int_equal(hvs_ntlm_new(&cli, &no, &e), HVSNAP_OK);
	struct gss_channel_bindings_struct cb;
	memset(&cb, 0, sizeof(cb));
	cb.application_data.value = ad.data;
	cb.application_data.length = ad.len;
	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(cli, &neg, &e), HVSNAP_OK);
	acc = GSS_C_NO_CONTEXT;
	gss_buffer_desc in = { neg.len, neg.data }, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 min;
	assert_int_equal(gss_accept_sec_context(&min, &acc, acceptor_cred, &in, &cb,
	                 NULL, NULL, &out, NULL, NULL, NULL), GSS_S_CONTINUE_NEEDED);
	assert_int_equal(hvs_ntlm_authenticate(cli, out.value, out.length, &auth, &e), HVSNAP_OK);
	gss_release_buffer(&min, &out);
	gss_buffer_desc in2 = { auth.len, auth.data };
	assert_int_equal(gss_accept_sec_context(&min, &acc, acceptor_cred, &in2, &cb,
	                 NULL, NULL, &out, NULL, NULL, NULL), GSS_S_COMPLETE);
	gss_release_buffer(&min, &out);
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	hvs_buf_free(&ad);
	cleanup(cli, acc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* A second handshake on the same client context starts from scratch, as
 * after a reconnect: new keys, sequence numbers back at 0. */
static void test_reauthenticate_same_context(void **state)
{
	(void)state;
	opts o = { "User", "Domain", "Password", NULL, NULL, 0 };
	ntlm_ctx *cli;
	gss_ctx_id_t acc;
	assert_int_equal(handshake(&o, &cli, &acc, NULL), GSS_S_COMPLETE);
	client_to_server(cli, acc, "before reconnect");
	OM_uint32 min;
	gss_delete_sec_context(&min, &acc, GSS_C_NO_BUFFER);

	hvsnap_error e;
	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(cli, &neg, &e), HVSNAP_OK);
	acc = GSS_C_NO_CONTEXT;
	gss_buffer_desc in = { neg.len, neg.data }, out = GSS_C_EMPTY_BUFFER;
	assert_int_equal(gss_accept_sec_context(&min, &acc, acceptor_cred, &in,
	                 GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, NULL, NULL,
	                 NULL), GSS_S_CONTINUE_NEEDED);
	assert_int_equal(hvs_ntlm_authenticate(cli, out.value, out.length, &auth, &e), HVSNAP_OK);
	gss_release_buffer(&min, &out);
	gss_buffer_desc in2 = { auth.len, auth.data };
	assert_int_equal(gss_accept_sec_context(&min, &acc, acceptor_cred, &in2,
	                 GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, NULL, NULL,
	                 NULL), GSS_S_COMPLETE);
	gss_release_buffer(&min, &out);
	client_to_server(cli, acc, "after reconnect");
	buf plain = BUF_INIT;
	assert_int_equal(server_to_client(cli, acc, "reply", 0, &plain, &e), HVSNAP_OK);
	assert_string_equal(plain.data, "reply");
	hvs_buf_free(&plain);
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	cleanup(cli, acc);
}

static int setup(void **state)
{
	(void)state;
	OM_uint32 min;
	OM_uint32 maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
	                                 &ntlm_mechs, GSS_C_ACCEPT, &acceptor_cred,
	                                 NULL, NULL);
	if (maj != GSS_S_COMPLETE) {
		gss_fail("gss_acquire_cred(NTLM acceptor)", maj, min);
		fprintf(stderr, "the gss-ntlmssp acceptor is required: "
		        "apt-get install gss-ntlmssp (scripts/install-deps.sh)\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	OM_uint32 min;
	gss_release_cred(&min, &acceptor_cred);
	unlink(user_file);
	return 0;
}

int main(void)
{
	/* gss-ntlmssp reads NTLM_USER_FILE when it first initialises, so the
	 * file and the variable must exist before any GSSAPI call. */
	int fd = mkstemp(user_file);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	const char *lines = "Domain:User:Password\n";
	if (write(fd, lines, strlen(lines)) != (ssize_t)strlen(lines)) {
		perror("write");
		return 1;
	}
	close(fd);
	setenv("NTLM_USER_FILE", user_file, 1);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_and_sealing),
		cmocka_unit_test(test_winrm_framing_interop),
		cmocka_unit_test(test_out_of_order_rejected_by_acceptor),
		cmocka_unit_test(test_wrong_password_rejected),
		cmocka_unit_test(test_corrupted_mic_rejected),
		cmocka_unit_test(test_channel_bindings),
		cmocka_unit_test(test_reauthenticate_same_context),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	unlink(user_file);
	return failed;
}

#else /* !HVSNAP_HAVE_GSSAPI */

/* Built without GSSAPI: the interop check cannot run, which is a failure. */
int main(void)
{
	fprintf(stderr, "test_ntlm_interop: built without GSSAPI (libkrb5-dev); "
	        "the NTLM interop test against gss-ntlmssp cannot run\n");
	return 1;
}

#endif
