/* MD5 and HMAC-MD5 through OpenSSL with the algorithms fetched once: see
 * md5.h for why. The fetched objects live for the whole process, like
 * OpenSSL's own default context; a failed fetch (FIPS mode) is remembered
 * and every call then reports -1. */
#include "auth/md5.h"

#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static EVP_MD *md5_md;
/* HMAC with its digest already set: each call copies it and only keys it,
 * so no call fetches anything. */
static EVP_MAC_CTX *hmac_md5_template;

static void fetch_algorithms(void)
{
	/* A refused fetch (FIPS) must not leave errors behind for libcurl to
	 * report later as the cause of something unrelated. */
	ERR_set_mark();
	md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *m = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac); /* the context keeps its own reference */
	char digest[] = "MD5";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end()
	};
	if (m && EVP_MAC_CTX_set_params(m, params))
		hmac_md5_template = m;
	else
		EVP_MAC_CTX_free(m);
	ERR_pop_to_mark();
}

int hvs_md5v(const hvs_iov *v, size_t nv, unsigned char out[16])
{
	pthread_once(&fetch_once, fetch_algorithms);
	if (!md5_md)
		return -1;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok = c && EVP_DigestInit_ex(c, md5_md, NULL);
	for (size_t i = 0; ok && i < nv; i++)
		if (v[i].n)
			ok = EVP_DigestUpdate(c, v[i].p, v[i].n);
	ok = ok && EVP_DigestFinal_ex(c, out, &n) && n == 16;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int hvs_hmac_md5(const unsigned char *key, size_t klen, const hvs_iov *v,
                 size_t nv, unsigned char out[16])
{
	pthread_once(&fetch_once, fetch_algorithms);
	if (!hmac_md5_template)
		return -1;
	EVP_MAC_CTX *m = EVP_MAC_CTX_dup(hmac_md5_template);
	size_t outl = 0;
	int ok = m && EVP_MAC_init(m, key, klen, NULL);
	for (size_t i = 0; ok && i < nv; i++)
		if (v[i].n)
			ok = EVP_MAC_update(m, v[i].p, v[i].n);
	ok = ok && EVP_MAC_final(m, out, &outl, 16) && outl == 16;
	EVP_MAC_CTX_free(m); /* wipes the keyed state */
	return ok ? 0 : -1;
}
