/* The HTTP transport: POSTs over one libcurl easy handle per session, so
 * that one keep-alive connection carries a whole NTLM/Kerberos handshake and
 * the sealed messages after it. TLS trust, timeouts, response size caps and
 * the mapping of curl failures to hvsnap statuses live here.
 *
 * Proxies are left to libcurl's defaults (http_proxy, https_proxy, no_proxy
 * from the environment). NTLM is bound to one TCP connection, so users who
 * reach a host through a proxy that does not keep the client connection
 * pinned to one server connection must list the host in no_proxy. */
#include "http/transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/err.h"
#include "util/strutil.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 30000L
#define DEFAULT_TIMEOUT_MS 60000L
#define DEFAULT_MAX_RESPONSE_BYTES ((size_t)32 * 1024 * 1024)
#define MAX_WWW_AUTHENTICATE \
	(sizeof(((http_response *)0)->www_authenticate) / sizeof(char *))

struct http_conn {
	CURL *h;
	char *url;
	char *cacert;
	char *pin;
	char *client_cert;
	char *client_key;
	int insecure;
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_response_bytes;
	int fresh;                 /* open a new connection on the next post */
	unsigned char *peer_der;   /* peer certificate of the last response */
	size_t peer_der_len;
	char errbuf[CURL_ERROR_SIZE];
	size_t last_body_sent;  /* see hvs_http_last_body_sent */
};

/* State of one transfer, shared by the header and write callbacks. */
struct xfer {
	http_conn *c;
	http_response *resp;
	size_t cap;
	int too_big;
	int oom;
	int headers_done;  /* the blank line after the final headers was seen */
};

/* curl_global_init is not safe to race: one lock, and a flag so that
 * hvs_http_global_cleanup can undo it and a later call redo it. */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static int global_ready;

int hvs_http_global_init(void)
{
	int rc = CURLE_OK;
	pthread_mutex_lock(&global_lock);
	if (!global_ready) {
		rc = curl_global_init(CURL_GLOBAL_DEFAULT);
		global_ready = rc == CURLE_OK;
	}
	pthread_mutex_unlock(&global_lock);
	return rc;
}

void hvs_http_global_cleanup(void)
{
	pthread_mutex_lock(&global_lock);
	if (global_ready)
		curl_global_cleanup();
	global_ready = 0;
	pthread_mutex_unlock(&global_lock);
}

/* ---- URL -------------------------------------------------------------- */

char *hvs_http_make_url(int https, const char *host, unsigned port)
{
	if (!host || !*host || port == 0 || port > 65535)
		return NULL;
	size_t n = strlen(host);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)host[i];
		if (ch <= 0x20 || ch == 0x7f || strchr("/@?#\\", ch))
			return NULL;
	}
	const char *inner = host;
	size_t inner_len = n;
	int bracketed = host[0] == '[';
	if (bracketed) {
		if (n < 3 || host[n - 1] != ']')
			return NULL;
		inner = host + 1;
		inner_len = n - 2;
	}
	if (memchr(inner, '[', inner_len) || memchr(inner, ']', inner_len))
		return NULL;
	int ipv6 = memchr(inner, ':', inner_len) != NULL;
	if (bracketed && !ipv6)
		return NULL;
	if (ipv6) {
		/* "host:5985" is a mistake, not an IPv6 literal. */
		char addr[64];
		const char *pct = memchr(inner, '%', inner_len);
		size_t alen = pct ? (size_t)(pct - inner) : inner_len;
		struct in6_addr a6;
		if (alen >= sizeof(addr) || (pct && pct + 1 == inner + inner_len))
			return NULL;
		memcpy(addr, inner, alen);
		addr[alen] = '\0';
		if (inet_pton(AF_INET6, addr, &a6) != 1)
			return NULL;
	}

	buf b = BUF_INIT;
	int rc = hvs_buf_printf(&b, "%s://", https ? "https" : "http");
	if (ipv6) {
		/* A zone id ("fe80::1%eth0") must be written %25 inside a URL. */
		rc |= hvs_buf_append_str(&b, "[");
		for (size_t i = 0; i < inner_len && rc == 0; i++) {
			if (inner[i] == '%' && !(i + 2 < inner_len &&
			                         inner[i + 1] == '2' && inner[i + 2] == '5'))
				rc |= hvs_buf_append_str(&b, "%25");
			else
				rc |= hvs_buf_append(&b, &inner[i], 1);
		}
		rc |= hvs_buf_append_str(&b, "]");
	} else {
		if (memchr(inner, '%', inner_len) || memchr(inner, ':', inner_len)) {
			hvs_buf_free(&b);
			return NULL;
		}
		rc |= hvs_buf_append(&b, inner, inner_len);
	}
	rc |= hvs_buf_printf(&b, ":%u/wsman", port);
	if (rc != 0) {
		hvs_buf_free(&b);
		return NULL;
	}
	return hvs_buf_detach(&b);
}

