/* Unit tests for the WinRM multipart/encrypted framing: exact request bytes
 * (reference/auth-encryption.md §1) and tolerant-but-strict response
 * parsing, with a fake mechanism so framing faults are isolated. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "auth/winrm_crypt.h"
#include "util/buf.h"
#include "util/err.h"

/* Fake mechanism: header "HDR!" + a byte count, payload = plain + 1 each
 * byte, plus optional padding bytes 'P'. */
typedef struct fake {
	size_t pad;
	int trim;      /* unwrap drops bytes beyond Length, as Kerberos RC4 must */
	int fail;
	size_t seen_expected;
} fake;

static hvsnap_status fake_wrap(void *ctx, const unsigned char *plain, size_t len,
                               buf *header, buf *payload, hvsnap_error *err)
{
	fake *f = ctx;
	if (f->fail)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0, "wrap failed");
	hvs_buf_append(header, "HDR!", 4);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)(plain[i] + 1);
		hvs_buf_append(payload, &c, 1);
	}
	for (size_t i = 0; i < f->pad; i++)
		hvs_buf_append(payload, "P", 1);
	return HVSNAP_OK;
}

static hvsnap_status fake_unwrap(void *ctx, const unsigned char *header,
                                 size_t hlen, const unsigned char *payload,
                                 size_t plen, size_t expected, buf *plain,
                                 hvsnap_error *err)
{
	fake *f = ctx;
	f->seen_expected = expected;
	if (hlen != 4 || memcmp(header, "HDR!", 4) != 0)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "message signature check failed");
	size_t n = f->trim && plen > expected ? expected : plen;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(payload[i] - 1);
		hvs_buf_append(plain, &c, 1);
	}
	return HVSNAP_OK;
}

static const char SOAP[] = "<s:Envelope>hi</s:Envelope>"; /* 27 bytes */

static const char EXPECTED_HEAD[] =
	"--Encrypted Boundary\r\n"
	"\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
	"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=27\r\n"
	"--Encrypted Boundary\r\n"
	"\tContent-Type: application/octet-stream\r\n"
	"\x04\x00\x00\x00" "HDR!";
static const char EXPECTED_TAIL[] = "--Encrypted Boundary--\r\n";

static void build(buf *body, fake *f)
{
	hvsnap_error e;
	hvs_buf_reset(body);
	assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
	                 (const unsigned char *)SOAP, strlen(SOAP), fake_wrap, f,
	                 body, &e), HVSNAP_OK);
}

static void test_build_exact_bytes(void **state)
{
	(void)state;
	fake f = { 0 };
	buf body = BUF_INIT;
	build(&body, &f);
	size_t hl = sizeof(EXPECTED_HEAD) - 1, tl = strlen(EXPECTED_TAIL);
	assert_int_equal(body.len, hl + strlen(SOAP) + tl);
	assert_memory_equal(body.data, EXPECTED_HEAD, hl);
	for (size_t i = 0; i < strlen(SOAP); i++)
		assert_int_equal((unsigned char)body.data[hl + i],
		                 (unsigned char)(SOAP[i] + 1));
	/* No CRLF between ciphertext and the closing boundary. */
	assert_memory_equal(body.data + hl + strlen(SOAP), EXPECTED_TAIL, tl);

	/* Length= counts the padding (pypsrp/WinRb for Kerberos RC4). */
	f.pad = 1;
	build(&body, &f);
	assert_non_null(strstr(body.data, "Length=28\r\n"));

	/* Kerberos protocol string. */
	hvsnap_error e;
	hvs_buf_reset(&body);
	assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_KERBEROS,
	                 (const unsigned char *)"", 0, fake_wrap, &f, &body, &e),
	                 HVSNAP_OK);
	assert_non_null(strstr(body.data,
	                "\tContent-Type: application/HTTP-Kerberos-session-encrypted\r\n"));

	/* Wrap failures propagate and leave nothing behind. */
	f.fail = 1;
	hvs_buf_reset(&body);
	assert_int_equal(hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
	                 (const unsigned char *)SOAP, strlen(SOAP), fake_wrap, &f,
	                 &body, &e), HVSNAP_ERR_INTERNAL);
	assert_int_equal(body.len, 0);
	/* Header injection through the protocol string is refused. */
	assert_int_not_equal(hvs_winrm_crypt_build("a\r\nX: y", (const unsigned char *)"",
	                     0, fake_wrap, &f, &body, &e), HVSNAP_OK);
	hvs_buf_free(&body);
}

