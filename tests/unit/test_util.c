/* Unit tests for the generic helpers: buffers, base64, UUIDs, platform randomness, strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/casefold.h"
#include "util/err.h"
#include "util/strutil.h"
#include "util/uuid.h"

static void test_buf_grows_and_formats(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(hvs_buf_printf(&b, "%d,", i), 0);
	assert_true(b.len > 3000);
	assert_memory_equal(b.data, "0,1,2,", 6);
	assert_int_equal(b.data[b.len], '\0');
	char *s = hvs_buf_detach(&b);
	assert_null(b.data);
	free(s);
}

static void test_base64_round_trip(void **state)
{
	(void)state;
	const char *cases[][2] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" }, { "demo:demo", "ZGVtbzpkZW1v" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = hvs_base64_encode(cases[i][0], strlen(cases[i][0]));
		assert_string_equal(e, cases[i][1]);
		size_t n;
		unsigned char *d = hvs_base64_decode(e, strlen(e), &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(cases[i][0]));
		assert_memory_equal(d, cases[i][0], n);
		free(d);
		free(e);
	}
	size_t n;
	assert_null(hvs_base64_decode("Zg=", 3, &n));
	assert_null(hvs_base64_decode("Z$==", 4, &n));
	assert_null(hvs_base64_decode("Zg==Zg==", 8, &n)); /* padding mid-stream */
}

static void test_uuid_shape(void **state)
{
	(void)state;
	char a[UUID_STR_LEN], b[UUID_STR_LEN];
	assert_int_equal(hvs_uuid_random(a), 0);
	assert_int_equal(hvs_uuid_random(b), 0);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '4');
	assert_true(strchr("89ab", a[19]) != NULL);
	assert_string_not_equal(a, b);
}

/* Every byte of a large request is filled (a short read of the kernel's
 * source must be continued, not returned), and a zero length is fine. */
static void test_platform_random_fills_everything(void **state)
{
	(void)state;
	enum { N = 100000, CHUNK = 16 };
	unsigned char *a = calloc(1, N), *b = calloc(1, N);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(hvs_platform_random(a, N), 0);
	assert_int_equal(hvs_platform_random(b, N), 0);
	static const unsigned char zero[CHUNK];
	/* each 16-byte chunk is all zero with probability 2^-128 */
	for (size_t off = 0; off < N; off += CHUNK)
		assert_memory_not_equal(a + off, zero, CHUNK);
	assert_memory_not_equal(a, b, N);
	assert_int_equal(hvs_platform_random(a, 0), 0);
	free(a);
	free(b);
}

static void test_str_to_u64_is_strict(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(hvs_str_to_u64("4096", UINT32_MAX, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(hvs_str_to_u64("4294967296", UINT32_MAX, &v), -1);
	assert_int_equal(hvs_str_to_u64("-1", UINT32_MAX, &v), -1);
	assert_int_equal(hvs_str_to_u64(" 1", UINT32_MAX, &v), -1);
	assert_int_equal(hvs_str_to_u64("", UINT32_MAX, &v), -1);
	/* a digit above a one-digit max must not wrap max - d */
	assert_int_equal(hvs_str_to_u64("7", 2, &v), -1);
	assert_int_equal(hvs_str_to_u64("2", 2, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(hvs_str_to_u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_int_equal(hvs_str_to_u64("18446744073709551616", UINT64_MAX, &v), -1);
	assert_true(hvs_str_case_eq("Microsoft:ABC", "microsoft:abc"));
	assert_false(hvs_str_case_eq("abc", "abcd"));
}

/* Names compare without case like on Windows, across the scripts VM names
 * are written in, and without the locale. */
static void test_utf8_case_eq(void **state)
{
	(void)state;
	assert_true(hvs_utf8_case_eq("web01", "WEB01"));
	assert_true(hvs_utf8_case_eq("\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89"));    /* été ÉTÉ */
	assert_true(hvs_utf8_case_eq("\xcf\x89", "\xce\xa9"));                      /* ω Ω */
	assert_true(hvs_utf8_case_eq("\xd0\xb6\xd1\x83\xd0\xba", "\xd0\x96\xd0\xa3\xd0\x9a")); /* жук ЖУК */
	assert_true(hvs_utf8_case_eq("\xd1\x91", "\xd0\x81"));                      /* ё Ё */
	assert_true(hvs_utf8_case_eq("\xc5\x82", "\xc5\x81"));                      /* ł Ł */
	assert_true(hvs_utf8_case_eq("\xc3\xbf", "\xc5\xb8"));                      /* ÿ Ÿ */
	assert_false(hvs_utf8_case_eq("\xc3\x97", "\xc3\xb7"));                     /* × is not ÷ */
	assert_false(hvs_utf8_case_eq("web01", "web1"));
	assert_false(hvs_utf8_case_eq("web01", "web01 "));
	assert_true(hvs_utf8_case_eq("\xff" "A", "\xff" "a"));                        /* bad bytes equal */
	assert_false(hvs_utf8_case_eq("\xff", "\xfe"));
	assert_true(hvs_utf8_case_eq(NULL, NULL));
	assert_false(hvs_utf8_case_eq("a", NULL));
}

static void test_err_set_truncates(void **state)
{
	(void)state;
	hvsnap_error e;
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(hvs_err_set(&e, HVSNAP_ERR_PROTOCOL, 7, "%s", big), HVSNAP_ERR_PROTOCOL);
	assert_int_equal(strlen(e.message), sizeof(e.message) - 1);
	/* Cut inside a two-byte character: the partial byte must go. */
	char accents[1200];
	for (size_t i = 0; i + 1 < sizeof(accents); i += 2) {
		accents[i] = (char)0xc3;
		accents[i + 1] = (char)0xa9; /* é */
	}
	accents[sizeof(accents) - 1] = '\0';
	hvs_err_set(&e, HVSNAP_ERR_FAULT, 0, "x%s", accents);
	size_t n = strlen(e.message);
	assert_true(n < sizeof(e.message));
	assert_int_equal(n % 2, 1); /* "x" + whole two-byte characters */
	assert_int_equal((unsigned char)e.message[n - 1], 0xa9);
	hvs_err_set(&e, HVSNAP_ERR_FAULT, 0, "x");
	hvs_err_add_detail(&e, "a=%d", 1);
	hvs_err_add_detail(&e, "b=%d", 2);
	assert_string_equal(e.detail, "a=1; b=2");
	assert_string_equal(hvsnap_status_name(HVSNAP_ERR_NOT_FOUND), "not_found");
	assert_int_equal(hvs_err_set(NULL, HVSNAP_ERR_AUTH, 0, "x"), HVSNAP_ERR_AUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_formats),
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_uuid_shape),
		cmocka_unit_test(test_platform_random_fills_everything),
		cmocka_unit_test(test_str_to_u64_is_strict),
		cmocka_unit_test(test_err_set_truncates),
		cmocka_unit_test(test_utf8_case_eq),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
