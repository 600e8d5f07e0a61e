/* Unit tests for the NTLMv2 client: every MS-NLMP vector from
 * reference/auth-encryption.md §3, the AUTHENTICATE layout and MIC,
 * hostile CHALLENGE messages, sealing state, MD4/RC4 (against OpenSSL's
 * legacy provider where installed), and the
 * channel-binding hash. Interop with a real acceptor is test_ntlm_interop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

#include "auth/cbt.h"
#include "auth/legacy_crypto.h"
#include "auth/ntlm.h"
#include "auth/winrm_crypt.h"
#include "util/buf.h"
#include "support.h"

/* ---- helpers -------------------------------------------------------------- */

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		unsigned v;
		assert_int_equal(sscanf(p, "%2x", &v), 1);
		assert_true(n < cap);
		out[n++] = (unsigned char)v;
		p += 2;
	}
	return n;
}

static void assert_hex(const unsigned char *got, size_t len, const char *hex)
{
	unsigned char want[512];
	size_t n = unhex(hex, want, sizeof(want));
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

static void wr16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void wr32(unsigned char *p, uint32_t v)
{
	wr16(p, v);
	wr16(p + 2, v >> 16);
}

/* Returns the bytes of a security buffer, asserting it lies inside msg. */
static const unsigned char *field(const buf *msg, size_t at, size_t *len)
{
	const unsigned char *m = (const unsigned char *)msg->data;
	*len = test_le16(m + at);
	assert_int_equal(test_le16(m + at + 2), *len);
	size_t off = test_le32(m + at + 4);
	assert_true(off <= msg->len && *len <= msg->len - off);
	return m + off;
}

static const char VEC_AV[] =
	"02000c0044006f006d00610069006e0001000c00530065007200760065007200"
	"00000000";

/* A CHALLENGE with the given flags, server challenge and AV list; TargetName
 * "Domain" (UTF-16) before TargetInfo, like Windows lays it out. */
static size_t make_challenge(unsigned char *m, size_t cap, uint32_t flags,
                             const char *server_chal, const unsigned char *av,
                             size_t avlen)
{
	static const unsigned char tn[] = { 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0 };
	size_t total = 56 + sizeof(tn) + avlen;
	assert_true(total <= cap);
	memset(m, 0, 56);
	memcpy(m, "NTLMSSP", 8);
	wr32(m + 8, 2);
	wr16(m + 12, sizeof(tn));
	wr16(m + 14, sizeof(tn));
	wr32(m + 16, 56);
	wr32(m + 20, flags);
	unhex(server_chal, m + 24, 8);
	wr16(m + 40, (uint32_t)avlen);
	wr16(m + 42, (uint32_t)avlen);
	wr32(m + 44, (uint32_t)(56 + sizeof(tn)));
	m[48] = 6; m[49] = 1; m[50] = 0xb1; m[51] = 0x1d; m[55] = 15;
	memcpy(m + 56, tn, sizeof(tn));
	memcpy(m + 56 + sizeof(tn), av, avlen);
	return total;
}

static const unsigned char CC[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const unsigned char RSK[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                                       0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };

static ntlm_ctx *vector_ctx(const char *spn, const unsigned char *cbt)
{
	ntlm_options o = { .user = "User", .domain = "Domain", .password = "Password",
	                   .target_spn = spn, .cbt_md5 = cbt };
	ntlm_ctx *c = NULL;
	hvsnap_error e;
	assert_int_equal(hvs_ntlm_new(&c, &o, &e), HVSNAP_OK);
	uint64_t t0 = 0;
	hvs_ntlm_test_set_fixed(c, CC, RSK, &t0);
	return c;
}

static void plaintext_utf16(unsigned char out[18])
{
	const char *s = "Plaintext";
	for (int i = 0; i < 9; i++) {
		out[2 * i] = (unsigned char)s[i];
		out[2 * i + 1] = 0;
	}
}

/* ---- MS-NLMP vectors -------------------------------------------------------- */

static void test_owf_vectors(void **state)
{
	(void)state;
	unsigned char h[16];
	assert_int_equal(hvs_ntlm_ntowfv1("Password", h), 0);
	assert_hex(h, 16, "a4f49c406510bdcab6824ee7c30fd852");
	assert_int_equal(hvs_ntlm_ntowfv2("Password", "User", "Domain", h), 0);
	assert_hex(h, 16, "0c868a403bfd7a93a3001ef22ef02e3f");
	/* The domain is not upper-cased, the user is. */
	unsigned char h2[16];
	assert_int_equal(hvs_ntlm_ntowfv2("Password", "USER", "Domain", h2), 0);
	assert_memory_equal(h, h2, 16);
	assert_int_equal(hvs_ntlm_ntowfv2("Password", "User", "DOMAIN", h2), 0);
	assert_memory_not_equal(h, h2, 16);
}

static void test_authenticate_vectors(void **state)
{
	(void)state;
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	hvsnap_error e;
	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(c, &neg, &e), HVSNAP_OK);

	unsigned char av[64], ch[256];
	size_t avlen = unhex(VEC_AV, av, sizeof(av));
	size_t chlen = make_challenge(ch, sizeof(ch), 0xE28A8233u,
	                              "0123456789abcdef", av, avlen);
	assert_int_equal(hvs_ntlm_authenticate(c, ch, chlen, &auth, &e), HVSNAP_OK);
	const unsigned char *m = (const unsigned char *)auth.data;
	assert_int_equal(test_le32(m + 60), 0xE28A8233u);

	size_t n;
	const unsigned char *nt = field(&auth, 20, &n);
	assert_true(n > 16);
	assert_hex(nt, 16, "68cd0ab851e51c96aabc927bebef6a1c");
	assert_hex(nt + 16, n - 16,
	           "0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000"
	           "02000c0044006f006d00610069006e0001000c00530065007200760065007200"
	           "0000000000000000");
	const unsigned char *lm = field(&auth, 12, &n);
	assert_hex(lm, n, "86c35097ac9cec102554764a57cccc19 aaaaaaaaaaaaaaaa");
	const unsigned char *ek = field(&auth, 52, &n);
	assert_hex(ek, n, "c5dad2544fc9799094ce1ce90bc9d03e");
	/* No Timestamp in the challenge: no MIC field, payload right after
	 * the Version. */
	const unsigned char *dom = field(&auth, 28, &n);
	assert_int_equal(dom - m, 72);

	ntlm_test_keys k;
	assert_int_equal(hvs_ntlm_test_get_keys(c, &k), 0);
	assert_hex(k.session_base_key, 16, "8de40ccadbc14a82f15cb0ad0de95ca3");
	assert_memory_equal(k.exported_session_key, RSK, 16);
	assert_hex(k.seal_out, 16, "59f600973cc4960a25480a7c196e4c58");
	assert_hex(k.sign_out, 16, "4788dc861b4782f35d43fd98fe1a2d39");
	assert_hex(k.seal_in, 16, "9355f3a957c1583d25c4c2f11e40390e");
	assert_hex(k.sign_in, 16, "d04d6f10741041d1d246d64188d7a8ad");

	unsigned char pt[18];
	plaintext_utf16(pt);
	buf sig = BUF_INIT, ct = BUF_INIT;
	assert_int_equal(hvs_ntlm_wrap(c, pt, sizeof(pt), &sig, &ct, &e), HVSNAP_OK);
	assert_hex((unsigned char *)ct.data, ct.len,
	           "54e50165bf1936dc996020c1811b0f06fb5f");
	assert_hex((unsigned char *)sig.data, sig.len,
	           "010000007fb38ec5c55d497600000000");
	/* The checksum before RC4: HMAC_MD5(SignKey, seq0 | msg)[0..7]. */
	unsigned char seqmsg[22] = { 0 };
	memcpy(seqmsg + 4, pt, sizeof(pt));
	unsigned char mac[16];
	unsigned int ml = 0;
	HMAC(EVP_md5(), k.sign_out, 16, seqmsg, sizeof(seqmsg), mac, &ml);
	assert_hex(mac, 8, "70352851f2564309");
	assert_hex((unsigned char *)sig.data + 4, 8, "7fb38ec5c55d4976");

	hvs_buf_free(&sig);
	hvs_buf_free(&ct);
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	hvs_ntlm_free(c);
}

static void test_no_key_exch_signature(void **state)
{
	(void)state;
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	hvsnap_error e;
	/* MS-NLMP 4.2.4.4: the RandomSessionKey used directly as the exported
	 * key, flags without KEY_EXCH: the checksum is not RC4'd. */
	assert_int_equal(hvs_ntlm_test_start_session(c, RSK,
	                 0xE28A8233u & ~NTLM_NEGOTIATE_KEY_EXCH, 0, &e), HVSNAP_OK);
	unsigned char pt[18];
	plaintext_utf16(pt);
	buf sig = BUF_INIT, ct = BUF_INIT;
	assert_int_equal(hvs_ntlm_wrap(c, pt, sizeof(pt), &sig, &ct, &e), HVSNAP_OK);
	assert_hex((unsigned char *)ct.data, ct.len,
	           "54e50165bf1936dc996020c1811b0f06fb5f");
	assert_hex((unsigned char *)sig.data, sig.len,
	           "0100000070352851f256430900000000");
	hvs_buf_free(&sig);
	hvs_buf_free(&ct);
	hvs_ntlm_free(c);
}

/* A server that clears NEGOTIATE_128 would downgrade sealing to weak keys:
 * no message may be sealed or opened on such a session. */
static void test_no_128_bit_downgrade(void **state)
{
	(void)state;
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	hvsnap_error e;
	assert_int_equal(hvs_ntlm_test_start_session(c, RSK,
	                 0xE28A8233u & ~NTLM_NEGOTIATE_128, 0, &e), HVSNAP_OK);
	unsigned char pt[18];
	plaintext_utf16(pt);
	buf sig = BUF_INIT, ct = BUF_INIT;
	assert_int_equal(hvs_ntlm_wrap(c, pt, sizeof(pt), &sig, &ct, &e), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(e.message, "128-bit"));
	assert_int_equal(ct.len, 0);
	hvs_buf_free(&sig);
	hvs_buf_free(&ct);
	hvs_ntlm_free(c);
}

/* ---- AUTHENTICATE layout, AV', MIC --------------------------------------- */

static void test_authenticate_with_timestamp_mic_cbt(void **state)
{
	(void)state;
	unsigned char cbt[16];
	for (int i = 0; i < 16; i++)
		cbt[i] = (unsigned char)(0xc0 + i);
	ntlm_ctx *c = vector_ctx("HTTP/hv01.example.test", cbt);
	hvsnap_error e;
	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(c, &neg, &e), HVSNAP_OK);
	assert_int_equal(neg.len, 40);
	assert_memory_equal(neg.data, "NTLMSSP\0\1\0\0\0", 12);
	assert_int_equal(test_le32((unsigned char *)neg.data + 12), 0xE2088237u);

	/* gss-ntlmssp-like list: 1,2,3,6,7 with Flags = 0. */
	unsigned char av[128];
	size_t avlen = unhex("010008004800560030003100" "02000c0044006f006d00610069006e00"
	              "030008006800760030003100" "0600040000000000"
	              "07000800 0102030405060708" "00000000", av, sizeof(av));
	unsigned char ch[256];
	size_t chlen = make_challenge(ch, sizeof(ch), 0xE28A8235u,
	                              "0123456789abcdef", av, avlen);
	assert_int_equal(hvs_ntlm_authenticate(c, ch, chlen, &auth, &e), HVSNAP_OK);
	const unsigned char *m = (const unsigned char *)auth.data;
	assert_memory_equal(m, "NTLMSSP\0\3\0\0\0", 12);
	assert_int_equal(test_le32(m + 60), 0xE28A8235u);

	/* Payload starts after header, Version and MIC. */
	size_t n, lowest = auth.len;
	size_t ats[] = { 12, 20, 28, 36, 44, 52 };
	for (size_t i = 0; i < 6; i++) {
		const unsigned char *f = field(&auth, ats[i], &n);
		if (n && (size_t)(f - m) < lowest)
			lowest = (size_t)(f - m);
	}
	assert_int_equal(lowest, 88);
	const unsigned char *u = field(&auth, 36, &n);
	assert_int_equal(n, 8);
	assert_memory_equal(u, "U\0s\0e\0r\0", 8);
	const unsigned char *d = field(&auth, 28, &n);
	assert_int_equal(n, 12);
	assert_memory_equal(d, "D\0o\0m\0a\0i\0n\0", 12);
	const unsigned char *lm = field(&auth, 12, &n);
	unsigned char zero[24] = { 0 };
	assert_int_equal(n, 24);
	assert_memory_equal(lm, zero, 24);

	/* AV' inside the NT response. */
	const unsigned char *nt = field(&auth, 20, &n);
	const unsigned char *temp = nt + 16;
	assert_memory_equal(temp + 8, "\1\2\3\4\5\6\7\x08", 8); /* the server's time */
	assert_memory_equal(temp + 16, CC, 8);
	const unsigned char *a = temp + 28, *end = nt + n - 4;
	int seen_flags = 0, seen_cb = 0, seen_tn = 0, seen_eol = 0, seen_ts = 0;
	while (a + 4 <= end) {
		uint32_t id = test_le16(a), l = test_le16(a + 2);
		assert_true(a + 4 + l <= end);
		if (id == NTLM_AV_FLAGS) {
			assert_int_equal(l, 4);
			assert_int_equal(test_le32(a + 4), 2);
			seen_flags++;
		} else if (id == NTLM_AV_CHANNEL_BINDINGS) {
			assert_int_equal(l, 16);
			assert_memory_equal(a + 4, cbt, 16);
			seen_cb++;
		} else if (id == NTLM_AV_TARGET_NAME) {
			const char *spn = "HTTP/hv01.example.test";
			assert_int_equal(l, 2 * strlen(spn));
			for (size_t i = 0; i < strlen(spn); i++)
				assert_int_equal(test_le16(a + 4 + 2 * i), (unsigned char)spn[i]);
			seen_tn++;
		} else if (id == NTLM_AV_TIMESTAMP) {
			seen_ts++;
		} else if (id == NTLM_AV_EOL) {
			assert_int_equal(l, 0);
			seen_eol++;
			assert_ptr_equal(a + 4, end);
			break;
		}
		a += 4 + l;
	}
	assert_int_equal(seen_flags, 1);
	assert_int_equal(seen_cb, 1);
	assert_int_equal(seen_tn, 1);
	assert_int_equal(seen_ts, 1);
	assert_int_equal(seen_eol, 1);

	/* NTProofStr by recomputation. */
	unsigned char rk[16], proof[16];
	unsigned int ml;
	assert_int_equal(hvs_ntlm_ntowfv2("Password", "User", "Domain", rk), 0);
	size_t tl = n - 16;
	unsigned char *sc_temp = malloc(8 + tl);
	unhex("0123456789abcdef", sc_temp, 8);
	memcpy(sc_temp + 8, temp, tl);
	HMAC(EVP_md5(), rk, 16, sc_temp, 8 + tl, proof, &ml);
	assert_memory_equal(proof, nt, 16);
	free(sc_temp);

	/* MIC = HMAC_MD5(ESK, NEGOTIATE | CHALLENGE | AUTHENTICATE(MIC=0)). */
	unsigned char mic[16];
	memcpy(mic, m + 72, 16);
	size_t all = neg.len + chlen + auth.len;
	unsigned char *cat = malloc(all);
	memcpy(cat, neg.data, neg.len);
	memcpy(cat + neg.len, ch, chlen);
	memcpy(cat + neg.len + chlen, auth.data, auth.len);
	memset(cat + neg.len + chlen + 72, 0, 16);
	unsigned char want[16];
	HMAC(EVP_md5(), RSK, 16, cat, all, want, &ml);
	assert_memory_equal(mic, want, 16);
	free(cat);

	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	hvs_ntlm_free(c);
}

