/* Network probes of hvsnap doctor below WS-Man: name resolution, TCP, the
 * TLS handshake examined aspect by aspect, whether a port speaks plain
 * HTTP, and the host's first answer (401 schemes, Date). Only what the
 * library does not expose, because a diagnosis needs each step apart. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "cli/doctor.h"

/* host without the brackets of an IPv6 literal. */
static void bare_host(const char *host, char *out, size_t size)
{
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		snprintf(out, size, "%.*s", (int)(n - 2), host + 1);
	else
		snprintf(out, size, "%s", host);
}

static struct addrinfo *lookup(const char *host, unsigned port, char *why, size_t why_size)
{
	char h[256], p[8];
	bare_host(host, h, sizeof(h));
	snprintf(p, sizeof(p), "%u", port);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(h, p, &hints, &res);
	if (rc != 0) {
		snprintf(why, why_size, "%s", gai_strerror(rc));
		return NULL;
	}
	return res;
}

int doctor_resolve(const char *host, unsigned port, char *addr, size_t addr_size,
                   char *why, size_t why_size)
{
	struct addrinfo *res = lookup(host, port, why, why_size);
	if (!res)
		return -1;
	int rc = getnameinfo(res->ai_addr, res->ai_addrlen, addr, (socklen_t)addr_size, NULL, 0,
	                     NI_NUMERICHOST);
	if (rc != 0)
		snprintf(addr, addr_size, "?");
	freeaddrinfo(res);
	return 0;
}

static int connect_one(const struct addrinfo *ai, int timeout_ms, int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	int flags = fcntl(fd, F_GETFL, 0);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc != 0 && errno == EINPROGRESS) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		rc = poll(&pfd, 1, timeout_ms);
		if (rc == 1) {
			socklen_t len = sizeof(*err);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len);
			rc = *err ? -1 : 0;
		} else {
			*err = rc == 0 ? ETIMEDOUT : errno;
			rc = -1;
		}
	} else if (rc != 0) {
		*err = errno;
	}
	if (rc != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, flags);
	/* Reads and writes after connecting are bounded too. */
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

int doctor_connect(const char *host, unsigned port, int timeout_ms, char *why, size_t why_size)
{
	struct addrinfo *res = lookup(host, port, why, why_size);
	if (!res)
		return -1;
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, timeout_ms, &err);
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(why, why_size, "%s", strerror(err));
	return fd;
}

int doctor_speaks_http(const char *host, unsigned port, int timeout_ms)
{
	char why[128];
	int fd = doctor_connect(host, port, timeout_ms, why, sizeof(why));
	if (fd < 0)
		return 0;
	static const char req[] = "POST /wsman HTTP/1.1\r\nHost: doctor\r\n"
	                          "Content-Length: 0\r\nConnection: close\r\n\r\n";
	char got[5] = { 0 };
	size_t n = 0;
	if (write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1)) {
		while (n < sizeof(got)) {
			ssize_t r = read(fd, got + n, sizeof(got) - n);
			if (r <= 0)
				break;
			n += (size_t)r;
		}
	}
	close(fd);
	return n == sizeof(got) && memcmp(got, "HTTP/", 5) == 0;
}

static void key_pin(X509 *cert, char *out, size_t size)
{
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	unsigned char md[32];
	unsigned char b64[64];
	if (len > 0 && EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL) == 1 &&
	    EVP_EncodeBlock(b64, md, sizeof(md)) > 0)
		snprintf(out, size, "sha256//%s", (const char *)b64);
	OPENSSL_free(der);
}

