/* MD4 (RFC 1320) and RC4 for NTLM, written here: see legacy_crypto.h for
 * why not OpenSSL's legacy provider. */
#include "auth/legacy_crypto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* ---- MD4 ------------------------------------------------------------------ */

static uint32_t rol32(uint32_t x, unsigned s)
{
	return (x << s) | (x >> (32 - s));
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void md4_block(uint32_t st[4], const unsigned char blk[64])
{
	uint32_t x[16];
	for (int i = 0; i < 16; i++)
		x[i] = le32(blk + 4 * i);
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];

	static const unsigned r1s[4] = { 3, 7, 11, 19 };
	for (int i = 0; i < 16; i++) {
		uint32_t f = (b & c) | (~b & d);
		uint32_t t = rol32(a + f + x[i], r1s[i % 4]);
		a = d; d = c; c = b; b = t;
	}
	static const unsigned r2k[16] = { 0, 4, 8, 12, 1, 5, 9, 13,
	                                  2, 6, 10, 14, 3, 7, 11, 15 };
	static const unsigned r2s[4] = { 3, 5, 9, 13 };
	for (int i = 0; i < 16; i++) {
		uint32_t g = (b & c) | (b & d) | (c & d);
		uint32_t t = rol32(a + g + x[r2k[i]] + 0x5A827999u, r2s[i % 4]);
		a = d; d = c; c = b; b = t;
	}
	static const unsigned r3k[16] = { 0, 8, 4, 12, 2, 10, 6, 14,
	                                  1, 9, 5, 13, 3, 11, 7, 15 };
	static const unsigned r3s[4] = { 3, 9, 11, 15 };
	for (int i = 0; i < 16; i++) {
		uint32_t h = b ^ c ^ d;
		uint32_t t = rol32(a + h + x[r3k[i]] + 0x6ED9EBA1u, r3s[i % 4]);
		a = d; d = c; c = b; b = t;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	/* The input is often a password hash preimage. */
	OPENSSL_cleanse(x, sizeof(x));
}

void hvs_legacy_md4(const void *data, size_t len, unsigned char out[16])
{
	const unsigned char *p = data;
	uint32_t st[4] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u };
	uint64_t bits = (uint64_t)len * 8;
	while (len >= 64) {
		md4_block(st, p);
		p += 64;
		len -= 64;
	}
	unsigned char tail[128];
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p, len);
	tail[len] = 0x80;
	size_t tlen = len < 56 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tlen - 8 + i] = (unsigned char)(bits >> (8 * i));
	md4_block(st, tail);
	if (tlen == 128)
		md4_block(st, tail + 64);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(st[i] >> (8 * j));
	OPENSSL_cleanse(tail, sizeof(tail));
	OPENSSL_cleanse(st, sizeof(st));
}

/* ---- RC4 ---------------------------------------------------------------- */

struct legacy_rc4 {
	unsigned char s[256];    /* state per the classic KSA/PRGA */
	unsigned char i, j;
};

legacy_rc4 *hvs_legacy_rc4_new(const unsigned char *key, size_t keylen)
{
	if (keylen == 0 || keylen > 256)
		return NULL;
	legacy_rc4 *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	for (int k = 0; k < 256; k++)
		r->s[k] = (unsigned char)k;
	unsigned char j = 0;
	for (int k = 0; k < 256; k++) {
		j = (unsigned char)(j + r->s[k] + key[(size_t)k % keylen]);
		unsigned char t = r->s[k];
		r->s[k] = r->s[j];
		r->s[j] = t;
	}
	return r;
}

void hvs_legacy_rc4_update(legacy_rc4 *r, const unsigned char *in,
                           unsigned char *out, size_t len)
{
	unsigned char i = r->i, j = r->j;
	for (size_t n = 0; n < len; n++) {
		i = (unsigned char)(i + 1);
		j = (unsigned char)(j + r->s[i]);
		unsigned char t = r->s[i];
		r->s[i] = r->s[j];
		r->s[j] = t;
		out[n] = in[n] ^ r->s[(unsigned char)(r->s[i] + r->s[j])];
	}
	r->i = i;
	r->j = j;
}

void hvs_legacy_rc4_free(legacy_rc4 *r)
{
	if (!r)
		return;
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
}

int hvs_legacy_rc4_oneshot(const unsigned char *key, size_t keylen,
                           const unsigned char *in, unsigned char *out, size_t len)
{
	legacy_rc4 *r = hvs_legacy_rc4_new(key, keylen);
	if (!r)
		return -1;
	hvs_legacy_rc4_update(r, in, out, len);
	hvs_legacy_rc4_free(r);
	return 0;
}