static void test_av_flags_added_when_absent(void **state)
{
	(void)state;
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	hvsnap_error e;
	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(c, &neg, &e), HVSNAP_OK);
	unsigned char av[64], ch[256];
	size_t avlen = unhex("02000c0044006f006d00610069006e00"
	                     "07000800 0102030405060708" "00000000", av, sizeof(av));
	size_t chlen = make_challenge(ch, sizeof(ch), 0xE28A8235u,
	                              "0123456789abcdef", av, avlen);
	assert_int_equal(hvs_ntlm_authenticate(c, ch, chlen, &auth, &e), HVSNAP_OK);
	size_t n;
	const unsigned char *nt = field(&auth, 20, &n);
	/* No CBT and no SPN: server pairs, then Flags=2, then EOL. */
	assert_hex(nt + 16 + 28, n - 16 - 28,
	           "02000c0044006f006d00610069006e00 07000800 0102030405060708"
	           "0600040002000000 00000000 00000000");
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	hvs_ntlm_free(c);
}

/* ---- hostile CHALLENGE ----------------------------------------------------- */

static hvsnap_status try_challenge(const unsigned char *ch, size_t len,
                                   hvsnap_error *e)
{
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	buf neg = BUF_INIT, auth = BUF_INIT;
	assert_int_equal(hvs_ntlm_negotiate(c, &neg, e), HVSNAP_OK);
	/* Copy into an exact-size heap block so ASan catches over-reads. */
	unsigned char *copy = malloc(len ? len : 1);
	memcpy(copy, ch, len);
	hvsnap_status st = hvs_ntlm_authenticate(c, copy, len, &auth, e);
	free(copy);
	if (st != HVSNAP_OK)
		assert_int_equal(auth.len, 0);
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	hvs_ntlm_free(c);
	return st;
}

