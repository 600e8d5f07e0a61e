/* MD4 and RC4 for NTLM: OpenSSL's legacy provider in a private library
 * context when it loads, otherwise our own RFC 1320 MD4 and RC4. Nothing
 * here touches the default OpenSSL context, so the rest of the process
 * (libcurl's TLS included) keeps the system's provider set. */
#include "auth/legacy_crypto.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

/* ---- private OpenSSL library context --------------------------------- */

static pthread_once_t provider_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *provider_ctx;     /* lives for the whole process */
static EVP_MD *provider_md4;
static EVP_CIPHER *provider_rc4;

static void provider_try_load(void)
{
	/* A fresh context reads no configuration file, so the system's
	 * openssl.cnf neither helps nor hurts here. */
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
	if (!ctx)
		return;
	if (!OSSL_PROVIDER_load(ctx, "legacy")) {
		OSSL_LIB_CTX_free(ctx);
		return;
	}
	EVP_MD *md = EVP_MD_fetch(ctx, "MD4", NULL);
	EVP_CIPHER *ci = EVP_CIPHER_fetch(ctx, "RC4", NULL);
	if (!md || !ci) {
		EVP_MD_free(md);
		EVP_CIPHER_free(ci);
		OSSL_LIB_CTX_free(ctx); /* also unloads the provider */
		return;
	}
	provider_ctx = ctx;
	provider_md4 = md;
	provider_rc4 = ci;
}

static void provider_init(void)
{
	/* A missing legacy.so is expected, not an error: leave the thread's
	 * OpenSSL error queue as we found it, or libcurl would later report
	 * our failed load as the cause of an unrelated TLS error. */
	ERR_set_mark();
	provider_try_load();
	ERR_pop_to_mark();
}

int hvs_legacy_provider_available(void)
{
	pthread_once(&provider_once, provider_init);
	return provider_ctx != NULL;
}

static int resolve(legacy_impl *impl)
{
	if (*impl == LEGACY_IMPL_INTERNAL)
		return 0;
	int have = hvs_legacy_provider_available();
	if (*impl == LEGACY_IMPL_PROVIDER)
		return have ? 0 : -1;
	*impl = have ? LEGACY_IMPL_PROVIDER : LEGACY_IMPL_INTERNAL;
	return 0;
}

/* ---- internal MD4, written from RFC 1320 ----------------------------- */

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

static void md4_internal(const unsigned char *p, size_t len,
                         unsigned char out[16])
{
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

int hvs_legacy_md4(legacy_impl impl, const void *data, size_t len,
               unsigned char out[16])
{
	if (resolve(&impl) != 0)
		return -1;
	if (impl == LEGACY_IMPL_INTERNAL) {
		md4_internal(data, len, out);
		return 0;
	}
	unsigned int n = 0;
	if (!EVP_Digest(data, len, out, &n, provider_md4, NULL) || n != 16)
		return -1;
	return 0;
}

/* ---- RC4 ---------------------------------------------------------------- */

struct legacy_rc4 {
	legacy_impl impl;
	EVP_CIPHER_CTX *evp;     /* PROVIDER */
	unsigned char s[256];    /* INTERNAL: state per the classic KSA/PRGA */
	unsigned char i, j;
};

legacy_rc4 *hvs_legacy_rc4_new(legacy_impl impl, const unsigned char *key,
                           size_t keylen)
{
	if (keylen == 0 || keylen > 256 || resolve(&impl) != 0)
		return NULL;
	legacy_rc4 *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->impl = impl;
	if (impl == LEGACY_IMPL_PROVIDER) {
		r->evp = EVP_CIPHER_CTX_new();
		if (!r->evp ||
		    !EVP_CipherInit_ex2(r->evp, provider_rc4, NULL, NULL, 1, NULL) ||
		    !EVP_CIPHER_CTX_set_key_length(r->evp, (int)keylen) ||
		    !EVP_CipherInit_ex2(r->evp, NULL, key, NULL, 1, NULL)) {
			hvs_legacy_rc4_free(r);
			return NULL;
		}
		return r;
	}
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

int hvs_legacy_rc4_update(legacy_rc4 *r, const unsigned char *in,
                      unsigned char *out, size_t len)
{
	if (r->impl == LEGACY_IMPL_PROVIDER) {
		while (len > 0) {
			int chunk = len > (size_t)INT_MAX / 2 ? INT_MAX / 2 : (int)len;
			int outl = 0;
			if (!EVP_CipherUpdate(r->evp, out, &outl, in, chunk) ||
			    outl != chunk)
				return -1;
			in += chunk;
			out += chunk;
			len -= (size_t)chunk;
		}
		return 0;
	}
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
	return 0;
}

void hvs_legacy_rc4_free(legacy_rc4 *r)
{
	if (!r)
		return;
	EVP_CIPHER_CTX_free(r->evp); /* cleanses its own key material */
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
}

int hvs_legacy_rc4_oneshot(legacy_impl impl, const unsigned char *key,
                       size_t keylen, const unsigned char *in,
                       unsigned char *out, size_t len)
{
	legacy_rc4 *r = hvs_legacy_rc4_new(impl, key, keylen);
	if (!r)
		return -1;
	int rc = hvs_legacy_rc4_update(r, in, out, len);
	hvs_legacy_rc4_free(r);
	return rc;
}