static void test_content_type(void **state)
{
	(void)state;
	buf ct = BUF_INIT;
	hvsnap_error e;
	assert_int_equal(hvs_winrm_crypt_content_type(WINRM_CRYPT_PROTO_SPNEGO, &ct, &e),
	                 HVSNAP_OK);
	assert_string_equal(ct.data,
	    "multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\";"
	    "boundary=\"Encrypted Boundary\"");
	hvs_buf_free(&ct);

	assert_true(hvs_winrm_crypt_is_encrypted(
	    "multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\";boundary=\"Encrypted Boundary\""));
	assert_true(hvs_winrm_crypt_is_encrypted("Multipart/Encrypted ; protocol=x"));
	assert_true(hvs_winrm_crypt_is_encrypted("multipart/encrypted"));
	assert_false(hvs_winrm_crypt_is_encrypted("application/soap+xml;charset=UTF-8"));
	assert_false(hvs_winrm_crypt_is_encrypted("multipart/encryptedx"));
	assert_false(hvs_winrm_crypt_is_encrypted("multipart/x-multi-encrypted"));
	assert_false(hvs_winrm_crypt_is_encrypted(""));
	assert_false(hvs_winrm_crypt_is_encrypted(NULL));
}

static hvsnap_status parse(const char *body, size_t len, buf *out,
                           hvsnap_error *e)
{
	fake f = { 0 };
	/* Exact-size heap copy so ASan sees any over-read. */
	unsigned char *copy = malloc(len ? len : 1);
	memcpy(copy, body, len);
	hvs_buf_reset(out);
	hvsnap_status st = hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO, copy, len,
	                                     fake_unwrap, &f, out, e);
	free(copy);
	return st;
}

static void test_parse_round_trip_and_variants(void **state)
{
	(void)state;
	fake f = { 0 };
	buf body = BUF_INIT, out = BUF_INIT;
	hvsnap_error e;
	build(&body, &f);
	assert_int_equal(parse(body.data, body.len, &out, &e), HVSNAP_OK);
	assert_string_equal(out.data, SOAP);

	/* Appends after existing content. */
	hvs_buf_append_str(&out, "");
	fake g = { 0 };
	buf acc = BUF_INIT;
	hvs_buf_append_str(&acc, "X");
	assert_int_equal(hvs_winrm_crypt_parse(NULL, (unsigned char *)body.data, body.len,
	                 fake_unwrap, &g, &acc, &e), HVSNAP_OK);
	assert_int_equal(acc.len, 1 + strlen(SOAP));
	assert_int_equal(g.seen_expected, strlen(SOAP));
	hvs_buf_free(&acc);

	/* Exchange's "-- Encrypted Boundary", part headers without TAB, and
	 * a lower-case protocol. */
	buf v = BUF_INIT;
	hvs_buf_append_str(&v,
	    "-- Encrypted Boundary\r\n"
	    "Content-Type: application/http-spnego-session-encrypted\r\n"
	    "OriginalContent: type=application/soap+xml;charset=UTF-8;Length=27\r\n"
	    "-- Encrypted Boundary\r\n"
	    "Content-Type: application/octet-stream\r\n");
	hvs_buf_append(&v, "\x04\x00\x00\x00" "HDR!", 8);
	for (size_t i = 0; i < strlen(SOAP); i++) {
		unsigned char c = (unsigned char)(SOAP[i] + 1);
		hvs_buf_append(&v, &c, 1);
	}
	hvs_buf_append_str(&v, "-- Encrypted Boundary--\r\n");
	assert_int_equal(parse(v.data, v.len, &out, &e), HVSNAP_OK);
	assert_string_equal(out.data, SOAP);
	/* Without the final CRLF. */
	assert_int_equal(parse(v.data, v.len - 2, &out, &e), HVSNAP_OK);

	/* Padding trimmed by the mechanism to Length. */
	f.pad = 1;
	build(&body, &f);
	/* Length=28 counts the pad byte; a trimming mechanism (Kerberos RC4
	 * drops the pad itself) returns exactly Length bytes. */
	fake tr = { .trim = 1 };
	hvs_buf_reset(&out);
	assert_int_equal(hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO,
	                 (unsigned char *)body.data, body.len, fake_unwrap, &tr,
	                 &out, &e), HVSNAP_OK);
	assert_int_equal(tr.seen_expected, 28);
	assert_int_equal(out.len, 28);

	/* Ciphertext containing boundary-like bytes is still framed right. */
	buf w = BUF_INIT;
	const char *tricky = ",,Encrypted Boundary\r\n,,Encrypted Boundary,,\r\n";
	hvsnap_status st = hvs_winrm_crypt_build(WINRM_CRYPT_PROTO_SPNEGO,
	    (const unsigned char *)tricky, strlen(tricky), fake_wrap, &g, &w, &e);
	assert_int_equal(st, HVSNAP_OK);
	assert_int_equal(parse(w.data, w.len, &out, &e), HVSNAP_OK);
	assert_string_equal(out.data, tricky);

	hvs_buf_free(&w);
	hvs_buf_free(&v);
	hvs_buf_free(&body);
	hvs_buf_free(&out);
}