static void test_hostile_challenges(void **state)
{
	(void)state;
	unsigned char av[64], good[256], m[256];
	size_t avlen = unhex(VEC_AV, av, sizeof(av));
	size_t glen = make_challenge(good, sizeof(good), 0xE28A8233u,
	                             "0123456789abcdef", av, avlen);
	hvsnap_error e;
	assert_int_equal(try_challenge(good, glen, &e), HVSNAP_OK);

	/* Every truncation of a good message fails cleanly. */
	for (size_t l = 0; l < glen; l++)
		assert_int_equal(try_challenge(good, l, &e), HVSNAP_ERR_PROTOCOL);

	memcpy(m, good, glen);
	m[0] = 'X';
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(e.message, "signature"));

	memcpy(m, good, glen);
	wr32(m + 8, 3);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(e.message, "type"));

	memcpy(m, good, glen); /* TargetInfo offset past the end */
	wr32(m + 44, (uint32_t)glen);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	memcpy(m, good, glen); /* huge offset (wraps if added naively) */
	wr32(m + 44, 0xFFFFFFF0u);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	memcpy(m, good, glen); /* TargetInfo length past the end */
	wr16(m + 40, (uint32_t)avlen + 1);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	memcpy(m, good, glen); /* TargetName out of bounds */
	wr32(m + 16, 0xFFFFFFFFu);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	memcpy(m, good, glen); /* no TargetInfo */
	wr16(m + 40, 0);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	memcpy(m, good, glen); /* no Unicode */
	wr32(m + 20, 0xE28A8232u);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);

	/* AV pair running past TargetInfo. */
	size_t avoff = glen - avlen;
	memcpy(m, good, glen);
	wr16(m + avoff + 2, 0x00ff);
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	/* Unterminated list: TargetInfo stops before the EOL. */
	memcpy(m, good, glen);
	wr16(m + 40, (uint32_t)avlen - 4);
	assert_int_equal(try_challenge(m, glen - 4, &e), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(e.message, "terminated"));
	/* EOL replaced by another id. */
	memcpy(m, good, glen);
	m[glen - 4] = 5;
	assert_int_equal(try_challenge(m, glen, &e), HVSNAP_ERR_PROTOCOL);
	/* Timestamp of the wrong size. */
	unsigned char av2[64];
	size_t av2len = unhex("07000400 01020304 00000000", av2, sizeof(av2));
	size_t l2 = make_challenge(m, sizeof(m), 0xE28A8233u, "0123456789abcdef",
	                           av2, av2len);
	assert_int_equal(try_challenge(m, l2, &e), HVSNAP_ERR_PROTOCOL);

	/* Deterministic pseudo-random corruption: never crashes, never reads
	 * out of bounds (ASan run), returns OK or PROTOCOL only. */
	uint32_t x = 12345;
	for (int i = 0; i < 3000; i++) {
		memcpy(m, good, glen);
		int flips = 1 + i % 4;
		for (int f = 0; f < flips; f++) {
			x = x * 1103515245u + 12345u;
			m[(x >> 8) % glen] = (unsigned char)(x >> 20);
		}
		hvsnap_status st = try_challenge(m, glen, &e);
		assert_true(st == HVSNAP_OK || st == HVSNAP_ERR_PROTOCOL);
	}
}

