/* MD4 and RC4 for NTLM, implemented here (RFC 1320; the classic RC4).
 * OpenSSL 3 keeps both only in its "legacy" provider, which is often
 * absent or not activated. Loading it into a private OSSL_LIB_CTX works
 * but costs a second library context: 3.4 M instructions, about 8 % of a
 * whole `hvsnap create` (docs/benchmarks.md). Both algorithms are a few
 * dozen lines; the unit tests compare them with OpenSSL's legacy provider
 * where it is installed, and with the RFC vectors everywhere. */
#ifndef HVSNAP_AUTH_LEGACY_CRYPTO_H
#define HVSNAP_AUTH_LEGACY_CRYPTO_H

#include <stddef.h>

/* MD4 of data. */
void hvs_legacy_md4(const void *data, size_t len, unsigned char out[16]);

/* An RC4 keystream that continues across calls: NTLM's connection-oriented
 * sealing keeps one per direction for the whole session. */
typedef struct legacy_rc4 legacy_rc4;

/* NULL when keylen is not 1..256 or memory runs out. */
legacy_rc4 *hvs_legacy_rc4_new(const unsigned char *key, size_t keylen);
/* XORs len bytes of keystream over in into out (in == out is allowed). */
void hvs_legacy_rc4_update(legacy_rc4 *r, const unsigned char *in,
                           unsigned char *out, size_t len);
/* Wipes the key schedule; r may be NULL. */
void hvs_legacy_rc4_free(legacy_rc4 *r);

/* One-shot RC4 with a fresh key (NTLM's RC4K for the exchanged key):
 * 0, or -1 when keylen is not 1..256 or memory runs out. */
int hvs_legacy_rc4_oneshot(const unsigned char *key, size_t keylen,
                           const unsigned char *in, unsigned char *out, size_t len);

#endif