void doctor_tls_probe(const char *host, unsigned port, const char *cacert, int timeout_ms,
                      doctor_tls *out)
{
	memset(out, 0, sizeof(*out));
	char h[256];
	bare_host(host, h, sizeof(h));
	int fd = doctor_connect(host, port, timeout_ms, out->handshake_error,
	                        sizeof(out->handshake_error));
	if (fd < 0)
		return;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	if (!ctx)
		goto done;
	if (cacert ? SSL_CTX_load_verify_locations(ctx, cacert, NULL) != 1
	           : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(out->chain_error, sizeof(out->chain_error), "cannot load %s",
		         cacert ? cacert : "the system's CA certificates");
	}
	/* Verified, but not fatal: each aspect is reported on its own. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	ssl = SSL_new(ctx);
	if (!ssl)
		goto done;
	SSL_set_fd(ssl, fd);
	unsigned char ip[16];
	int is_ip = inet_pton(AF_INET, h, ip) == 1 || inet_pton(AF_INET6, h, ip) == 1;
	if (!is_ip)
		SSL_set_tlsext_host_name(ssl, h);
	if (SSL_connect(ssl) != 1) {
		unsigned long e = ERR_get_error();
		snprintf(out->handshake_error, sizeof(out->handshake_error), "%s",
		         e ? ERR_reason_error_string(e) : "the handshake failed");
		ERR_clear_error();
		out->plain_http = doctor_speaks_http(host, port, timeout_ms);
		goto done;
	}
	out->handshake_ok = 1;
	X509 *cert = SSL_get1_peer_certificate(ssl);
	if (!cert) {
		snprintf(out->chain_error, sizeof(out->chain_error), "no certificate was sent");
		goto done;
	}
	long vr = SSL_get_verify_result(ssl);
	out->chain_ok = vr == X509_V_OK && !out->chain_error[0];
	if (!out->chain_error[0] && vr != X509_V_OK)
		snprintf(out->chain_error, sizeof(out->chain_error), "%s",
		         X509_verify_cert_error_string(vr));
	out->name_ok = is_ip ? X509_check_ip_asc(cert, h, 0) == 1
	                     : X509_check_host(cert, h, 0, 0, NULL) == 1;
	X509_NAME_oneline(X509_get_subject_name(cert), out->subject, sizeof(out->subject));
	const ASN1_TIME *not_after = X509_get0_notAfter(cert);
	int days = 0, secs = 0;
	if (ASN1_TIME_diff(&days, &secs, NULL, not_after)) {
		out->days_left = days;
		out->expired = days < 0 || secs < 0;
	}
	key_pin(cert, out->pin, sizeof(out->pin));
	X509_free(cert);
done:
	if (ssl)
		SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	close(fd);
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	doctor_http *out = user;
	size_t len = size * n;
	char line[512];
	snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1),
	         data);
	line[strcspn(line, "\r\n")] = '\0';
	if (strncasecmp(line, "WWW-Authenticate:", 17) == 0) {
		const char *v = line + 17;
		v += strspn(v, " \t");
		size_t w = strcspn(v, " \t,");
		size_t used = strlen(out->schemes);
		if (w && used + w + 2 < sizeof(out->schemes))
			snprintf(out->schemes + used, sizeof(out->schemes) - used, "%s%.*s",
			         used ? " " : "", (int)w, v);
	} else if (strncasecmp(line, "Date:", 5) == 0) {
		time_t t = curl_getdate(line + 5 + strspn(line + 5, " \t"), NULL);
		if (t != (time_t)-1) {
			out->has_date = 1;
			out->date = t;
		}
	}
	return len;
}

static size_t discard(char *data, size_t size, size_t n, void *user)
{
	(void)data;
	(void)user;
	return size * n;
}

void doctor_http_probe(const char *url, const char *cacert, int insecure, const char *pin,
                       int timeout_ms, doctor_http *out)
{
	memset(out, 0, sizeof(*out));
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(out->error, sizeof(out->error), "cannot start libcurl");
		return;
	}
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/soap+xml;charset=UTF-8");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	if (insecure) {
		/* As the library does: a pin is checked on top of the chain. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (pin)
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		out->ok = 1;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	} else {
		snprintf(out->error, sizeof(out->error), "%s", curl_easy_strerror(rc));
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}
