/* Tests of the channel (src/winrm) against a scripted host: a transport
 * that answers from a list of steps (401 with a challenge, 200, a sealed
 * 200, a connection dropped before or after the body left, a timeout) and
 * a fake mechanism whose tokens and seals the host can read. No socket:
 * the policy for handshakes, 401s, drops and resends is checked request by
 * request. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/winrm_crypt.h"
#include "util/base64.h"
#include "util/err.h"
#include "winrm/channel.h"

#define SOAP_CT "application/soap+xml;charset=UTF-8"
#define SIG "FAKE-SIGNATURE!!" /* 16 bytes, like NTLM's */
#define MAX_SENT 16

/* ---- the fake mechanism ---------------------------------------------- */

typedef struct fake_mech {
	const char *name;
	int starts, steps, finishes;
	char cbt[128];      /* the channel bindings start was given */
	size_t cbt_len;
} fake_mech;

static hvsnap_status fm_start(void *ctx, const unsigned char *cbt, size_t cbt_len, buf *token,
                              hvsnap_error *err)
{
	fake_mech *m = ctx;
	m->starts++;
	m->cbt_len = cbt_len < sizeof(m->cbt) ? cbt_len : sizeof(m->cbt);
	if (cbt)
		memcpy(m->cbt, cbt, m->cbt_len);
	return hvs_buf_printf(token, "T1-%s", m->name) ? hvs_err_nomem(err) : HVSNAP_OK;
}

static hvsnap_status fm_step(void *ctx, const unsigned char *challenge, size_t len,
                             const unsigned char *cbt, size_t cbt_len, buf *token,
                             hvsnap_error *err)
{
	fake_mech *m = ctx;
	m->steps++;
	return hvs_buf_printf(token, "T2-%s:%.*s", m->name, (int)len, (const char *)challenge)
	       ? hvs_err_nomem(err) : HVSNAP_OK;
}

static hvsnap_status fm_finish(void *ctx, const unsigned char *token, size_t len,
                               hvsnap_error *err)
{
	((fake_mech *)ctx)->finishes++;
	return HVSNAP_OK;
}

/* Sealing that shows it happened: a fixed signature and XORed bytes. */
static hvsnap_status fm_wrap(void *ctx, const unsigned char *plain, size_t len, buf *header,
                             buf *payload, hvsnap_error *err)
{
	if (hvs_buf_append(header, SIG, 16) || hvs_buf_reserve(payload, len + 1))
		return hvs_err_nomem(err);
	for (size_t i = 0; i < len; i++)
		payload->data[i] = (char)(plain[i] ^ 0x5a);
	payload->len = len;
	payload->data[len] = '\0';
	return HVSNAP_OK;
}

static hvsnap_status fm_unwrap(void *ctx, const unsigned char *header, size_t header_len,
                               const unsigned char *payload, size_t payload_len,
                               size_t expected_len, buf *plain, hvsnap_error *err)
{
	if (header_len != 16 || memcmp(header, SIG, 16) != 0)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "bad signature");
	if (hvs_buf_reserve(plain, payload_len + 1))
		return hvs_err_nomem(err);
	for (size_t i = 0; i < payload_len; i++)
		plain->data[i] = (char)(payload[i] ^ 0x5a);
	plain->len = payload_len;
	plain->data[payload_len] = '\0';
	return HVSNAP_OK;
}

static hvsnap_status forged_wrap(void *ctx, const unsigned char *plain, size_t len,
                                 buf *header, buf *payload, hvsnap_error *err)
{
	hvsnap_status st = fm_wrap(ctx, plain, len, header, payload, err);
	if (st == HVSNAP_OK)
		header->data[0] = 'X';
	return st;
}

static void fm_free(void *ctx)
{
	(void)ctx; /* the test owns its fake_mech */
}

static auth_mech fake(fake_mech *m, const char *name, int cbt_at_start)
{
	memset(m, 0, sizeof(*m));
	m->name = name;
	auth_mech a = {
		.name = name, .protocol = WINRM_CRYPT_PROTO_SPNEGO, .ctx = m,
		.cbt_at_start = cbt_at_start, .start = fm_start, .step = fm_step,
		.finish = fm_finish, .wrap = fm_wrap, .unwrap = fm_unwrap, .free = fm_free,
	};
	return a;
}

/* ---- the scripted host ------------------------------------------------ */

