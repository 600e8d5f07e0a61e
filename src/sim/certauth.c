/* Client-certificate authentication over https, WinRM's https/mutual
 * security profile. TLS itself proves the client holds the certificate's
 * key; what is left is what WinRM adds on top: the certificate must chain
 * to a trusted issuer (auth.client_ca, standing in for the CA named in
 * winrm/config/service/certmapping) and must map to a local account. Like
 * WinRM's certificate mapping, the account comes from the UPN in the
 * subjectAltName (otherName 1.3.6.1.4.1.311.20.2.3), never from the
 * subject CN; a scenario user may instead pin one exact certificate. The
 * TLS layer is libmicrohttpd's GnuTLS session, so this is the one file
 * that speaks GnuTLS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "model.h"
#include "util/strutil.h"

#define OID_SUBJECT_ALT_NAME "2.5.29.17"

/* The whole file, NUL-terminated, as GnuTLS' PEM readers want it. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	buf b = BUF_INIT;
	char tmp[4096];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (hvs_buf_append(&b, tmp, n) != 0)
			break;
	fclose(f);
	*len = b.len;
	return hvs_buf_detach(&b);
}

static char *fmt_err(const char *key, const char *path, const char *why)
{
	char tmp[1200];
	snprintf(tmp, sizeof(tmp), "%s: %s: %s", key, path, why);
	return hvs_str_dup(tmp);
}

/* The CA bundle must hold at least one certificate: an empty or mistyped
 * file would otherwise make every client certificate fail at run time,
 * far from the cause. */
static int load_ca(sim_scenario *sc, char **err)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0, i;
	size_t len = 0;
	gnutls_datum_t d;
	int rc;
	char *pem = slurp(sc->client_ca, &len);
	if (!pem || !len) {
		free(pem);
		*err = fmt_err("auth.client_ca", sc->client_ca, "cannot read it");
		return -1;
	}
	d.data = (unsigned char *)pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0 || n == 0) {
		free(pem);
		*err = fmt_err("auth.client_ca", sc->client_ca,
		               rc < 0 ? gnutls_strerror(rc) : "no PEM certificate in it");
		return -1;
	}
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	sc->client_ca_pem = pem;
	return 0;
}

static int load_user_cert(sim_user *u, size_t idx, char **err)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d, der = { NULL, 0 };
	size_t len = 0;
	char key[64];
	int rc;
	char *pem = slurp(u->certificate, &len);
	snprintf(key, sizeof(key), "users[%zu].certificate", idx);
	if (!pem || !len) {
		free(pem);
		*err = fmt_err(key, u->certificate, "cannot read it");
		return -1;
	}
	d.data = (unsigned char *)pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crt_init(&crt);
	if (rc == 0) {
		rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
		if (rc == 0)
			rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
		gnutls_x509_crt_deinit(crt);
	}
	free(pem);
	if (rc < 0) {
		*err = fmt_err(key, u->certificate, gnutls_strerror(rc));
		return -1;
	}
	u->cert_der = malloc(der.size);
	if (!u->cert_der)
		abort();
	memcpy(u->cert_der, der.data, der.size);
	u->cert_der_len = der.size;
	gnutls_free(der.data);
	return 0;
}

int cert_init(sim_ctx *ctx, char **err)
{
	sim_scenario *sc = ctx->sc;
	size_t i;
	*err = NULL;
	if (sc->client_ca && load_ca(sc, err) != 0)
		return -1;
	for (i = 0; i < sc->nusers; i++)
		if (sc->users[i].certificate &&
		    load_user_cert(&sc->users[i], i, err) != 0)
			return -1;
	return 0;
}

/* The UPN of the certificate's subjectAltName, or "" when it has none. */
static void cert_upn(gnutls_x509_crt_t crt, char *out, size_t outlen)
{
	gnutls_datum_t ext = { NULL, 0 };
	gnutls_subject_alt_names_t sans = NULL;
	unsigned crit = 0, i, type;
	out[0] = '\0';
	if (gnutls_x509_crt_get_extension_by_oid2(crt, OID_SUBJECT_ALT_NAME, 0,
	                                          &ext, &crit) < 0)
		return;
	if (gnutls_subject_alt_names_init(&sans) < 0)
		goto done;
	if (gnutls_x509_ext_import_subject_alt_names(&ext, sans, 0) < 0)
		goto done;
	for (i = 0;; i++) {
		gnutls_datum_t san, oid, virt = { NULL, 0 };
		unsigned vtype = 0;
		if (gnutls_subject_alt_names_get(sans, i, &type, &san, &oid) < 0)
			break;
		if (type != GNUTLS_SAN_OTHERNAME || !oid.data)
			continue;
		if (gnutls_x509_othername_to_virtual((const char *)oid.data, &san,
		                                     &vtype, &virt) < 0)
			continue;
		if (vtype == GNUTLS_SAN_OTHERNAME_MSUSERPRINCIPAL &&
		    virt.size < outlen && !memchr(virt.data, '\0', virt.size)) {
			memcpy(out, virt.data, virt.size);
			out[virt.size] = '\0';
			gnutls_free(virt.data);
			break;
		}
		gnutls_free(virt.data);
	}
done:
	if (sans)
		gnutls_subject_alt_names_deinit(sans);
	gnutls_free(ext.data);
}

