/* MD5 and HMAC-MD5 over several pieces of memory, for NTLM and channel
 * binding. OpenSSL computes them; the algorithms are fetched once per
 * process, because an OpenSSL 3 fetch costs more than the hashing itself
 * (a session makes dozens of these calls: two per sealed message). */
#ifndef HVSNAP_AUTH_MD5_H
#define HVSNAP_AUTH_MD5_H

#include <stddef.h>

/* One piece of the input; pieces are hashed in order. n may be 0. */
typedef struct hvs_iov {
	const void *p;
	size_t n;
} hvs_iov;

/* MD5 of the concatenated pieces. 0, or -1 when OpenSSL has no MD5
 * (FIPS mode). Thread-safe. */
int hvs_md5v(const hvs_iov *v, size_t nv, unsigned char out[16]);

/* HMAC-MD5 with KEY of the concatenated pieces. 0 or -1, as hvs_md5v. */
int hvs_hmac_md5(const unsigned char *key, size_t klen, const hvs_iov *v,
                 size_t nv, unsigned char out[16]);

#endif