/* Replaces the first occurrence of from[flen] with to[tlen] in a copy of b
 * (explicit lengths: the binary header has NUL bytes). */
static void edit_n(const buf *b, const char *from, size_t flen, const char *to,
                   size_t tlen, buf *out)
{
	hvs_buf_reset(out);
	const char *p = NULL;
	for (size_t i = 0; i + flen <= b->len; i++)
		if (memcmp(b->data + i, from, flen) == 0) {
			p = b->data + i;
			break;
		}
	assert_non_null(p);
	hvs_buf_append(out, b->data, (size_t)(p - b->data));
	hvs_buf_append(out, to, tlen);
	size_t rest = (size_t)(p - b->data) + flen;
	hvs_buf_append(out, b->data + rest, b->len - rest);
}

static void edit(const buf *b, const char *from, const char *to, buf *out)
{
	edit_n(b, from, strlen(from), to, strlen(to), out);
}

static void expect_protocol(const buf *b, const char *why)
{
	buf out = BUF_INIT;
	hvsnap_error e;
	hvsnap_status st = parse(b->data, b->len, &out, &e);
	if (st != HVSNAP_ERR_PROTOCOL)
		fail_msg("expected PROTOCOL for %s, got %d", why, (int)st);
	assert_int_equal(out.len, 0);
	hvs_buf_free(&out);
}

static void test_parse_rejects_malformed(void **state)
{
	(void)state;
	fake f = { 0 };
	buf body = BUF_INIT, m = BUF_INIT;
	build(&body, &f);
	size_t hl = sizeof(EXPECTED_HEAD) - 1;

	edit(&body, "Length=27", "Length=26", &m);
	expect_protocol(&m, "Length mismatch (short)");
	edit(&body, "Length=27", "Length=99999999999999999999999", &m);
	expect_protocol(&m, "Length overflow");
	edit(&body, "Length=27", "Length=", &m);
	expect_protocol(&m, "empty Length");
	edit(&body, "Length=27", "Length=2x7", &m);
	expect_protocol(&m, "Length with junk");
	edit(&body, ";Length=27", "", &m);
	expect_protocol(&m, "no Length");
	edit(&body, "--Encrypted Boundary\r\n", "", &m);
	expect_protocol(&m, "missing first boundary");
	edit(&body, "--Encrypted Boundary\r\n\tContent-Type: application/octet",
	     "\tContent-Type: application/octet", &m);
	expect_protocol(&m, "missing second boundary");
	edit(&body, "--Encrypted Boundary--\r\n", "", &m);
	expect_protocol(&m, "missing closing boundary");
	edit(&body, "HTTP-SPNEGO", "HTTP-Kerberos", &m);
	expect_protocol(&m, "wrong protocol");
	edit(&body, "octet-stream", "soap+xml", &m);
	expect_protocol(&m, "wrong second part type");
	edit_n(&body, "\x04\x00\x00\x00" "HDR!", 8, "\xff\x00\x00\x00" "HDR!", 8, &m);
	expect_protocol(&m, "header_len larger than body");
	edit_n(&body, "\x04\x00\x00\x00" "HDR!", 8, "\xff\xff\xff\xff" "HDR!", 8, &m);
	expect_protocol(&m, "header_len huge");
	edit_n(&body, "\x04\x00\x00\x00" "HDR!", 8, "\x04\x00\x00\x00" "XXXX", 8, &m);
	expect_protocol(&m, "unwrap failure");

	/* Truncated header_len: fewer than 4 bytes before the close. */
	buf t = BUF_INIT;
	hvs_buf_append(&t, body.data, hl - 6);
	hvs_buf_append_str(&t, "--Encrypted Boundary--\r\n");
	expect_protocol(&t, "truncated header_len");
	hvs_buf_free(&t);

	/* Every truncation of a valid body fails cleanly. */
	for (size_t l = 0; l < body.len - 2; l++) {
		hvs_buf_reset(&m);
		hvs_buf_append(&m, body.data, l);
		expect_protocol(&m, "truncated body");
	}
	hvs_buf_reset(&m);
	expect_protocol(&m, "empty body");
	hvs_buf_free(&body);
	hvs_buf_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_exact_bytes),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_parse_round_trip_and_variants),
		cmocka_unit_test(test_parse_rejects_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