static void test_authenticate_needs_negotiate(void **state)
{
	(void)state;
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	unsigned char av[64], ch[256];
	size_t avlen = unhex(VEC_AV, av, sizeof(av));
	size_t chlen = make_challenge(ch, sizeof(ch), 0xE28A8233u,
	                              "0123456789abcdef", av, avlen);
	buf out = BUF_INIT, sig = BUF_INIT, ct = BUF_INIT;
	hvsnap_error e;
	assert_int_not_equal(hvs_ntlm_authenticate(c, ch, chlen, &out, &e), HVSNAP_OK);
	assert_int_not_equal(hvs_ntlm_wrap(c, (const unsigned char *)"x", 1, &sig,
	                               &ct, &e), HVSNAP_OK);
	assert_int_equal(hvs_ntlm_flags(c), 0);
	hvs_ntlm_free(c);
}

/* ---- user names -------------------------------------------------------------- */

static void test_split_user(void **state)
{
	(void)state;
	char *u, *d;
	assert_int_equal(hvs_ntlm_split_user("CORP\\alice", &u, &d), 0);
	assert_string_equal(u, "alice");
	assert_string_equal(d, "CORP");
	free(u); free(d);
	assert_int_equal(hvs_ntlm_split_user("alice@corp.example.com", &u, &d), 0);
	assert_string_equal(u, "alice@corp.example.com");
	assert_string_equal(d, "");
	free(u); free(d);
	assert_int_equal(hvs_ntlm_split_user("alice", &u, &d), 0);
	assert_string_equal(u, "alice");
	assert_string_equal(d, "");
	free(u); free(d);
	assert_int_equal(hvs_ntlm_split_user("hv01\\ad\\min", &u, &d), 0);
	assert_string_equal(d, "hv01");
	assert_string_equal(u, "ad\\min");
	free(u); free(d);
	assert_int_equal(hvs_ntlm_split_user("", &u, &d), -1);
	assert_int_equal(hvs_ntlm_split_user(NULL, &u, &d), -1);
	assert_int_equal(hvs_ntlm_split_user("\\alice", &u, &d), -1);
	assert_int_equal(hvs_ntlm_split_user("CORP\\", &u, &d), -1);
	assert_int_equal(hvs_ntlm_split_user("@corp", &u, &d), -1);
	assert_int_equal(hvs_ntlm_split_user("alice@", &u, &d), -1);
	assert_null(u);
	assert_null(d);
}