typedef enum action { REPLY, DROP_BEFORE_BODY, DROP_AFTER_BODY, TIME_OUT } action;

typedef struct step {
	action what;
	long status;
	const char *www_authenticate; /* NULL: no header */
	const char *body;             /* plaintext of the answer; NULL: empty */
	int sealed;                   /* 1: seal body with the fake mechanism;
	                               * 2: seal it under a wrong signature */
	int reconnected;              /* the host replaced the connection */
} step;

typedef struct sent {
	char content_type[160];
	char header[256];   /* the extra header line, "" when none */
	buf body;           /* as the host reads it (unsealed when sealed) */
	int sealed;
	int resets_before;  /* connection resets before this request */
} sent;

typedef struct host {
	const step *script;
	size_t n_steps, next;
	sent log[MAX_SENT];
	size_t n_sent;
	int resets;
	int fresh;          /* no request on the current connection yet */
	int body_sent;
	int unread;         /* stray bytes waiting on the idle connection */
	unsigned char *cert;
	size_t cert_len;
} host;

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

static hvsnap_status h_post(void *ctx, const char *content_type, const void *body, size_t len,
                            const char *const *headers, http_response *r, hvsnap_error *err)
{
	host *h = ctx;
	assert_true(h->next < h->n_steps); /* the channel sent more than scripted */
	assert_true(h->n_sent < MAX_SENT);
	const step *st = &h->script[h->next++];
	sent *s = &h->log[h->n_sent++];
	snprintf(s->content_type, sizeof(s->content_type), "%s", content_type);
	snprintf(s->header, sizeof(s->header), "%s", headers && headers[0] ? headers[0] : "");
	s->resets_before = h->resets;
	s->sealed = hvs_winrm_crypt_is_encrypted(content_type);
	if (s->sealed)
		assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO, body, len, fm_unwrap,
		                                       NULL, &s->body, NULL), HVSNAP_OK);
	else
		assert_int_equal(hvs_buf_append(&s->body, len ? body : "", len), 0);

	memset(r, 0, sizeof(*r));
	h->body_sent = st->what != DROP_BEFORE_BODY && st->what != TIME_OUT && len > 0;
	switch (st->what) {
	case DROP_BEFORE_BODY:
	case DROP_AFTER_BODY:
		h->fresh = 1;
		return hvs_err_set(err, HVSNAP_ERR_CONNECT, 0, "connection dropped (scripted)");
	case TIME_OUT:
		h->fresh = 1;
		return hvs_err_set(err, HVSNAP_ERR_TIMEOUT, 0, "timed out (scripted)");
	case REPLY:
		break;
	}
	r->status = st->status;
	r->new_connection = h->fresh || st->reconnected;
	h->fresh = 0;
	if (st->www_authenticate) {
		r->www_authenticate[0] = dup_str(st->www_authenticate);
		r->n_www_authenticate = 1;
	}
	const char *plain = st->body ? st->body : "";
	if (st->sealed) {
		buf type = BUF_INIT;
		assert_int_equal(hvs_winrm_crypt_content_type(WINRM_CRYPT_PROTO_SPNEGO, &type, NULL),
		                 HVSNAP_OK);
		r->content_type = hvs_buf_detach(&type);
		assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
		                                       (const unsigned char *)plain, strlen(plain),
		                                       st->sealed == 2 ? forged_wrap : fm_wrap, NULL,
		                                       &r->body, NULL), HVSNAP_OK);
	} else {
		r->content_type = dup_str(SOAP_CT);
		assert_int_equal(hvs_buf_append(&r->body, plain, strlen(plain)), 0);
	}
	return HVSNAP_OK;
}

static int h_body_sent(void *ctx)
{
	return ((host *)ctx)->body_sent;
}

static unsigned char *h_peer_cert(void *ctx, size_t *len)
{
	host *h = ctx;
	if (!h->cert)
		return NULL;
	unsigned char *copy = malloc(h->cert_len);
	assert_non_null(copy);
	memcpy(copy, h->cert, h->cert_len);
	*len = h->cert_len;
	return copy;
}

static int h_has_unread(void *ctx)
{
	return ((host *)ctx)->unread;
}

static void h_reset(void *ctx)
{
	host *h = ctx;
	h->resets++;
	h->fresh = 1;
	h->unread = 0;
}

static void h_free(void *ctx)
{
	(void)ctx; /* the test owns its host */
}

static const winrm_transport_ops host_ops = {
	h_post, h_body_sent, h_peer_cert, h_has_unread, h_reset, h_free,
};