/* ---- options ---------------------------------------------------------- */

/* Accepts only "sha256//BASE64" items (';'-separated) whose base64 decodes
 * to a SHA-256 digest: curl would otherwise take the string as a file name
 * and a typo would silently become "no such file". */
static int pin_is_valid(const char *pin)
{
	static const char prefix[] = "sha256//";
	const size_t plen = sizeof(prefix) - 1;
	const char *p = pin;
	if (!*p)
		return 0;
	for (;;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len <= plen || strncmp(p, prefix, plen) != 0)
			return 0;
		size_t dlen = 0;
		unsigned char *d = hvs_base64_decode(p + plen, len - plen, &dlen);
		free(d);
		if (!d || dlen != 32)
			return 0;
		if (!end)
			return 1;
		p = end + 1;
	}
}

static int url_scheme_ok(const char *url)
{
	static const char *const schemes[] = { "http://", "https://" };
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(schemes[i]);
		char head[16];
		if (strlen(url) <= n)
			continue;
		memcpy(head, url, n);
		head[n] = '\0';
		if (hvs_str_case_eq(head, schemes[i]))
			return 1;
	}
	return 0;
}

/* Credentials in the URL would end up in error messages and in curl's own
 * auth handling; the auth layer owns credentials, so refuse them here. */
static int url_has_userinfo(const char *url)
{
	const char *auth = strstr(url, "://");
	if (!auth)
		return 0;
	auth += 3;
	size_t n = strcspn(auth, "/?#");
	return memchr(auth, '@', n) != NULL;
}

static CURLcode apply_options(http_conn *c, CURL *h)
{
	int rc = CURLE_OK;
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_URL, c->url);
	SET(CURLOPT_ERRORBUFFER, c->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_NOPROGRESS, 1L);
	SET(CURLOPT_VERBOSE, 0L);
	/* A 3xx is for the caller to report; following it could send
	 * credentials to another host. */
	SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* NTLM and Negotiate are bound to an HTTP/1.1 connection. */
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* One cached connection: after a fresh connect the old one is closed
	 * rather than kept around for a later request to pick up. */
	SET(CURLOPT_MAXCONNECTS, 1L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, c->timeout_ms);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response_bytes);
#ifdef HVSNAP_VERSION
	SET(CURLOPT_USERAGENT, "hvsnap/" HVSNAP_VERSION);
#else
	SET(CURLOPT_USERAGENT, "hvsnap");
#endif
	if (c->cacert)
		SET(CURLOPT_CAINFO, c->cacert);
	SET(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->pin)
		SET(CURLOPT_PINNEDPUBLICKEY, c->pin);
	if (c->client_cert) {
		SET(CURLOPT_SSLCERT, c->client_cert);
		/* Without a passphrase libcurl leaves OpenSSL's default
		 * callback in place, which prompts on the terminal for an
		 * encrypted key; the library must never prompt (client_identity
		 * has already refused such a key with a clear message). */
		SET(CURLOPT_KEYPASSWD, "");
	}
	if (c->client_key)
		SET(CURLOPT_SSLKEY, c->client_key);
#undef SET
	return rc;
}

static void conn_strings_free(http_conn *c)
{
	free(c->url);
	free(c->cacert);
	free(c->pin);
	free(c->client_cert);
	free(c->client_key);
}

/* OpenSSL asks this for the passphrase of an encrypted key: refusing
 * keeps it from prompting, and the flag tells that case apart. */
static int no_passphrase(char *pw, int size, int rwflag, void *userdata)
{
	(void)pw;
	(void)size;
	(void)rwflag;
	*(int *)userdata = 1;
	return -1;
}

