/* Known-answer tests against bytes from real Windows hosts
 * (fixtures/windows, see its PROVENANCE.md): the NTLM handshake and the
 * sealed WinRM session captured from Windows Server 2012 R2, and a
 * Windows Server 2016 DC's CHALLENGE with two AUTHENTICATE messages. Every
 * check goes through the library's own code: the client (hvs_ntlm_*), the
 * WinRM framing (hvs_winrm_crypt_*) and, for the acceptor's side of a
 * captured exchange, the HVSNAP_TEST_HOOKS in src/auth/ntlm.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/ntlm.h"
#include "auth/winrm_crypt.h"
#include "support.h"
#include "util/buf.h"

#define DIR12 "fixtures/windows/winrm-ntlm-2012r2/"
#define DIR16 "fixtures/windows/ntlm-ws2016/"

/* ---- fixture access --------------------------------------------------- */

static unsigned char *fixture(const char *rel, size_t *len)
{
	return (unsigned char *)test_read_source_file(rel, len);
}

/* Bytes of the security buffer at header offset at, bounds-checked. */
static const unsigned char *secbuf(const unsigned char *m, size_t mlen,
                                   size_t at, size_t *len)
{
	*len = test_le16(m + at);
	assert_int_equal(test_le16(m + at + 2), *len);
	size_t off = test_le32(m + at + 4);
	assert_true(off <= mlen && *len <= mlen - off);
	return m + off;
}

/* The hex string value of "key" in a JSON fixture, looked up after each
 * anchor in turn (so "derived_here" then "authenticate.bin" selects that
 * object's key). The fixtures are the reference folder's JSON, whose key
 * values are flat hex strings; this is not a general JSON reader. */
static void json_hex(const char *json, const char *const *anchors,
                     const char *key, unsigned char *out, size_t want)
{
	const char *p = json;
	for (; anchors && *anchors; anchors++) {
		char a[128];
		snprintf(a, sizeof(a), "\"%s\"", *anchors);
		p = strstr(p, a);
		assert_non_null(p);
		p += strlen(a);
	}
	char k[128];
	snprintf(k, sizeof(k), "\"%s\": \"", key);
	p = strstr(p, k);
	assert_non_null(p);
	p += strlen(k);
	size_t n = 0;
	while (*p != '"') {
		unsigned v;
		assert_int_equal(sscanf(p, "%2x", &v), 1);
		assert_true(n < want);
		out[n++] = (unsigned char)v;
		p += 2;
	}
	assert_int_equal(n, want);
}

static void expect_key(const char *json, const char *const *anchors,
                       const char *key, const unsigned char *got, size_t n)
{
	unsigned char want[64];
	assert_true(n <= sizeof(want));
	json_hex(json, anchors, key, want, n);
	assert_memory_equal(got, want, n);
}

/* Decodes an ASCII-only UTF-16LE string (every AV value in the vectors). */
static void utf16_ascii(const unsigned char *p, size_t n, char *out, size_t cap)
{
	assert_int_equal(n % 2, 0);
	assert_true(n / 2 < cap);
	for (size_t i = 0; i < n / 2; i++) {
		assert_int_equal(p[2 * i + 1], 0);
		out[i] = (char)p[2 * i];
	}
	out[n / 2] = '\0';
}

/* FILETIME (100 ns since 1601) as ISO 8601 with 7 fraction digits. */
static void filetime_iso(uint64_t ft, char *out, size_t cap)
{
	time_t secs = (time_t)(ft / 10000000u - 11644473600u);
	struct tm tm;
	assert_non_null(gmtime_r(&secs, &tm));
	char day[32];
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, cap, "%s.%07uZ", day, (unsigned)(ft % 10000000u));
}

static void expect_version(const unsigned char *v, unsigned major,
                           unsigned minor, unsigned build, unsigned rev)
{
	assert_non_null(v);
	assert_int_equal(v[0], major);
	assert_int_equal(v[1], minor);
	assert_int_equal(test_le16(v + 2), build);
	assert_int_equal(v[4] | v[5] | v[6], 0);
	assert_int_equal(v[7], rev);
}

/* A context for a user spec as the CLI takes it, via hvs_ntlm_split_user. */
static ntlm_ctx *new_ctx(const char *spec, const char *password)
{
	char *user, *domain;
	assert_int_equal(hvs_ntlm_split_user(spec, &user, &domain), 0);
	ntlm_options o = { .user = user, .domain = domain, .password = password };
	ntlm_ctx *c = NULL;
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_ntlm_new(&c, &o, &err), HVSNAP_OK);
	free(user);
	free(domain);
	return c;
}