/* WinRM maps a UPN "user@domain" to a local account; Microsoft's own
 * recipe for local accounts writes the UPN as user@localhost, so that
 * domain is accepted next to the user's domain and the host name. */
static const sim_user *user_by_upn(sim_ctx *ctx, const char *upn)
{
	const char *at = strrchr(upn, '@');
	char name[256];
	size_t i;
	if (!at || at == upn)
		return NULL;
	if (!hvs_str_case_eq(at + 1, "localhost"))
		return auth_find_user(ctx, upn);
	if ((size_t)(at - upn) >= sizeof(name))
		return NULL;
	memcpy(name, upn, (size_t)(at - upn));
	name[at - upn] = '\0';
	for (i = 0; i < ctx->sc->nusers; i++)
		if (hvs_str_case_eq(ctx->sc->users[i].name, name))
			return &ctx->sc->users[i];
	return NULL;
}

const sim_user *cert_map(sim_ctx *ctx, const sim_conn *conn, char *why,
                         size_t whylen)
{
	gnutls_session_t s = conn->tls_session;
	const gnutls_datum_t *peers;
	unsigned npeers = 0, status = 0;
	gnutls_typed_vdata_st purpose;
	gnutls_x509_crt_t crt;
	char upn[256];
	const sim_user *u = NULL;
	size_t i;
	int rc;

	if (!s || !ctx->sc->client_ca_pem) {
		snprintf(why, whylen, "no client CA configured (auth.client_ca)");
		return NULL;
	}
	peers = gnutls_certificate_get_peers(s, &npeers);
	if (!peers || npeers == 0 ||
	    gnutls_certificate_type_get(s) != GNUTLS_CRT_X509) {
		snprintf(why, whylen, "the client sent no certificate");
		return NULL;
	}
	/* Chain to auth.client_ca (the trust MHD was given), validity dates,
	 * and, when the certificate restricts its use, Client Authentication,
	 * which Windows also demands of a mapped certificate. */
	memset(&purpose, 0, sizeof(purpose));
	purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
	purpose.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT;
	rc = gnutls_certificate_verify_peers(s, &purpose, 1, &status);
	if (rc < 0 || status != 0) {
		gnutls_datum_t txt = { NULL, 0 };
		if (rc >= 0 && gnutls_certificate_verification_status_print(
		                   status, GNUTLS_CRT_X509, &txt, 0) == 0) {
			size_t n = strlen((const char *)txt.data);
			while (n && txt.data[n - 1] == ' ')
				txt.data[--n] = '\0'; /* GnuTLS ends each reason with one */
			snprintf(why, whylen, "the client certificate does not verify "
			         "(issued by auth.client_ca, in its validity period, fit "
			         "for client authentication): %s", (const char *)txt.data);
			gnutls_free(txt.data);
		} else {
			snprintf(why, whylen, "the client certificate does not verify: %s",
			         rc < 0 ? gnutls_strerror(rc) : "unknown reason");
		}
		return NULL;
	}
	/* A pinned certificate names its user outright. */
	for (i = 0; i < ctx->sc->nusers; i++) {
		const sim_user *p = &ctx->sc->users[i];
		if (p->cert_der && p->cert_der_len == peers[0].size &&
		    memcmp(p->cert_der, peers[0].data, peers[0].size) == 0)
			return p;
	}
	if (gnutls_x509_crt_init(&crt) < 0) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	rc = gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		snprintf(why, whylen, "the client certificate cannot be parsed: %s",
		         gnutls_strerror(rc));
		gnutls_x509_crt_deinit(crt);
		return NULL;
	}
	cert_upn(crt, upn, sizeof(upn));
	gnutls_x509_crt_deinit(crt);
	if (!upn[0]) {
		snprintf(why, whylen, "the client certificate has no UPN in its "
		         "subjectAltName and pins no user (users[].certificate)");
		return NULL;
	}
	u = user_by_upn(ctx, upn);
	/* a user who pins a certificate is reached only through it */
	if (u && u->cert_der)
		u = NULL;
	if (!u)
		snprintf(why, whylen, "the client certificate's UPN %s maps to no "
		         "scenario user", upn);
	return u;
}