static void host_init(host *h, const step *script, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->script = script;
	h->n_steps = n;
	h->fresh = 1;
}

static void host_done(host *h)
{
	for (size_t i = 0; i < h->n_sent; i++)
		hvs_buf_free(&h->log[i].body);
	free(h->cert);
}

/* The token a request carried in "Authorization: Negotiate <base64>", or
 * "" when it carried none (caller frees). */
static char *token_of(const sent *s)
{
	const char *p = "Authorization: Negotiate ";
	if (strncmp(s->header, p, strlen(p)) != 0)
		return strdup("");
	size_t n = 0;
	const char *b64 = s->header + strlen(p);
	unsigned char *raw = hvs_base64_decode(b64, strlen(b64), &n);
	assert_non_null(raw);
	char *t = calloc(1, n + 1);
	assert_non_null(t);
	memcpy(t, raw, n);
	free(raw);
	return t;
}

static void assert_token(const sent *s, const char *want)
{
	char *t = token_of(s);
	assert_string_equal(t, want);
	free(t);
}

/* ---- helpers ---------------------------------------------------------- */

static winrm_channel *open_channel(host *h, const winrm_channel_options *o, auth_mech mech,
                                   auth_mech fallback)
{
	winrm_transport t = { &host_ops, h };
	winrm_channel *c = NULL;
	assert_int_equal(hvs_winrm_channel_new(&c, o, &t, &mech, &fallback, NULL), HVSNAP_OK);
	assert_null(t.ctx); /* the channel took it */
	return c;
}

static const winrm_channel_options ntlm_http = {
	.auth = HVSNAP_AUTH_NTLM, .encryption = HVSNAP_ENCRYPTION_AUTO, .https = 0,
	.host = "hv01",
};

static const auth_mech none_mech;

/* The usual case: a scripted host of n steps behind a channel that speaks
 * (fake) NTLM over http. */
static winrm_channel *ntlm_channel(host *h, const step *script, size_t n, fake_mech *fm)
{
	host_init(h, script, n);
	return open_channel(h, &ntlm_http, fake(fm, "NTLM", 0), none_mech);
}

/* The two legs that authenticate a connection (Q0hBTA== is "CHAL"). */
#define HANDSHAKE \
	{ REPLY, 401, "Negotiate Q0hBTA==", NULL, 0, 0 }, \
	{ REPLY, 200, "Negotiate", NULL, 0, 0 }
#define SEALED_OK(text) { REPLY, 200, NULL, text, 1, 0 }

static const char req_body[] = "<s:Envelope>request</s:Envelope>";

static hvsnap_status exchange(winrm_channel *c, winrm_resend resend, winrm_reply *r,
                              hvsnap_error *err)
{
	return hvs_winrm_channel_exchange(c, req_body, strlen(req_body), "Test", resend, r, err);
}

/* ---- tests ------------------------------------------------------------ */

/* Negotiate handshake on an empty body, then the request sealed and the
 * sealed answer opened. */
static void test_handshake_then_sealed_exchange(void **state)
{
	static const step script[] = { HANDSHAKE, SEALED_OK("<answer/>") };
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 3, &fm);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "<answer/>");

	assert_int_equal(h.n_sent, 3);
	assert_token(&h.log[0], "T1-NTLM");
	assert_int_equal(h.log[0].body.len, 0);
	assert_token(&h.log[1], "T2-NTLM:CHAL");
	assert_int_equal(h.log[1].body.len, 0);
	/* the request itself: sealed, no Authorization (the context is the
	 * connection's), and the host reads exactly what was sent */
	assert_true(h.log[2].sealed);
	assert_string_equal(h.log[2].header, "");
	assert_string_equal(h.log[2].body.data, req_body);
	assert_int_equal(fm.starts, 1);
	assert_int_equal(fm.finishes, 1);
	assert_int_equal(hvs_winrm_channel_requests(c), 3);
	assert_true(hvs_winrm_channel_body_sent(c));

	/* the next exchange reuses the authenticated connection */
	hvs_winrm_reply_clear(&r);
	host_done(&h);
	static const step again[] = { SEALED_OK("<second/>") };
	host_init(&h, again, 1);
	h.fresh = 0;
	/* the channel still points at h: same object, new script */
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_string_equal(r.body.data, "<second/>");
	assert_int_equal(h.n_sent, 1);
	assert_int_equal(fm.starts, 1);
	hvs_winrm_reply_clear(&r);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* An Invoke whose body left before the connection dropped may have run: it
 * is never sent again, and the caller learns that the body left. */