/* ---- Windows Server 2012 R2 capture ------------------------------------ */

typedef struct wmsg {
	const char *name; /* fixture base name */
	int c2s;
} wmsg;

/* In capture order; each direction has its own sequence 0.. and RC4
 * stream, so only the order within a direction matters. */
static const wmsg MSGS[] = {
	{ "msg01-c2s", 1 }, { "msg02-s2c", 0 }, { "msg03-c2s", 1 },
	{ "msg04-s2c", 0 }, { "msg06-s2c", 0 }, { "msg08-s2c", 0 },
	{ "msg10-s2c", 0 }, { "msg12-s2c", 0 },
};
#define NMSGS (sizeof(MSGS) / sizeof(MSGS[0]))

static unsigned char *msg_file(const wmsg *m, const char *ext, size_t *len)
{
	char rel[128];
	snprintf(rel, sizeof(rel), DIR12 "%s.%s", m->name, ext);
	return fixture(rel, len);
}

/* Opens one captured body with ctx and checks the plaintext byte for byte. */
static void expect_unseal(ntlm_ctx *c, const wmsg *m)
{
	size_t blen, plen;
	unsigned char *body = msg_file(m, "body", &blen);
	unsigned char *want = msg_file(m, "plain.xml", &plen);
	buf plain = BUF_INIT;
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO, body, blen,
	                                       hvs_ntlm_winrm_unwrap, c, &plain,
	                                       &err), HVSNAP_OK);
	assert_int_equal(plain.len, plen);
	assert_memory_equal(plain.data, want, plen);
	hvs_buf_free(&plain);
	free(body);
	free(want);
}

/* Seals one captured plaintext with ctx: the whole HTTP body, framing
 * included, must equal what was on the wire. */
static void expect_seal(ntlm_ctx *c, const wmsg *m)
{
	size_t blen, plen;
	unsigned char *want = msg_file(m, "body", &blen);
	unsigned char *plain = msg_file(m, "plain.xml", &plen);
	buf body = BUF_INIT;
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO, plain, plen,
	                                       hvs_ntlm_winrm_wrap, c, &body, &err),
	                 HVSNAP_OK);
	assert_int_equal(body.len, blen);
	assert_memory_equal(body.data, want, blen);
	hvs_buf_free(&body);
	free(want);
	free(plain);
}

/* The captured CHALLENGE is OEM because pywinrm did not offer UNICODE. Our
 * client always offers it, and Windows then answers in Unicode, so the
 * client refuses an OEM CHALLENGE (it would have to send its names in an
 * unknown OEM code page). That refusal is checked here; the replay below
 * sets the UNICODE bit on a copy. The bit enters no key derivation: the
 * NTLMv2 response covers ServerChallenge and TargetInfo, not the flags. */
static void test_2012r2_challenge(void **state)
{
	(void)state;
	size_t len;
	unsigned char *ch = fixture(DIR12 "challenge.bin", &len);
	ntlm_test_challenge pc;
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_ntlm_test_parse_challenge(ch, len, &pc, &err),
	                 HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "Unicode"));

	ch[20] |= NTLM_NEGOTIATE_UNICODE;
	assert_int_equal(hvs_ntlm_test_parse_challenge(ch, len, &pc, &err), HVSNAP_OK);
	assert_int_equal(pc.flags, 0xe28a8236u | NTLM_NEGOTIATE_UNICODE);
	unsigned char sc[8];
	char *keys = test_read_source_file(DIR12 "keys.json", NULL);
	json_hex(keys, NULL, "server_challenge", sc, 8);
	assert_memory_equal(pc.server_challenge, sc, 8);
	/* OEM TargetName of odd length puts TargetInfo at an odd offset. */
	assert_int_equal(pc.target_name - ch, 56);
	assert_int_equal(pc.target_name_len, 15);
	assert_memory_equal(pc.target_name, "VAGRANT-CFGTV38", 15);
	assert_int_equal(pc.target_info - ch, 71);
	assert_int_equal(pc.target_info_len, 152);
	char iso[40];
	filetime_iso(test_le64(pc.timestamp), iso, sizeof(iso));
	assert_string_equal(iso, "2018-05-25T10:25:49.9328714Z");
	expect_version(pc.version, 6, 3, 9600, 15);
	free(keys);
	free(ch);
}