static void test_bad_utf8_rejected(void **state)
{
	(void)state;
	ntlm_options o = { .user = "us\xc0\xafr", .password = "x" };
	ntlm_ctx *c = NULL;
	hvsnap_error e;
	assert_int_equal(hvs_ntlm_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	assert_null(c);
	o.user = "user";
	o.password = "\xed\xa0\x80"; /* a UTF-8-encoded surrogate */
	assert_int_equal(hvs_ntlm_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	/* Non-ASCII user names are upper-cased for NTOWFv2. */
	unsigned char a[16], b[16];
	assert_int_equal(hvs_ntlm_ntowfv2("pw", "j\xc3\xb6rg", "D", a), 0);
	assert_int_equal(hvs_ntlm_ntowfv2("pw", "J\xc3\x96RG", "D", b), 0);
	assert_memory_equal(a, b, 16);
}

/* ---- session security ----------------------------------------------------- */

static void pair(ntlm_ctx **cli, ntlm_ctx **srv, uint32_t flags)
{
	*cli = vector_ctx(NULL, NULL);
	*srv = vector_ctx(NULL, NULL);
	hvsnap_error e;
	assert_int_equal(hvs_ntlm_test_start_session(*cli, RSK, flags, 0, &e), HVSNAP_OK);
	assert_int_equal(hvs_ntlm_test_start_session(*srv, RSK, flags, 1, &e), HVSNAP_OK);
}

static void seal(ntlm_ctx *c, const char *text, buf *sig, buf *ct)
{
	hvsnap_error e;
	hvs_buf_reset(sig);
	hvs_buf_reset(ct);
	assert_int_equal(hvs_ntlm_wrap(c, (const unsigned char *)text, strlen(text),
	                           sig, ct, &e), HVSNAP_OK);
	assert_int_equal(sig->len, 16);
}

static void test_wrap_unwrap_sequence(void **state)
{
	(void)state;
	ntlm_ctx *cli, *srv;
	pair(&cli, &srv, 0xE28A8235u);
	hvsnap_error e;
	buf sig = BUF_INIT, ct = BUF_INIT, pt = BUF_INIT;
	for (uint32_t i = 0; i < 5; i++) {
		char msg[64];
		snprintf(msg, sizeof(msg), "<s:Envelope>%u</s:Envelope>", i);
		seal(cli, msg, &sig, &ct);
		assert_int_equal(test_le32((unsigned char *)sig.data), 1);
		assert_int_equal(test_le32((unsigned char *)sig.data + 12), i);
		assert_memory_not_equal(ct.data, msg, strlen(msg));
		hvs_buf_reset(&pt);
		assert_int_equal(hvs_ntlm_unwrap(srv, (unsigned char *)sig.data,
		                 (unsigned char *)ct.data, ct.len, &pt, &e), HVSNAP_OK);
		assert_string_equal(pt.data, msg);
		/* And back, on the other direction's keys. */
		seal(srv, msg, &sig, &ct);
		hvs_buf_reset(&pt);
		assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)sig.data,
		                 (unsigned char *)ct.data, ct.len, &pt, &e), HVSNAP_OK);
		assert_string_equal(pt.data, msg);
	}
	/* Empty messages are legal too. */
	seal(cli, "", &sig, &ct);
	hvs_buf_reset(&pt);
	assert_int_equal(hvs_ntlm_unwrap(srv, (unsigned char *)sig.data,
	                 (unsigned char *)ct.data, 0, &pt, &e), HVSNAP_OK);
	assert_int_equal(pt.len, 0);
	hvs_buf_free(&sig);
	hvs_buf_free(&ct);
	hvs_buf_free(&pt);
	hvs_ntlm_free(cli);
	hvs_ntlm_free(srv);
}

static void test_unwrap_rejects_tampering(void **state)
{
	(void)state;
	const char *msg = "<s:Envelope>secret</s:Envelope>";
	size_t len = strlen(msg);
	hvsnap_error e;
	buf sig = BUF_INIT, ct = BUF_INIT, pt = BUF_INIT;
	/* Flip each byte of signature and ciphertext in turn. */
	for (size_t i = 0; i < 16 + len; i++) {
		ntlm_ctx *cli, *srv;
		pair(&cli, &srv, 0xE28A8235u);
		seal(srv, msg, &sig, &ct);
		if (i < 16)
			sig.data[i] ^= 0x01;
		else
			ct.data[i - 16] ^= 0x80;
		hvs_buf_reset(&pt);
		assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)sig.data,
		                 (unsigned char *)ct.data, ct.len, &pt, &e),
		                 HVSNAP_ERR_PROTOCOL);
		assert_string_equal(e.message, "message signature check failed");
		assert_int_equal(pt.len, 0);
		/* The context stays refused afterwards. */
		seal(srv, msg, &sig, &ct);
		assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)sig.data,
		                 (unsigned char *)ct.data, ct.len, &pt, &e),
		                 HVSNAP_ERR_PROTOCOL);
		assert_int_equal(pt.len, 0);
		hvs_ntlm_free(cli);
		hvs_ntlm_free(srv);
	}
	hvs_buf_free(&sig);
	hvs_buf_free(&ct);
	hvs_buf_free(&pt);
}

