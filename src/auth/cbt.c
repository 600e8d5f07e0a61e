/* tls-server-end-point channel bindings and their NTLM hash. The hash
 * choice must match what Windows http.sys computes from the same
 * certificate, or a CBT-enforcing host rejects the login. */
#include "auth/cbt.h"

#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "auth/md5.h"
#include "util/err.h"

static const EVP_MD *endpoint_digest(X509 *x)
{
	int mdnid = NID_undef, pknid = NID_undef;
	/* X509_get_signature_info also understands RSA-PSS parameters. */
	if (!X509_get_signature_info(x, &mdnid, &pknid, NULL, NULL) &&
	    !OBJ_find_sigid_algs(X509_get_signature_nid(x), &mdnid, &pknid))
		mdnid = NID_undef;
	if (mdnid == NID_undef || mdnid == NID_md5 || mdnid == NID_sha1 ||
	    mdnid == NID_md5_sha1)
		return EVP_sha256();
	const EVP_MD *md = EVP_get_digestbynid(mdnid);
	return md ? md : EVP_sha256();
}

hvsnap_status hvs_cbt_tls_server_end_point(const unsigned char *der, size_t len,
                                       buf *out, hvsnap_error *err)
{
	if (!der || len == 0 || len > (size_t)INT32_MAX)
		return hvs_err_set(err, HVSNAP_ERR_TLS, 0,
		               "no server certificate for channel binding");
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		return hvs_err_set(err, HVSNAP_ERR_TLS, 0,
		               "cannot parse the server certificate for channel "
		               "binding");
	}
	const EVP_MD *md = endpoint_digest(x);
	X509_free(x);
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	if (!EVP_Digest(der, len, h, &hl, md, NULL))
		return hvs_err_set(err, HVSNAP_ERR_TLS, 0,
		               "cannot hash the server certificate");
	if (hvs_buf_append_str(out, CBT_PREFIX) != 0 || hvs_buf_append(out, h, hl) != 0)
		return hvs_err_nomem(err);
	return HVSNAP_OK;
}

hvsnap_status hvs_cbt_ntlm_hash(const unsigned char *app, size_t len,
                            unsigned char out[16], hvsnap_error *err)
{
	if (len > UINT32_MAX)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "channel binding data too large");
	/* initiator addrtype, initiator address length, acceptor addrtype,
	 * acceptor address length: all zero; then the application data length.
	 * Little-endian, as gss_channel_bindings_struct is serialized by SSPI
	 * and MIT alike. */
	unsigned char hdr[20] = { 0 };
	for (int i = 0; i < 4; i++)
		hdr[16 + i] = (unsigned char)((uint64_t)len >> (8 * i));
	hvs_iov v[2] = { { hdr, sizeof(hdr) }, { app, len } };
	int ok = hvs_md5v(v, 2, out) == 0;
	if (!ok)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "MD5 unavailable (OpenSSL FIPS mode?)");
	return HVSNAP_OK;
}