/* Our client, given the capture's CHALLENGE (UNICODE bit added, see
 * above) and the two values the capture's client drew at random (client
 * challenge; random session key = the exported key), must send the same
 * NTLMv2 response, LM response and EncryptedRandomSessionKey as pywinrm
 * did, derive the keys in keys.json, open all six Windows responses in
 * order and seal the client's two requests into the captured bodies. */
static void test_2012r2_client(void **state)
{
	(void)state;
	size_t clen, alen;
	unsigned char *ch = fixture(DIR12 "challenge.bin", &clen);
	unsigned char *cap = fixture(DIR12 "authenticate.bin", &alen);
	char *keys = test_read_source_file(DIR12 "keys.json", NULL);
	ch[20] |= NTLM_NEGOTIATE_UNICODE;

	ntlm_ctx *c = new_ctx("vagrant", "vagrant");
	unsigned char cc[8], esk[16];
	json_hex(keys, NULL, "client_challenge", cc, 8);
	json_hex(keys, NULL, "exported_session_key", esk, 16);
	hvs_ntlm_test_set_fixed(c, cc, esk, NULL);

	buf neg = BUF_INIT, auth = BUF_INIT;
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_ntlm_negotiate(c, &neg, &err), HVSNAP_OK);
	assert_int_equal(hvs_ntlm_authenticate(c, ch, clen, &auth, &err), HVSNAP_OK);
	const unsigned char *m = (const unsigned char *)auth.data;

	size_t n1, n2;
	const unsigned char *ours = secbuf(m, auth.len, 20, &n1);
	const unsigned char *theirs = secbuf(cap, alen, 20, &n2);
	assert_int_equal(n1, 208);
	assert_int_equal(n1, n2);
	assert_memory_equal(ours, theirs, n1); /* NTProofStr and blob */
	ours = secbuf(m, auth.len, 12, &n1);
	theirs = secbuf(cap, alen, 12, &n2);
	assert_int_equal(n1, 24);
	assert_int_equal(n1, n2);
	assert_memory_equal(ours, theirs, n1); /* Z(24): a MIC is sent */
	ours = secbuf(m, auth.len, 52, &n1);
	theirs = secbuf(cap, alen, 52, &n2);
	assert_int_equal(n1, 16);
	assert_int_equal(n1, n2);
	assert_memory_equal(ours, theirs, n1);
	expect_key(keys, NULL, "encrypted_random_session_key", ours, 16);
	expect_key(keys, NULL, "nt_proof_str", m + test_le32(m + 24), 16);

	unsigned char rk[16], nt[16];
	assert_int_equal(hvs_ntlm_ntowfv1("vagrant", nt), 0);
	expect_key(keys, NULL, "nt_hash", nt, 16);
	assert_int_equal(hvs_ntlm_ntowfv2("vagrant", "vagrant", "", rk), 0);
	expect_key(keys, NULL, "response_key_nt", rk, 16);

	ntlm_test_keys k;
	assert_int_equal(hvs_ntlm_test_get_keys(c, &k), 0);
	expect_key(keys, NULL, "session_base_key", k.session_base_key, 16);
	expect_key(keys, NULL, "key_exchange_key", k.session_base_key, 16);
	expect_key(keys, NULL, "client_signing_key", k.sign_out, 16);
	expect_key(keys, NULL, "client_sealing_key", k.seal_out, 16);
	expect_key(keys, NULL, "server_signing_key", k.sign_in, 16);
	expect_key(keys, NULL, "server_sealing_key", k.seal_in, 16);

	for (size_t i = 0; i < NMSGS; i++) {
		if (MSGS[i].c2s)
			expect_seal(c, &MSGS[i]);
		else
			expect_unseal(c, &MSGS[i]);
	}

	hvs_ntlm_free(c);
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	free(keys);
	free(cap);
	free(ch);
}

/* The other side of the same capture: from the three captured handshake
 * messages and the password, the acceptor verifies NTProofStr and the MIC
 * and unwraps the exported session key; it then opens the client's
 * requests, and sealing the plaintexts of the responses must give the
 * exact bodies Windows sent. */