/* Loads --cert and --key before any connection, as libcurl will (PEM; the
 * key from the certificate file when no key is given), because libcurl's
 * own failure ("unable to set private key file") names neither the cause
 * nor the fix, and comes only after a TLS connection was started. */
static hvsnap_status client_identity(const char *cert_path, const char *key_path,
                                     hvsnap_error *err)
{
	hvsnap_status st = HVSNAP_OK;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int encrypted = 0;
	if (!key_path)
		key_path = cert_path;
	FILE *f = fopen(cert_path, "r");
	if (!f)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "cannot read the client certificate %s", cert_path);
	x = PEM_read_X509(f, NULL, no_passphrase, &encrypted);
	fclose(f);
	if (!x) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "%s holds no PEM certificate", cert_path);
		goto out;
	}
	f = fopen(key_path, "r");
	if (!f) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "cannot read the client key %s", key_path);
		goto out;
	}
	encrypted = 0;
	k = PEM_read_PrivateKey(f, NULL, no_passphrase, &encrypted);
	fclose(f);
	if (!k && encrypted) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "the private key in %s is encrypted; libhvsnap needs an "
		             "unencrypted key", key_path);
		hvs_err_add_detail(err, "decrypt it once into a file only you can read, e.g. "
		               "openssl pkey -in %s -out KEY.pem", key_path);
	} else if (!k) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "%s holds no PEM private key", key_path);
	} else if (X509_check_private_key(x, k) != 1) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		             "the key in %s is not the private key of the certificate in %s", key_path, cert_path);
	}
out:
	/* leave no failure behind for libcurl to find in the error queue */
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_free(x);
	return st;
}

hvsnap_status hvs_http_conn_new(http_conn **out, const http_conn_options *o,
                            hvsnap_error *err)
{
	*out = NULL;
	if (!o || !o->url)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no endpoint URL given");
	if (!url_scheme_ok(o->url))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "the endpoint URL must start with http:// or https://");
	if (url_has_userinfo(o->url))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "credentials in the endpoint URL are not supported");
	if (o->connect_timeout_ms < 0 || o->timeout_ms < 0)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "timeouts cannot be negative");
	if (o->pin && !pin_is_valid(o->pin))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "invalid public key pin: expected sha256//BASE64 of a "
		               "32-byte SHA-256 digest (several separated by ';')");
	if (o->client_key && !o->client_cert)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "a client key needs a client certificate");

	if (o->client_cert) {
		hvsnap_status st = client_identity(o->client_cert, o->client_key, err);
		if (st != HVSNAP_OK)
			return st;
	}

	CURLcode global_rc = (CURLcode)hvs_http_global_init();
	if (global_rc != CURLE_OK)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "cannot initialise libcurl: %s",
		               curl_easy_strerror(global_rc));

	http_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return hvs_err_nomem(err);
	c->insecure = o->insecure;
	c->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms
	                                              : DEFAULT_CONNECT_TIMEOUT_MS;
	c->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->max_response_bytes = o->max_response_bytes ? o->max_response_bytes
	                                              : DEFAULT_MAX_RESPONSE_BYTES;
	c->url = hvs_str_dup(o->url);
	c->cacert = hvs_str_dup(o->cacert);
	c->pin = hvs_str_dup(o->pin);
	c->client_cert = hvs_str_dup(o->client_cert);
	c->client_key = hvs_str_dup(o->client_key);
	if (!c->url || (o->cacert && !c->cacert) || (o->pin && !c->pin) ||
	    (o->client_cert && !c->client_cert) ||
	    (o->client_key && !c->client_key)) {
		conn_strings_free(c);
		free(c);
		return hvs_err_nomem(err);
	}
	c->h = curl_easy_init();
	CURLcode rc = c->h ? apply_options(c, c->h) : CURLE_OUT_OF_MEMORY;
	if (rc != CURLE_OK) {
		hvsnap_status st = rc == CURLE_OUT_OF_MEMORY
			? hvs_err_nomem(err)
			: hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
			          "libcurl rejected a connection option: %s",
			          curl_easy_strerror(rc));
		hvs_http_conn_free(c);
		return st;
	}
	*out = c;
	return HVSNAP_OK;
}

void hvs_http_conn_free(http_conn *c)
{
	if (!c)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	conn_strings_free(c);
	free(c->peer_der);
	free(c);
}