static void test_invoke_dropped_after_body_not_resent(void **state)
{
	static const step script[] = {
		HANDSHAKE,
		{ DROP_AFTER_BODY, 0, NULL, NULL, 0, 0 },
	};
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 3, &fm);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_ERR_CONNECT);
	assert_int_equal(err.kind, HVSNAP_ERR_CONNECT);
	assert_int_equal(h.n_sent, 3); /* the script would fail on a fourth */
	assert_string_equal(h.log[2].body.data, req_body);
	assert_true(hvs_winrm_channel_body_sent(c));
	assert_null(r.body.data);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A drop before the body left: still not resent (the policy is the
 * caller's), but the caller learns that the host never saw it. */
static void test_invoke_dropped_before_body(void **state)
{
	static const step script[] = { HANDSHAKE, { DROP_BEFORE_BODY, 0, NULL, NULL, 0, 0 } };
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 3, &fm);
	winrm_reply r;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, NULL), HVSNAP_ERR_CONNECT);
	assert_int_equal(h.n_sent, 3);
	/* The handshake legs' empty bodies do not count as the request's. */
	assert_false(hvs_winrm_channel_body_sent(c));
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A read whose connection dropped goes once more on a new connection,
 * which is authenticated afresh first. */
static void test_read_dropped_resent_once(void **state)
{
	static const step script[] = {
		HANDSHAKE,
		{ DROP_AFTER_BODY, 0, NULL, NULL, 0, 0 },
		HANDSHAKE,
		SEALED_OK("<read/>"),
	};
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 6, &fm);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_RESEND_ON_RECONNECT, &r, &err), HVSNAP_OK);
	assert_string_equal(r.body.data, "<read/>");
	assert_int_equal(h.n_sent, 6);
	assert_string_equal(h.log[2].body.data, req_body);
	assert_string_equal(h.log[5].body.data, req_body);
	/* the resend went on a new connection, after a new handshake */
	assert_int_equal(h.log[2].resets_before, 0);
	assert_int_equal(h.log[3].resets_before, 1);
	assert_token(&h.log[3], "T1-NTLM");
	assert_int_equal(fm.starts, 2);
	hvs_winrm_reply_clear(&r);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* Only once: a read that drops twice fails. */
static void test_read_dropped_twice_fails(void **state)
{
	static const step script[] = {
		HANDSHAKE,
		{ DROP_AFTER_BODY, 0, NULL, NULL, 0, 0 },
		HANDSHAKE,
		{ DROP_AFTER_BODY, 0, NULL, NULL, 0, 0 },
	};
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 6, &fm);
	winrm_reply r;
	assert_int_equal(exchange(c, WINRM_RESEND_ON_RECONNECT, &r, NULL), HVSNAP_ERR_CONNECT);
	assert_int_equal(h.n_sent, 6);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A 401 on a connection the host replaced (it forgot our context) means
 * nothing ran: one new handshake and one resend, even for an Invoke. */
static void test_forgotten_context_401_resends_once(void **state)
{
	static const step first[] = { HANDSHAKE, SEALED_OK("<one/>") };
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, first, 3, &fm);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	hvs_winrm_reply_clear(&r);
	host_done(&h);

	static const step script[] = {
		{ REPLY, 401, "Negotiate", NULL, 0, 1 },
		HANDSHAKE,
		SEALED_OK("<invoked/>"),
	};
	host_init(&h, script, 4);
	h.fresh = 0;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_string_equal(r.body.data, "<invoked/>");
	assert_int_equal(h.n_sent, 4);
	assert_true(h.log[0].sealed);
	assert_token(&h.log[1], "T1-NTLM");
	assert_token(&h.log[2], "T2-NTLM:CHAL");
	assert_string_equal(h.log[3].body.data, req_body);
	assert_int_equal(h.log[1].resets_before, 1);
	assert_int_equal(fm.starts, 2);
	hvs_winrm_reply_clear(&r);
	host_done(&h);

	/* and only once: a second 401 after the new handshake is an
	 * authentication error */
	static const step twice[] = {
		{ REPLY, 401, "Negotiate", NULL, 0, 1 },
		HANDSHAKE,
		{ REPLY, 401, "Negotiate", NULL, 0, 0 },
	};
	host_init(&h, twice, 4);
	h.fresh = 0;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_ERR_AUTH);
	assert_int_equal(err.kind, HVSNAP_ERR_AUTH);
	assert_int_equal(err.code, 401);
	assert_int_equal(h.n_sent, 4);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A host that refuses the token of the handshake: an authentication error
 * naming what it offers; the request body never leaves. */
