/* MD4 and RC4 for NTLM. OpenSSL 3 keeps both in its "legacy" provider, which
 * is often absent or not activated; we load it into a private OSSL_LIB_CTX
 * (never the default context, never the system configuration) and fall back
 * to a small internal implementation when it cannot be loaded. */
#ifndef HVSNAP_AUTH_LEGACY_CRYPTO_H
#define HVSNAP_AUTH_LEGACY_CRYPTO_H

#include <stddef.h>

/* Which implementation to use. AUTO prefers the provider, else INTERNAL;
 * the explicit ones exist so tests can compare the two. */
typedef enum legacy_impl {
	LEGACY_IMPL_AUTO = 0,
	LEGACY_IMPL_PROVIDER,
	LEGACY_IMPL_INTERNAL
} legacy_impl;

/* 1 when OpenSSL's legacy provider could be loaded into the private library
 * context (tried once per process, thread-safe), else 0. */
int hvs_legacy_provider_available(void);

/* MD4 (RFC 1320) of data; 0 on success, -1 on failure (PROVIDER requested
 * but unavailable, or an OpenSSL error). */
int hvs_legacy_md4(legacy_impl impl, const void *data, size_t len,
               unsigned char out[16]);

/* An RC4 keystream that continues across calls: NTLM's connection-oriented
 * sealing keeps one per direction for the whole session. */
typedef struct legacy_rc4 legacy_rc4;

/* NULL on failure. keylen must be 1..256. */
legacy_rc4 *hvs_legacy_rc4_new(legacy_impl impl, const unsigned char *key,
                           size_t keylen);
/* XORs len bytes of keystream over in into out (in == out is allowed);
 * 0 on success, -1 on failure. */
int hvs_legacy_rc4_update(legacy_rc4 *r, const unsigned char *in,
                      unsigned char *out, size_t len);
/* Wipes the key schedule; r may be NULL. */
void hvs_legacy_rc4_free(legacy_rc4 *r);

/* One-shot RC4 with a fresh key (NTLM's RC4K for the exchanged key). */
int hvs_legacy_rc4_oneshot(legacy_impl impl, const unsigned char *key,
                       size_t keylen, const unsigned char *in,
                       unsigned char *out, size_t len);

#endif