static void test_2012r2_acceptor(void **state)
{
	(void)state;
	size_t nlen, clen, alen;
	unsigned char *neg = fixture(DIR12 "negotiate.bin", &nlen);
	unsigned char *ch = fixture(DIR12 "challenge.bin", &clen);
	unsigned char *auth = fixture(DIR12 "authenticate.bin", &alen);
	char *keys = test_read_source_file(DIR12 "keys.json", NULL);

	/* The captured user name is 7 OEM bytes; NTOWFv2 uses "VAGRANT". */
	size_t ulen;
	const unsigned char *u = secbuf(auth, alen, 36, &ulen);
	assert_int_equal(ulen, 7);
	assert_memory_equal(u, "vagrant", 7);

	ntlm_ctx *c = new_ctx("vagrant", "vagrant");
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_ntlm_test_accept(c, neg, nlen, ch, clen, auth, alen,
	                                      &err), HVSNAP_OK);
	expect_key(keys, NULL, "mic", auth + 72, 16);
	assert_int_equal(hvs_ntlm_flags(c), 0xe28a8236u);
	ntlm_test_keys k;
	assert_int_equal(hvs_ntlm_test_get_keys(c, &k), 0);
	expect_key(keys, NULL, "session_base_key", k.session_base_key, 16);
	expect_key(keys, NULL, "exported_session_key", k.exported_session_key, 16);
	expect_key(keys, NULL, "server_signing_key", k.sign_out, 16);
	expect_key(keys, NULL, "server_sealing_key", k.seal_out, 16);
	expect_key(keys, NULL, "client_signing_key", k.sign_in, 16);
	expect_key(keys, NULL, "client_sealing_key", k.seal_in, 16);

	for (size_t i = 0; i < NMSGS; i++) {
		if (MSGS[i].c2s)
			expect_unseal(c, &MSGS[i]);
		else
			expect_seal(c, &MSGS[i]);
	}

	hvs_ntlm_free(c);
	free(keys);
	free(auth);
	free(ch);
	free(neg);
}

/* The same bytes must be refused when anything is off: a wrong password
 * (NTProofStr), a changed MIC, a response opened out of order (the RC4
 * stream and sequence number carry across messages), a flipped
 * ciphertext bit. */
static void test_2012r2_rejects(void **state)
{
	(void)state;
	size_t nlen, clen, alen;
	unsigned char *neg = fixture(DIR12 "negotiate.bin", &nlen);
	unsigned char *ch = fixture(DIR12 "challenge.bin", &clen);
	unsigned char *auth = fixture(DIR12 "authenticate.bin", &alen);
	char *keys = test_read_source_file(DIR12 "keys.json", NULL);
	hvsnap_error err = { 0 };

	ntlm_ctx *c = new_ctx("vagrant", "Vagrant");
	assert_int_equal(hvs_ntlm_test_accept(c, neg, nlen, ch, clen, auth, alen,
	                                      &err), HVSNAP_ERR_AUTH);
	assert_non_null(strstr(err.message, "NTProofStr"));
	hvs_ntlm_free(c);

	c = new_ctx("vagrant", "vagrant");
	auth[80] ^= 1;
	assert_int_equal(hvs_ntlm_test_accept(c, neg, nlen, ch, clen, auth, alen,
	                                      &err), HVSNAP_ERR_AUTH);
	assert_non_null(strstr(err.message, "MIC"));
	auth[80] ^= 1;
	hvs_ntlm_free(c);

	/* A client session from the exported key, as the replay derives it. */
	unsigned char esk[16];
	json_hex(keys, NULL, "exported_session_key", esk, 16);
	const wmsg *m02 = &MSGS[1], *m04 = &MSGS[3];
	size_t blen;
	unsigned char *b04 = msg_file(m04, "body", &blen);
	buf plain = BUF_INIT;
	c = new_ctx("vagrant", "vagrant");
	assert_int_equal(hvs_ntlm_test_start_session(c, esk, 0xe28a8236u, 0, &err),
	                 HVSNAP_OK);
	assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO, b04, blen,
	                                       hvs_ntlm_winrm_unwrap, c, &plain,
	                                       &err), HVSNAP_ERR_PROTOCOL);
	assert_int_equal(plain.len, 0);
	hvs_ntlm_free(c);
	free(b04);

	unsigned char *b02 = msg_file(m02, "body", &blen);
	b02[blen - 100] ^= 0x01; /* inside the sealed data */
	c = new_ctx("vagrant", "vagrant");
	assert_int_equal(hvs_ntlm_test_start_session(c, esk, 0xe28a8236u, 0, &err),
	                 HVSNAP_OK);
	assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO, b02, blen,
	                                       hvs_ntlm_winrm_unwrap, c, &plain,
	                                       &err), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "signature"));
	assert_int_equal(plain.len, 0);
	hvs_ntlm_free(c);
	free(b02);

	hvs_buf_free(&plain);
	free(keys);
	free(auth);
	free(ch);
	free(neg);
}