static void test_rejected_handshake(void **state)
{
	static const step script[] = {
		{ REPLY, 401, "Negotiate Q0hBTA==", NULL, 0, 0 },
		{ REPLY, 401, "Negotiate", NULL, 0, 0 },
	};
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 2, &fm);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_RESEND_ON_RECONNECT, &r, &err), HVSNAP_ERR_AUTH);
	assert_non_null(strstr(err.message, "rejected the credentials"));
	assert_non_null(strstr(err.detail, "host offers: Negotiate"));
	assert_int_equal(h.n_sent, 2);
	assert_false(hvs_winrm_channel_body_sent(c));
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* Under Negotiate, Kerberos refused at the first handshake falls back to
 * NTLM on a new connection, and NTLM stays for the channel's life. */
static void test_kerberos_falls_back_to_ntlm(void **state)
{
	static const step script[] = {
		{ REPLY, 401, "Negotiate", NULL, 0, 0 }, /* Kerberos token refused */
		HANDSHAKE,
		SEALED_OK("<ntlm/>"),
	};
	host h;
	host_init(&h, script, 4);
	fake_mech krb, ntlm;
	winrm_channel_options o = ntlm_http;
	o.auth = HVSNAP_AUTH_NEGOTIATE;
	winrm_channel *c = open_channel(&h, &o, fake(&krb, "Kerberos", 0), fake(&ntlm, "NTLM", 0));
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_string_equal(r.body.data, "<ntlm/>");
	assert_token(&h.log[0], "T1-Kerberos");
	assert_token(&h.log[1], "T1-NTLM");
	assert_int_equal(h.log[1].resets_before, 1);
	assert_token(&h.log[2], "T2-NTLM:CHAL");
	assert_int_equal(krb.starts, 1);
	assert_int_equal(ntlm.finishes, 1);
	hvs_winrm_reply_clear(&r);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* Bytes nobody asked for on the idle connection: a new connection (and
 * handshake) before the request, so they are never read as its answer. */
static void test_unread_bytes_mean_new_connection(void **state)
{
	static const step first[] = { HANDSHAKE, SEALED_OK("<one/>") };
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, first, 3, &fm);
	winrm_reply r;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, NULL), HVSNAP_OK);
	hvs_winrm_reply_clear(&r);
	host_done(&h);

	static const step script[] = { HANDSHAKE, SEALED_OK("<two/>") };
	host_init(&h, script, 3);
	h.fresh = 0;
	h.unread = 1;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, NULL), HVSNAP_OK);
	assert_int_equal(h.log[0].resets_before, 1);
	assert_token(&h.log[0], "T1-NTLM");
	assert_string_equal(r.body.data, "<two/>");
	hvs_winrm_reply_clear(&r);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A sealed answer that does not open (bad signature) is a protocol error
 * and the connection is dropped: its cipher state is gone. A plain answer
 * on a sealing channel passes through: hosts send some faults in clear. */
static void test_unopenable_answer(void **state)
{
	static const step script[] = {
		HANDSHAKE,
		{ REPLY, 500, NULL, "<fault/>", 0, 0 },
		{ REPLY, 200, NULL, "<forged/>", 2, 0 },
	};
	host h;
	fake_mech fm;
	winrm_channel *c = ntlm_channel(&h, script, 4, &fm);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_int_equal(r.status, 500);
	assert_string_equal(r.body.data, "<fault/>");
	hvs_winrm_reply_clear(&r);
	assert_int_equal(h.resets, 0);

	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "could not be opened"));
	assert_null(r.body.data);
	assert_int_equal(h.resets, 1);
	assert_int_equal(h.n_sent, 4); /* an Invoke: not sent again */
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* Basic: a header on every request, no handshake, no sealing; a final 401
 * says Basic is off when the host does not offer it. */