void hvs_http_conn_reset(http_conn *c)
{
	if (!c)
		return;
	free(c->peer_der);
	c->peer_der = NULL;
	c->peer_der_len = 0;
	/* A new handle closes the old connection right away; if that cannot
	 * be had, the next transfer still opens a fresh connection. */
	CURL *h = curl_easy_init();
	if (h && apply_options(c, h) == CURLE_OK) {
		if (c->h)
			curl_easy_cleanup(c->h);
		c->h = h;
		c->fresh = 0;
	} else {
		if (h)
			curl_easy_cleanup(h);
		c->fresh = 1;
	}
}

int hvs_http_conn_has_unread(http_conn *c)
{
	if (!c || !c->h || c->fresh)
		return 0;
	curl_socket_t fd = CURL_SOCKET_BAD;
	if (curl_easy_getinfo(c->h, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
	    fd == CURL_SOCKET_BAD)
		return 0;
	/* Between exchanges nothing is due from the host: anything readable
	 * (data, or the end of the stream) means the connection is not fit to
	 * carry the next request. */
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

/* ---- peer certificate ------------------------------------------------- */

/* Called from the header callback, while the transfer still holds its
 * connection: once curl_easy_perform returns, libcurl has detached the
 * connection and no longer hands out its SSL pointer. */
static void capture_peer_cert(http_conn *c)
{
	struct curl_tlssessioninfo *tsi = NULL;
	if (curl_easy_getinfo(c->h, CURLINFO_TLS_SSL_PTR, &tsi) != CURLE_OK ||
	    !tsi || tsi->backend != CURLSSLBACKEND_OPENSSL || !tsi->internals)
		return;
	X509 *cert = SSL_get1_peer_certificate((SSL *)tsi->internals);
	if (!cert)
		return;
	unsigned char *der = NULL;
	int n = i2d_X509(cert, &der);
	X509_free(cert);
	if (n <= 0)
		return;
	unsigned char *copy = malloc((size_t)n);
	if (copy) {
		memcpy(copy, der, (size_t)n);
		free(c->peer_der);
		c->peer_der = copy;
		c->peer_der_len = (size_t)n;
	}
	OPENSSL_free(der);
}

unsigned char *hvs_http_peer_cert_der(http_conn *c, size_t *len)
{
	if (len)
		*len = 0;
	if (!c || !c->peer_der)
		return NULL;
	unsigned char *copy = malloc(c->peer_der_len);
	if (!copy)
		return NULL;
	memcpy(copy, c->peer_der, c->peer_der_len);
	if (len)
		*len = c->peer_der_len;
	return copy;
}

/* ---- response --------------------------------------------------------- */

void hvs_http_response_clear(http_response *resp)
{
	if (!resp)
		return;
	hvs_buf_free(&resp->body);
	free(resp->content_type);
	for (size_t i = 0; i < MAX_WWW_AUTHENTICATE; i++)
		free(resp->www_authenticate[i]);
	free(resp->authentication_info);
	memset(resp, 0, sizeof(*resp));
}

static void response_headers_clear(http_response *resp)
{
	free(resp->content_type);
	resp->content_type = NULL;
	for (size_t i = 0; i < resp->n_www_authenticate; i++) {
		free(resp->www_authenticate[i]);
		resp->www_authenticate[i] = NULL;
	}
	resp->n_www_authenticate = 0;
	free(resp->authentication_info);
	resp->authentication_info = NULL;
}

/* If line is "name: value", returns the trimmed value (malloc'd) through
 * *value and 1; 0 when the name differs; -1 when memory runs out. */
static int header_value(const char *line, size_t len, const char *name,
                        char **value)
{
	size_t nlen = strlen(name);
	if (len <= nlen || line[nlen] != ':')
		return 0;
	char head[64];
	if (nlen >= sizeof(head))
		return 0;
	memcpy(head, line, nlen);
	head[nlen] = '\0';
	if (!hvs_str_case_eq(head, name))
		return 0;
	const char *v = line + nlen + 1;
	const char *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	                   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*value = hvs_str_ndup(v, (size_t)(end - v));
	return *value ? 1 : -1;
}

static size_t header_cb(char *data, size_t size, size_t nitems, void *userp)
{
	struct xfer *x = userp;
	http_response *r = x->resp;
	size_t len = size * nitems;
	char *v = NULL;
	int m;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new status line: drop headers of an interim (1xx) response. */
		x->headers_done = 0;
		response_headers_clear(r);
		capture_peer_cert(x->c);
		return len;
	}
	if (len <= 2 && (len == 0 || data[0] == '\r' || data[0] == '\n')) {
		x->headers_done = 1;
		return len;
	}
	if ((m = header_value(data, len, "Content-Type", &v)) != 0) {
		if (m < 0)
			goto oom;
		free(r->content_type);
		r->content_type = v;
	} else if ((m = header_value(data, len, "WWW-Authenticate", &v)) != 0) {
		if (m < 0)
			goto oom;
		if (r->n_www_authenticate < MAX_WWW_AUTHENTICATE)
			r->www_authenticate[r->n_www_authenticate++] = v;
		else
			free(v);
	} else if ((m = header_value(data, len, "Authentication-Info", &v)) != 0) {
		if (m < 0)
			goto oom;
		free(r->authentication_info);
		r->authentication_info = v;
	} else if ((m = header_value(data, len, "Content-Length", &v)) != 0) {
		if (m < 0)
			goto oom;
		uint64_t n;
		/* Refuse before reading a byte of an announced oversized body. */
		int big = hvs_str_to_u64(v, UINT64_MAX, &n) == 0 && n > x->cap;
		free(v);
		if (big) {
			x->too_big = 1;
			return 0;
		}
	}
	return len;
oom:
	x->oom = 1;
	return 0;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t len = size * nmemb;
	if (len > x->cap - x->resp->body.len) {
		x->too_big = 1;
		return 0;
	}
	if (hvs_buf_append(&x->resp->body, data, len) != 0) {
		x->oom = 1;
		return 0;
	}
	return len;
}

/* ---- POST ------------------------------------------------------------- */

/* Header lines may carry Authorization tokens: wipe curl's copies. */
static void slist_wipe_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		if (p->data)
			OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static int is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

static hvsnap_status map_curl_error(http_conn *c, CURLcode rc,
                                    const struct xfer *x, hvsnap_error *err)
{
	hvsnap_status st;
	if (x->oom)
		return hvs_err_nomem(err);
	if (rc == CURLE_OUT_OF_MEMORY && !x->headers_done) {
		/* libcurl reports its own cap on one header line (100 KiB) as out
		 * of memory, with no message: while headers are being read, the
		 * host's answer is at fault far more likely than this machine. */
		hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		        "the answer from %s could not be read: its headers are larger than "
		        "libcurl accepts (a header line over 100 KiB)", c->url);
		hvs_err_add_detail(err, "curl error %d: %s", (int)rc,
		               c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
		return HVSNAP_ERR_PROTOCOL;
	}
	if (rc == CURLE_OUT_OF_MEMORY)
		return hvs_err_nomem(err);
	if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "response larger than %zu bytes from %s",
		               x->cap, c->url);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
		             "cannot resolve the host name of %s", c->url);
		break;
	case CURLE_COULDNT_CONNECT:
		st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0, "cannot connect to %s",
		             c->url);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		st = hvs_err_set(err, HVSNAP_ERR_TIMEOUT, 0,
		             "request to %s timed out", c->url);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
		             "the connection to %s was closed before a complete "
		             "response arrived", c->url);
		break;
	case CURLE_SEND_FAIL_REWIND:
		st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
		             "the connection to %s broke after the request was sent; "
		             "it was not sent again, since the host may already have it",
		             c->url);
		break;
	case CURLE_PARTIAL_FILE:
		/* The host sent less than it announced: a broken answer, not a
		 * broken connection, and nothing to retry. */
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "the answer from %s was cut short (fewer bytes than announced)",
		             c->url);
		break;
	case CURLE_SSL_CERTPROBLEM:
		/* client_identity vetted the files; what is left is libcurl or
		 * the TLS library refusing them (an unsupported key type, say) */
		st = hvs_err_set(err, HVSNAP_ERR_TLS, 0,
		             "the client certificate or its key cannot be used with %s", c->url);
		break;
	case CURLE_URL_MALFORMAT:
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "invalid endpoint URL %s",
		             c->url);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* The URL's scheme was vetted in hvs_http_conn_new: what libcurl
		 * refuses here is an answer without an HTTP status line ("HTTP/0.9"),
		 * e.g. an SSH or other service listening on that port. */
		st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
		             "the service at %s does not speak HTTP (its answer has no "
		             "HTTP status line); check the host and port", c->url);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "malformed HTTP response from %s", c->url);
		break;
	default:
		if (is_tls_error(rc))
			st = hvs_err_set(err, HVSNAP_ERR_TLS, 0,
			             "TLS failure with %s", c->url);
		else
			st = hvs_err_set(err, HVSNAP_ERR_CONNECT, 0,
			             "request to %s failed", c->url);
		break;
	}
	hvs_err_add_detail(err, "curl error %d: %s", (int)rc,
	               c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
	return st;
}