/* ---- Windows Server 2016 DC -------------------------------------------- */

static void test_2016_challenge(void **state)
{
	(void)state;
	size_t len;
	unsigned char *ch = fixture(DIR16 "challenge.bin", &len);
	ntlm_test_challenge pc;
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_ntlm_test_parse_challenge(ch, len, &pc, &err), HVSNAP_OK);
	/* UNICODE, REQUEST_TARGET, SIGN, SEAL, NTLM, ALWAYS_SIGN,
	 * TARGET_TYPE_DOMAIN, ESS, TARGET_INFO, VERSION, 128, KEY_EXCH, 56 */
	assert_int_equal(pc.flags, 0xe2898235u);
	assert_memory_equal(pc.server_challenge,
	                    "\xe4\x10\x10\x14\xcf\x8a\x90\xbe", 8);
	char s[64];
	assert_int_equal(pc.target_name - ch, 56);
	utf16_ascii(pc.target_name, pc.target_name_len, s, sizeof(s));
	assert_string_equal(s, "DOMAIN");
	assert_int_equal(pc.target_info - ch, 68);
	assert_int_equal(pc.target_info_len, 138);
	expect_version(pc.version, 10, 0, 14393, 15);

	static const struct {
		unsigned id;
		const char *value;
	} av[] = {
		{ NTLM_AV_NB_DOMAIN, "DOMAIN" },
		{ NTLM_AV_NB_COMPUTER, "DC01" },
		{ NTLM_AV_DNS_DOMAIN, "domain.local" },
		{ NTLM_AV_DNS_COMPUTER, "DC01.domain.local" },
		{ NTLM_AV_DNS_TREE, "domain.local" },
		{ NTLM_AV_TIMESTAMP, "2020-04-30T02:46:22.4140792Z" },
		{ NTLM_AV_EOL, NULL },
	};
	const unsigned char *a = pc.target_info;
	const unsigned char *end = a + pc.target_info_len;
	for (size_t i = 0; i < sizeof(av) / sizeof(av[0]); i++) {
		assert_true(end - a >= 4);
		unsigned id = test_le16(a), alen = test_le16(a + 2);
		assert_int_equal(id, av[i].id);
		assert_true(alen <= (size_t)(end - a) - 4);
		if (id == NTLM_AV_TIMESTAMP) {
			assert_int_equal(alen, 8);
			assert_ptr_equal(pc.timestamp, a + 4);
			filetime_iso(test_le64(a + 4), s, sizeof(s));
		} else if (id != NTLM_AV_EOL) {
			utf16_ascii(a + 4, alen, s, sizeof(s));
		} else {
			assert_int_equal(alen, 0);
		}
		if (av[i].value)
			assert_string_equal(s, av[i].value);
		a += 4 + alen;
	}
	assert_ptr_equal(a, end);
	free(ch);
}

static const char *const DERIVED_AUTH[] = { "derived_here", "authenticate.bin", NULL };
static const char *const DERIVED_NOSS[] = { "derived_here",
	                                    "authenticate_no_sign_seal.bin", NULL };
static const char *const PYSPNEGO_AUTH[] = { "session_keys", "authenticate.bin", NULL };
static const char *const PYSPNEGO_NOSS[] = { "session_keys",
	                                     "authenticate_no_sign_seal.bin", NULL };

static void expect_2016_keys(const char *json, const char *const *derived,
                             const char *const *pyspnego, const ntlm_ctx *c)
{
	ntlm_test_keys k;
	assert_int_equal(hvs_ntlm_test_get_keys(c, &k), 0);
	expect_key(json, pyspnego, "SessionKey", k.exported_session_key, 16);
	expect_key(json, derived, "exported_session_key", k.exported_session_key, 16);
	expect_key(json, derived, "session_base_key", k.session_base_key, 16);
	expect_key(json, derived, "server_signing_key", k.sign_out, 16);
	expect_key(json, derived, "server_sealing_key", k.seal_out, 16);
	expect_key(json, derived, "client_signing_key", k.sign_in, 16);
	expect_key(json, derived, "client_sealing_key", k.seal_in, 16);
}