static void test_basic(void **state)
{
	static const step script[] = {
		{ REPLY, 200, NULL, "<ok/>", 0, 0 },
		{ REPLY, 401, "Negotiate", NULL, 0, 0 },
	};
	host h;
	host_init(&h, script, 2);
	winrm_channel_options o = ntlm_http;
	o.auth = HVSNAP_AUTH_BASIC;
	o.https = 1;
	o.user = "admin";
	o.password = "pw";
	winrm_channel *c = open_channel(&h, &o, none_mech, none_mech);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_string_equal(r.body.data, "<ok/>");
	assert_string_equal(h.log[0].header, "Authorization: Basic YWRtaW46cHc=");
	assert_false(h.log[0].sealed);
	hvs_winrm_reply_clear(&r);
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_ERR_AUTH);
	assert_non_null(strstr(err.detail, "Basic authentication is disabled"));
	assert_int_equal(h.n_sent, 2);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A host that stays silent is a connection problem, not a job timeout. */
static void test_timeout_is_connect(void **state)
{
	static const step script[] = { { TIME_OUT, 0, NULL, NULL, 0, 0 } };
	host h;
	host_init(&h, script, 1);
	winrm_channel_options o = ntlm_http;
	o.auth = HVSNAP_AUTH_NONE;
	winrm_channel *c = open_channel(&h, &o, none_mech, none_mech);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_ERR_CONNECT);
	assert_int_equal(err.kind, HVSNAP_ERR_CONNECT);
	assert_string_equal(h.log[0].header, "WSMANIDENTIFY: unauthenticated");
	hvs_winrm_channel_free(c);
	host_done(&h);
}

/* A self-signed Ed25519 certificate for the https tests (DER). */
static unsigned char *make_cert(size_t *len)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *x = X509_new();
	assert_non_null(key);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	                           (const unsigned char *)"hv01", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, NULL) > 0);
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	assert_true(n > 0);
	X509_free(x);
	EVP_PKEY_free(key);
	unsigned char *copy = malloc((size_t)n);
	assert_non_null(copy);
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return copy;
}

/* Over https a mechanism that binds in its first token (Kerberos) gets a
 * bare probe first, so start sees the certificate's channel bindings. */
static void test_cbt_probe_over_https(void **state)
{
	static const step script[] = {
		{ REPLY, 401, "Negotiate", NULL, 0, 0 }, /* the probe */
		{ REPLY, 200, "Negotiate", NULL, 0, 0 }, /* AP-REQ accepted */
		{ REPLY, 200, NULL, "<tls/>", 0, 0 },
	};
	host h;
	host_init(&h, script, 3);
	h.cert = make_cert(&h.cert_len);
	fake_mech fm;
	winrm_channel_options o = ntlm_http;
	o.auth = HVSNAP_AUTH_KERBEROS;
	o.https = 1;
	winrm_channel *c = open_channel(&h, &o, fake(&fm, "Kerberos", 1), none_mech);
	winrm_reply r;
	hvsnap_error err;
	assert_int_equal(exchange(c, WINRM_NEVER_RESEND, &r, &err), HVSNAP_OK);
	assert_string_equal(r.body.data, "<tls/>");
	assert_string_equal(h.log[0].header, ""); /* the probe carries no token */
	assert_token(&h.log[1], "T1-Kerberos");
	assert_false(h.log[2].sealed); /* https: TLS protects it */

	unsigned char md[32];
	unsigned int md_len = 0;
	assert_true(EVP_Digest(h.cert, h.cert_len, md, &md_len, EVP_sha256(), NULL));
	const char *prefix = "tls-server-end-point:";
	assert_int_equal(fm.cbt_len, strlen(prefix) + 32);
	assert_memory_equal(fm.cbt, prefix, strlen(prefix));
	assert_memory_equal(fm.cbt + strlen(prefix), md, 32);
	hvs_winrm_reply_clear(&r);
	hvs_winrm_channel_free(c);
	host_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_then_sealed_exchange),
		cmocka_unit_test(test_invoke_dropped_after_body_not_resent),
		cmocka_unit_test(test_invoke_dropped_before_body),
		cmocka_unit_test(test_read_dropped_resent_once),
		cmocka_unit_test(test_read_dropped_twice_fails),
		cmocka_unit_test(test_forgotten_context_401_resends_once),
		cmocka_unit_test(test_rejected_handshake),
		cmocka_unit_test(test_kerberos_falls_back_to_ntlm),
		cmocka_unit_test(test_unread_bytes_mean_new_connection),
		cmocka_unit_test(test_unopenable_answer),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_timeout_is_connect),
		cmocka_unit_test(test_cbt_probe_over_https),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