static void test_unwrap_rejects_replay_and_reorder(void **state)
{
	(void)state;
	hvsnap_error e;
	buf s0 = BUF_INIT, c0 = BUF_INIT, s1 = BUF_INIT, c1 = BUF_INIT, pt = BUF_INIT;

	/* Out of order: message 1 before message 0. */
	ntlm_ctx *cli, *srv;
	pair(&cli, &srv, 0xE28A8235u);
	seal(srv, "first", &s0, &c0);
	seal(srv, "second", &s1, &c1);
	assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)s1.data,
	                 (unsigned char *)c1.data, c1.len, &pt, &e),
	                 HVSNAP_ERR_PROTOCOL);
	assert_int_equal(pt.len, 0);
	hvs_ntlm_free(cli);
	hvs_ntlm_free(srv);

	/* Replay: message 0 twice. */
	pair(&cli, &srv, 0xE28A8235u);
	seal(srv, "first", &s0, &c0);
	assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)s0.data,
	                 (unsigned char *)c0.data, c0.len, &pt, &e), HVSNAP_OK);
	hvs_buf_reset(&pt);
	assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)s0.data,
	                 (unsigned char *)c0.data, c0.len, &pt, &e),
	                 HVSNAP_ERR_PROTOCOL);
	assert_int_equal(pt.len, 0);
	hvs_ntlm_free(cli);
	hvs_ntlm_free(srv);

	/* A client-direction message reflected back to the client. */
	pair(&cli, &srv, 0xE28A8235u);
	seal(cli, "reflected", &s0, &c0);
	assert_int_equal(hvs_ntlm_unwrap(cli, (unsigned char *)s0.data,
	                 (unsigned char *)c0.data, c0.len, &pt, &e),
	                 HVSNAP_ERR_PROTOCOL);
	hvs_ntlm_free(cli);
	hvs_ntlm_free(srv);

	/* No sealing without ESS and SEAL. */
	pair(&cli, &srv, 0xE28A8235u & ~NTLM_NEGOTIATE_SEAL);
	assert_int_equal(hvs_ntlm_wrap(cli, (const unsigned char *)"x", 1, &s0, &c0, &e),
	                 HVSNAP_ERR_PROTOCOL);
	hvs_ntlm_free(cli);
	hvs_ntlm_free(srv);

	hvs_buf_free(&s0); hvs_buf_free(&c0); hvs_buf_free(&s1); hvs_buf_free(&c1); hvs_buf_free(&pt);
}

static void test_negotiate_resets_session(void **state)
{
	(void)state;
	ntlm_ctx *c = vector_ctx(NULL, NULL);
	hvsnap_error e;
	assert_int_equal(hvs_ntlm_test_start_session(c, RSK, 0xE28A8235u, 0, &e), HVSNAP_OK);
	buf sig = BUF_INIT, ct = BUF_INIT, neg = BUF_INIT;
	seal(c, "x", &sig, &ct);
	assert_int_equal(hvs_ntlm_negotiate(c, &neg, &e), HVSNAP_OK);
	ntlm_test_keys k;
	assert_int_equal(hvs_ntlm_test_get_keys(c, &k), -1);
	assert_int_not_equal(hvs_ntlm_wrap(c, (const unsigned char *)"x", 1, &sig, &ct, &e),
	                     HVSNAP_OK);
	hvs_buf_free(&sig); hvs_buf_free(&ct); hvs_buf_free(&neg);
	hvs_ntlm_free(c);
}

/* WinRM framing over real NTLM sealing, both directions. */
static void test_winrm_framing_with_ntlm(void **state)
{
	(void)state;
	ntlm_ctx *cli, *srv;
	pair(&cli, &srv, 0xE28A8235u);
	hvsnap_error e;
	const char *soap = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"/>";
	buf body = BUF_INIT, pt = BUF_INIT;
	for (int i = 0; i < 3; i++) {
		hvs_buf_reset(&body);
		assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
		                 (const unsigned char *)soap, strlen(soap),
		                 hvs_ntlm_winrm_wrap, cli, &body, &e), HVSNAP_OK);
		hvs_buf_reset(&pt);
		assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO,
		                 (unsigned char *)body.data, body.len,
		                 hvs_ntlm_winrm_unwrap, srv, &pt, &e), HVSNAP_OK);
		assert_string_equal(pt.data, soap);
	}
	/* A tampered reply is a protocol error with no data. */
	hvs_buf_reset(&body);
	assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
	                 (const unsigned char *)soap, strlen(soap),
	                 hvs_ntlm_winrm_wrap, srv, &body, &e), HVSNAP_OK);
	body.data[body.len - 30] ^= 1;
	hvs_buf_reset(&pt);
	assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO,
	                 (unsigned char *)body.data, body.len,
	                 hvs_ntlm_winrm_unwrap, cli, &pt, &e), HVSNAP_ERR_PROTOCOL);
	assert_int_equal(pt.len, 0);
	hvs_buf_free(&body);
	hvs_buf_free(&pt);
	hvs_ntlm_free(cli);
	hvs_ntlm_free(srv);
}

/* ---- MD4 / RC4 ------------------------------------------------------------------ */

/* OpenSSL's legacy provider in a private context: the oracle our MD4 and
 * RC4 are compared with, on machines where legacy.so is installed. */
typedef struct legacy_oracle {
	OSSL_LIB_CTX *ctx;
	OSSL_PROVIDER *legacy;
	EVP_MD *md4;
	EVP_CIPHER *rc4;
} legacy_oracle;

static int oracle_open(legacy_oracle *o)
{
	memset(o, 0, sizeof(*o));
	ERR_set_mark();
	o->ctx = OSSL_LIB_CTX_new();
	if (o->ctx && (o->legacy = OSSL_PROVIDER_load(o->ctx, "legacy")) != NULL) {
		o->md4 = EVP_MD_fetch(o->ctx, "MD4", NULL);
		o->rc4 = EVP_CIPHER_fetch(o->ctx, "RC4", NULL);
	}
	ERR_pop_to_mark();
	if (o->md4 && o->rc4)
		return 1;
	print_message("OpenSSL legacy provider unavailable: MD4/RC4 checked "
	              "against the RFC vectors only\n");
	return 0;
}