/* The request body, handed to libcurl through a read callback. libcurl
 * resends a POST by itself when a reused connection turns out dead after
 * the request went out; that would run an Invoke twice. It has to rewind
 * the body to do so, and rewinding is refused once any byte was read, so
 * such a request fails instead and the caller decides. */
struct send_state {
	const char *data;
	size_t len;
	size_t pos;
};

static size_t read_cb(char *dst, size_t size, size_t nitems, void *userdata)
{
	struct send_state *s = userdata;
	size_t room = size * nitems;
	size_t n = s->len - s->pos < room ? s->len - s->pos : room;
	if (n)
		memcpy(dst, s->data + s->pos, n);
	s->pos += n;
	return n;
}

static int seek_cb(void *userdata, curl_off_t offset, int origin)
{
	struct send_state *s = userdata;
	if (origin == SEEK_SET && offset == 0 && s->pos == 0)
		return CURL_SEEKFUNC_OK; /* nothing left us yet: no duplicate */
	return CURL_SEEKFUNC_FAIL;
}

size_t hvs_http_last_body_sent(const http_conn *c)
{
	return c ? c->last_body_sent : 0;
}

hvsnap_status hvs_http_post(http_conn *c, const char *content_type,
                        const void *body, size_t len,
                        const char *const *headers, http_response *resp,
                        hvsnap_error *err)
{
	memset(resp, 0, sizeof(*resp));
	if (!c)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0, "no connection");
	if (!c->h)
		return hvs_err_nomem(err);
	if (!body && len)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0, "no request body");

	/* An empty Expect: stops libcurl's 100-continue round trip, which
	 * WinRM does not need and which would stall a sealed exchange. */
	struct curl_slist *hl = NULL, *tmp;
	hl = curl_slist_append(hl, "Expect:");
	if (!hl)
		return hvs_err_nomem(err);
	if (content_type) {
		buf ct = BUF_INIT;
		if (hvs_buf_printf(&ct, "Content-Type: %s", content_type) != 0 ||
		    !(tmp = curl_slist_append(hl, ct.data))) {
			hvs_buf_free(&ct);
			slist_wipe_free(hl);
			return hvs_err_nomem(err);
		}
		hl = tmp;
		hvs_buf_free(&ct);
	}
	for (size_t i = 0; headers && headers[i]; i++) {
		if (!(tmp = curl_slist_append(hl, headers[i]))) {
			slist_wipe_free(hl);
			return hvs_err_nomem(err);
		}
		hl = tmp;
	}

	struct xfer x = { c, resp, c->max_response_bytes, 0, 0, 0 };
	CURL *h = c->h;
	c->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	struct send_state send = { body ? (const char *)body : "", len, 0 };
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &send);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, &send);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, c->fresh ? 1L : 0L);

	CURLcode rc = curl_easy_perform(h);
	c->last_body_sent = send.pos;

	/* Nothing may point at the caller's memory or at freed lists once we
	 * return. */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	curl_easy_setopt(h, CURLOPT_READDATA, (void *)NULL);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, (void *)NULL);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, (void *)NULL);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)NULL);
	slist_wipe_free(hl);

	if (rc != CURLE_OK) {
		hvs_http_response_clear(resp);
		return map_curl_error(c, rc, &x, err);
	}
	c->fresh = 0;

	long status = 0, connects = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
	resp->status = status;
	resp->new_connection = connects > 0;
	/* Callers may treat the body as a C string even when it is empty. */
	if (!resp->body.data && hvs_buf_append(&resp->body, "", 0) != 0) {
		hvs_http_response_clear(resp);
		return hvs_err_nomem(err);
	}
	return HVSNAP_OK;
}