/* KEY_EXCH with SIGN and SEAL: the exported key is RC4K(KXKEY,
 * EncryptedRandomSessionKey). The user is a UPN with an empty domain, so
 * NTOWFv2 hashes "VAGRANT-DOMAIN@DOMAIN.LOCAL". */
static void test_2016_authenticate(void **state)
{
	(void)state;
	size_t clen, alen;
	unsigned char *ch = fixture(DIR16 "challenge.bin", &clen);
	unsigned char *auth = fixture(DIR16 "authenticate.bin", &alen);
	char *json = test_read_source_file(DIR16 "expected.json", NULL);

	unsigned char rk[16];
	assert_int_equal(hvs_ntlm_ntowfv1("VagrantPass1", rk), 0);
	expect_key(json, DERIVED_AUTH, "nt_hash", rk, 16);
	assert_int_equal(hvs_ntlm_ntowfv2("VagrantPass1", "vagrant-domain@DOMAIN.LOCAL",
	                                  "", rk), 0);
	expect_key(json, DERIVED_AUTH, "response_key_nt", rk, 16);

	ntlm_ctx *c = new_ctx("vagrant-domain@DOMAIN.LOCAL", "VagrantPass1");
	hvsnap_error err = { 0 };
	/* No MIC in this message (MsvAvFlags 0), so no NEGOTIATE is given. */
	assert_int_equal(hvs_ntlm_test_accept(c, NULL, 0, ch, clen, auth, alen, &err),
	                 HVSNAP_OK);
	assert_int_equal(hvs_ntlm_flags(c), 0xe2898235u);
	expect_2016_keys(json, DERIVED_AUTH, PYSPNEGO_AUTH, c);
	hvs_ntlm_free(c);

	/* Without the right secret nothing is derived. */
	c = new_ctx("vagrant-domain@DOMAIN.LOCAL", "VagrantPass2");
	assert_int_equal(hvs_ntlm_test_accept(c, NULL, 0, ch, clen, auth, alen, &err),
	                 HVSNAP_ERR_AUTH);
	ntlm_test_keys k;
	assert_int_equal(hvs_ntlm_test_get_keys(c, &k), 0);
	assert_memory_not_equal(k.exported_session_key, "\x4e\x10\xf9\xb8", 4);
	hvs_ntlm_free(c);
	free(json);
	free(auth);
	free(ch);
}

/* KEY_EXCH without SIGN or SEAL: the exported key is the KXKEY itself
 * (MS-NLMP 3.2.5.2.2). Its CHALLENGE is not available, so NTProofStr is
 * not checked; the session cannot seal, and says so. */
static void test_2016_no_sign_seal(void **state)
{
	(void)state;
	size_t alen;
	unsigned char *auth = fixture(DIR16 "authenticate_no_sign_seal.bin", &alen);
	char *json = test_read_source_file(DIR16 "expected.json", NULL);

	unsigned char rk[16];
	assert_int_equal(hvs_ntlm_ntowfv2("vagrant", "vagrant", "", rk), 0);
	expect_key(json, DERIVED_NOSS, "response_key_nt", rk, 16);
	/* The 2012 R2 capture used the same account: same ResponseKeyNT. */
	char *keys12 = test_read_source_file(DIR12 "keys.json", NULL);
	expect_key(keys12, NULL, "response_key_nt", rk, 16);
	free(keys12);

	ntlm_ctx *c = new_ctx("vagrant", "vagrant");
	hvsnap_error err = { 0 };
	assert_int_equal(hvs_ntlm_test_accept(c, NULL, 0, NULL, 0, auth, alen, &err),
	                 HVSNAP_OK);
	assert_int_equal(hvs_ntlm_flags(c), 0xe28a8205u);
	expect_2016_keys(json, DERIVED_NOSS, PYSPNEGO_NOSS, c);

	buf sig = BUF_INIT, sealed = BUF_INIT;
	assert_int_equal(hvs_ntlm_wrap(c, (const unsigned char *)"x", 1, &sig,
	                               &sealed, &err), HVSNAP_ERR_PROTOCOL);
	assert_int_equal(sealed.len, 0);
	hvs_ntlm_free(c);
	free(json);
	free(auth);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2012r2_challenge),
		cmocka_unit_test(test_2012r2_client),
		cmocka_unit_test(test_2012r2_acceptor),
		cmocka_unit_test(test_2012r2_rejects),
		cmocka_unit_test(test_2016_challenge),
		cmocka_unit_test(test_2016_authenticate),
		cmocka_unit_test(test_2016_no_sign_seal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