static void oracle_close(legacy_oracle *o)
{
	EVP_MD_free(o->md4);
	EVP_CIPHER_free(o->rc4);
	if (o->legacy)
		OSSL_PROVIDER_unload(o->legacy);
	OSSL_LIB_CTX_free(o->ctx);
}

static void oracle_rc4(legacy_oracle *o, const unsigned char *key, int keylen,
                       const unsigned char *in, unsigned char *out, int len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0;
	assert_non_null(c);
	assert_true(EVP_CipherInit_ex2(c, o->rc4, NULL, NULL, 1, NULL));
	assert_true(EVP_CIPHER_CTX_set_key_length(c, keylen));
	assert_true(EVP_CipherInit_ex2(c, NULL, key, NULL, 1, NULL));
	assert_true(EVP_CipherUpdate(c, out, &outl, in, len));
	assert_int_equal(outl, len);
	EVP_CIPHER_CTX_free(c);
}

static void test_md4(void **state)
{
	(void)state;
	/* RFC 1320 appendix A.5 */
	static const char *const in[] = {
		"", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
	};
	static const char *const out[] = {
		"31d6cfe0d16ae931b73c59d7e0c089c0", "bde52cb31de33e46245e05fbdbd6fb24",
		"a448017aaf21d8525fc10ae87aa6729d", "d9130a8164549fe818874806e1c7014b",
		"d79e1c308aa5bbcdeea8ed63df412da9", "043f8582f241db351ce627e153e7f0e4",
		"e33b4ddc9c38f2199c3e7b164fcc0536"
	};
	unsigned char h[16];
	for (size_t i = 0; i < 7; i++) {
		hvs_legacy_md4(in[i], strlen(in[i]), h);
		assert_hex(h, 16, out[i]);
	}
	/* NTLM never changes what the process's default OpenSSL context
	 * offers: MD4 there exactly when the system configuration gives it to
	 * the openssl CLI too. */
	unsigned char nt[16];
	assert_int_equal(hvs_ntlm_ntowfv1("Password", nt), 0);
	int sys_md4 = system("openssl dgst -md4 </dev/null >/dev/null 2>&1") == 0;
	ERR_set_mark();
	EVP_MD *dm = EVP_MD_fetch(NULL, "MD4", NULL);
	ERR_pop_to_mark();
	assert_int_equal(dm != NULL, sys_md4);
	EVP_MD_free(dm);
	legacy_oracle o;
	if (oracle_open(&o)) {
		/* The same digest as OpenSSL's on every length around the block
		 * boundaries. */
		unsigned char data[300], a[16], b[16];
		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = (unsigned char)(i * 7 + 3);
		for (size_t l = 0; l <= sizeof(data); l++) {
			unsigned int n = 0;
			hvs_legacy_md4(data, l, a);
			assert_true(EVP_Digest(data, l, b, &n, o.md4, NULL));
			assert_memory_equal(a, b, 16);
		}
	}
	oracle_close(&o);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_rc4(void **state)
{
	(void)state;
	/* RFC 6229: key 0102030405, keystream offset 0. */
	unsigned char key[5] = { 1, 2, 3, 4, 5 }, zero[32] = { 0 }, ks[32];
	assert_int_equal(hvs_legacy_rc4_oneshot(key, 5, zero, ks, 16), 0);
	assert_hex(ks, 16, "b2396305f03dc027ccc3524a0a1118a8");
	/* And the ubiquitous "Key"/"Plaintext" vector. */
	assert_int_equal(hvs_legacy_rc4_oneshot((const unsigned char *)"Key", 3,
	                 (const unsigned char *)"Plaintext", ks, 9), 0);
	assert_hex(ks, 9, "bbf316e8d940af0ad3");
	/* Key lengths outside 1..256 are refused, not read past. */
	assert_null(hvs_legacy_rc4_new(key, 0));
	assert_null(hvs_legacy_rc4_new(key, 257));
	assert_int_equal(hvs_legacy_rc4_oneshot(key, 0, zero, ks, 1), -1);
	/* A stream fed in uneven pieces equals one pass over the whole. */
	unsigned char k16[16], in[1000], whole[1000], pieces[1000];
	for (int i = 0; i < 16; i++)
		k16[i] = (unsigned char)(i * 31);
	for (int i = 0; i < 1000; i++)
		in[i] = (unsigned char)(i ^ 0x5a);
	assert_int_equal(hvs_legacy_rc4_oneshot(k16, 16, in, whole, sizeof(in)), 0);
	legacy_rc4 *r = hvs_legacy_rc4_new(k16, 16);
	assert_non_null(r);
	size_t pos = 0, step = 1;
	while (pos < sizeof(in)) {
		size_t n = step < sizeof(in) - pos ? step : sizeof(in) - pos;
		hvs_legacy_rc4_update(r, in + pos, pieces + pos, n);
		pos += n;
		step = step * 3 % 97 + 1;
	}
	hvs_legacy_rc4_free(r);
	assert_memory_equal(whole, pieces, sizeof(in));
	legacy_oracle o;
	if (oracle_open(&o)) {
		unsigned char ref[1000];
		oracle_rc4(&o, k16, 16, in, ref, (int)sizeof(in));
		assert_memory_equal(whole, ref, sizeof(in));
		for (int kl = 1; kl <= 256; kl += 51) {
			unsigned char kk[256];
			for (int i = 0; i < kl; i++)
				kk[i] = (unsigned char)(i * 13 + kl);
			assert_int_equal(hvs_legacy_rc4_oneshot(kk, (size_t)kl, in, whole, 64), 0);
			oracle_rc4(&o, kk, kl, in, ref, 64);
			assert_memory_equal(whole, ref, 64);
		}
	}
	oracle_close(&o);
}

/* ---- channel binding --------------------------------------------------------- */

static void test_cbt_ntlm_hash(void **state)
{
	(void)state;
	/* Independent serialization: 4 x u32 0, u32 len, data; MD5. */
	const char *app = "tls-server-end-point:0123456789abcdef0123456789abcdef";
	size_t l = strlen(app);
	unsigned char ser[128] = { 0 };
	ser[16] = (unsigned char)l;
	memcpy(ser + 20, app, l);
	unsigned char want[16], got[16];
	unsigned int n;
	EVP_Digest(ser, 20 + l, want, &n, EVP_md5(), NULL);
	hvsnap_error e;
	assert_int_equal(hvs_cbt_ntlm_hash((const unsigned char *)app, l, got, &e), HVSNAP_OK);
	assert_memory_equal(got, want, 16);
}

static int sh(const char *cmd)
{
	int rc = system(cmd);
	return rc;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *d = malloc(65536);
	*len = fread(d, 1, 65536, f);
	fclose(f);
	return d;
}

/* Generates a self-signed cert signed with digest md and checks our
 * application data against `openssl dgst` of the DER. expect_md is the
 * digest RFC 5929 says to use. Returns 0 when openssl refused the digest. */
static int check_cert(const char *dir, const char *keyopt, const char *md,
                      const char *expect_md)
{
	char cmd[2048], der[512], hash[512];
	snprintf(der, sizeof(der), "%s/c-%s.der", dir, md);
	snprintf(hash, sizeof(hash), "%s/c-%s.hash", dir, md);
	snprintf(cmd, sizeof(cmd),
	         "cd %s && openssl req -x509 -newkey %s -nodes -keyout k-%s.pem "
	         "-subj /CN=hv01.example.test -days 2 -%s -outform DER -out %s "
	         ">/dev/null 2>&1", dir, keyopt, md, md, der);
	if (sh(cmd) != 0)
		return 0;
	snprintf(cmd, sizeof(cmd),
	         "openssl x509 -inform DER -in %s -outform der | openssl dgst -%s "
	         "-binary > %s", der, expect_md, hash);
	assert_int_equal(sh(cmd), 0);
	size_t dl = 0, hl = 0;
	unsigned char *d = slurp(der, &dl), *h = slurp(hash, &hl);
	assert_non_null(d);
	assert_non_null(h);
	buf app = BUF_INIT;
	hvsnap_error e;
	assert_int_equal(hvs_cbt_tls_server_end_point(d, dl, &app, &e), HVSNAP_OK);
	size_t pl = strlen(CBT_PREFIX);
	assert_int_equal(app.len, pl + hl);
	assert_memory_equal(app.data, CBT_PREFIX, pl);
	assert_memory_equal(app.data + pl, h, hl);
	/* Trailing garbage after the certificate is refused. */
	hvs_buf_reset(&app);
	unsigned char *d2 = malloc(dl + 1);
	memcpy(d2, d, dl);
	d2[dl] = 0;
	assert_int_equal(hvs_cbt_tls_server_end_point(d2, dl + 1, &app, &e), HVSNAP_ERR_TLS);
	free(d2);
	hvs_buf_free(&app);
	free(d);
	free(h);
	return 1;
}

static void test_cbt_tls_server_end_point(void **state)
{
	(void)state;
	char dir[] = "/tmp/hvsnap-cbt-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(check_cert(dir, "rsa:2048", "sha256", "sha256"), 1);
	assert_int_equal(check_cert(dir, "rsa:2048", "sha384", "sha384"), 1);
	assert_int_equal(check_cert(dir, "ec -pkeyopt ec_paramgen_curve:P-384",
	                            "sha512", "sha512"), 1);
	/* MD5 and SHA-1 signatures hash with SHA-256 (RFC 5929 4.1). OpenSSL
	 * may refuse to sign with them at its security level; then skip. */
	if (!check_cert(dir, "rsa:2048", "sha1", "sha256"))
		print_message("openssl refused a SHA-1 signed certificate\n");
	if (!check_cert(dir, "rsa:2048", "md5", "sha256"))
		print_message("openssl refused an MD5 signed certificate\n");
	hvsnap_error e;
	buf app = BUF_INIT;
	assert_int_equal(hvs_cbt_tls_server_end_point((const unsigned char *)"junk", 4,
	                 &app, &e), HVSNAP_ERR_TLS);
	assert_int_equal(hvs_cbt_tls_server_end_point(NULL, 0, &app, &e), HVSNAP_ERR_TLS);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(sh(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owf_vectors),
		cmocka_unit_test(test_authenticate_vectors),
		cmocka_unit_test(test_no_key_exch_signature),
		cmocka_unit_test(test_authenticate_with_timestamp_mic_cbt),
		cmocka_unit_test(test_av_flags_added_when_absent),
		cmocka_unit_test(test_hostile_challenges),
		cmocka_unit_test(test_authenticate_needs_negotiate),
		cmocka_unit_test(test_split_user),
		cmocka_unit_test(test_bad_utf8_rejected),
		cmocka_unit_test(test_wrap_unwrap_sequence),
		cmocka_unit_test(test_unwrap_rejects_tampering),
		cmocka_unit_test(test_unwrap_rejects_replay_and_reorder),
		cmocka_unit_test(test_negotiate_resets_session),
		cmocka_unit_test(test_winrm_framing_with_ntlm),
		cmocka_unit_test(test_md4),
		cmocka_unit_test(test_rc4),
		cmocka_unit_test(test_cbt_ntlm_hash),
		cmocka_unit_test(test_cbt_tls_server_end_point),
		cmocka_unit_test(test_no_128_bit_downgrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
