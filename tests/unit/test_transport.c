/* Tests of the HTTP transport against tests/tools/responder.py on loopback:
 * round trips, keep-alive reuse, redirects, size caps, timeouts, refused and
 * dropped connections, TLS trust (CA file, insecure, pins), IPv6, URLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http/transport.h"
#include "platform/platform.h"
#include "support.h"
#include "util/base64.h"

#define PATH_LEN 512
#define MAX_ARGS 32
#define SOAP_CT "application/soap+xml;charset=UTF-8"

static char g_dir[PATH_LEN - 64];
static char g_cert[PATH_LEN], g_key[PATH_LEN], g_body[PATH_LEN];
static char g_portfile[PATH_LEN], g_log[PATH_LEN];
static char g_pin[128];
static unsigned char *g_cert_der;
static size_t g_cert_der_len;
static pid_t g_child = -1;
static unsigned g_port;

static const char g_canned[] =
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
	"<s:Body/></s:Envelope>";

/* ---- child processes -------------------------------------------------- */

/* Runs argv quietly and returns its exit status (-1 when it did not run). */
static int run_quiet(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void stop_responder(void)
{
	if (g_child > 0) {
		kill(g_child, SIGTERM);
		while (waitpid(g_child, NULL, 0) < 0 && errno == EINTR)
			;
		g_child = -1;
	}
}

/* Starts responder.py with the given extra arguments (NULL-terminated) and
 * waits for its port. Returns 0, or the responder's exit status (3: the
 * address cannot be bound), or -1. */
static int start_responder(const char *first, ...)
{
	char *argv[MAX_ARGS];
	int n = 0;
	argv[n++] = "python3";
	argv[n++] = (char *)test_source_path("tests/tools/responder.py");
	char *script = strdup(argv[1]); /* test_source_path's buffer is static */
	argv[1] = script;
	argv[n++] = "--port-file";
	argv[n++] = g_portfile;
	argv[n++] = "--log";
	argv[n++] = g_log;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;

	stop_responder();
	unlink(g_portfile);
	unlink(g_log);
	pid_t pid = fork();
	if (pid < 0) {
		free(script);
		return -1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	free(script);
	g_child = pid;
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(g_portfile, "r");
		if (f) {
			int ok = fscanf(f, "%u", &g_port) == 1;
			fclose(f);
			if (ok)
				return 0;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			g_child = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		hvs_platform_sleep_ms(20);
	}
	stop_responder();
	return -1;
}

/* Peer ports of the requests the responder logged, in order. */
static int logged_ports(unsigned *ports, int max)
{
	FILE *f = fopen(g_log, "r");
	if (!f)
		return 0;
	char line[8192];
	int n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "\"peer_port\": ");
		if (p && sscanf(p + 13, "%u", &ports[n]) == 1)
			n++;
	}
	fclose(f);
	return n;
}

/* The whole log as one string (malloc'd). */
static char *read_log(void)
{
	FILE *f = fopen(g_log, "r");
	assert_non_null(f);
	char *s = calloc(1, 65536);
	assert_non_null(s);
	size_t n = fread(s, 1, 65535, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* ---- fixtures --------------------------------------------------------- */

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[PATH_LEN * 2];
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void cleanup_all(void)
{
	stop_responder();
	if (g_dir[0]) {
		remove_tree(g_dir);
		g_dir[0] = '\0';
	}
}

/* A self-signed certificate for 127.0.0.1, ::1 and localhost, its DER and
 * its public key pin. */
static int make_certificate(void)
{
	char *req[] = { "openssl", "req", "-x509", "-newkey", "ec",
		"-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", g_key, "-out", g_cert, "-days", "2",
		"-subj", "/CN=localhost", "-addext",
		"subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost", NULL };
	if (run_quiet(req) != 0)
		return -1;
	FILE *f = fopen(g_cert, "r");
	if (!f)
		return -1;
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x)
		return -1;
	unsigned char *spki = NULL, *der = NULL;
	int spki_len = i2d_PUBKEY(X509_get0_pubkey(x), &spki);
	int der_len = i2d_X509(x, &der);
	X509_free(x);
	unsigned char md[32];
	unsigned mdlen = 0;
	int rc = -1;
	if (spki_len > 0 && der_len > 0 &&
	    EVP_Digest(spki, (size_t)spki_len, md, &mdlen, EVP_sha256(), NULL) &&
	    mdlen == 32) {
		char *b64 = hvs_base64_encode(md, 32);
		if (b64) {
			snprintf(g_pin, sizeof(g_pin), "sha256//%s", b64);
			free(b64);
			g_cert_der = malloc((size_t)der_len);
			if (g_cert_der) {
				memcpy(g_cert_der, der, (size_t)der_len);
				g_cert_der_len = (size_t)der_len;
				rc = 0;
			}
		}
	}
	OPENSSL_free(spki);
	OPENSSL_free(der);
	return rc;
}

static int group_setup(void **state)
{
	(void)state;
	/* A proxy from the environment must not intercept loopback tests. */
	static const char *const proxies[] = { "http_proxy", "HTTP_PROXY",
		"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	signal(SIGPIPE, SIG_IGN);

	const char *tmp = getenv("TMPDIR");
	snprintf(g_dir, sizeof(g_dir), "%s/hvsnap-transport-XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(g_dir)) {
		g_dir[0] = '\0';
		return -1;
	}
	atexit(cleanup_all);
	snprintf(g_cert, sizeof(g_cert), "%s/cert.pem", g_dir);
	snprintf(g_key, sizeof(g_key), "%s/key.pem", g_dir);
	snprintf(g_body, sizeof(g_body), "%s/body.xml", g_dir);
	snprintf(g_portfile, sizeof(g_portfile), "%s/port", g_dir);
	snprintf(g_log, sizeof(g_log), "%s/requests.log", g_dir);
	FILE *f = fopen(g_body, "w");
	if (!f || fputs(g_canned, f) < 0 || fclose(f) != 0)
		return -1;
	if (make_certificate() != 0) {
		fprintf(stderr, "cannot create a test certificate with openssl\n");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	cleanup_all();
	free(g_cert_der);
	g_cert_der = NULL;
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	stop_responder();
	return 0;
}

/* Opens a connection to the running responder. */
static http_conn *open_conn(int https, const char *host, http_conn_options *o)
{
	http_conn_options dflt = { 0 };
	if (!o)
		o = &dflt;
	char *url = hvs_http_make_url(https, host, g_port);
	assert_non_null(url);
	o->url = url;
	http_conn *c = NULL;
	hvsnap_error e;
	hvsnap_status st = hvs_http_conn_new(&c, o, &e);
	if (st != HVSNAP_OK)
		fail_msg("hvs_http_conn_new: %s", e.message);
	o->url = NULL;
	free(url);
	return c;
}

static hvsnap_status post_str(http_conn *c, const char *body,
                              const char *const *headers, http_response *r,
                              hvsnap_error *e)
{
	return hvs_http_post(c, SOAP_CT, body, body ? strlen(body) : 0, headers, r, e);
}

/* ---- tests ------------------------------------------------------------ */

static void test_make_url(void **state)
{
	(void)state;
	static const struct { int https; const char *host; unsigned port; const char *want; } ok[] = {
		{ 0, "hyperv01", 5985, "http://hyperv01:5985/wsman" },
		{ 1, "hv.example.com", 5986, "https://hv.example.com:5986/wsman" },
		{ 0, "10.0.0.5", 80, "http://10.0.0.5:80/wsman" },
		{ 0, "::1", 5985, "http://[::1]:5985/wsman" },
		{ 1, "[::1]", 5986, "https://[::1]:5986/wsman" },
		{ 0, "2001:db8::7", 1, "http://[2001:db8::7]:1/wsman" },
		{ 0, "fe80::1%eth0", 5985, "http://[fe80::1%25eth0]:5985/wsman" },
		{ 0, "[fe80::1%25eth0]", 5985, "http://[fe80::1%25eth0]:5985/wsman" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *u = hvs_http_make_url(ok[i].https, ok[i].host, ok[i].port);
		assert_non_null(u);
		assert_string_equal(u, ok[i].want);
		free(u);
	}
	static const char *const bad[] = { "", "a b", "a/b", "user@host", "h?x",
		"h#x", "[::1", "::1]", "[host]", "[]", "host:5985", "a\tb", "h\\x",
		"[[::1]]", "zz::1", "fe80::1%" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *u = hvs_http_make_url(0, bad[i], 5985);
		if (u)
			fail_msg("accepted host \"%s\" as %s", bad[i], u);
	}
	assert_null(hvs_http_make_url(0, NULL, 5985));
	assert_null(hvs_http_make_url(0, "h", 0));
	assert_null(hvs_http_make_url(0, "h", 65536));
}

static void test_options_rejected(void **state)
{
	(void)state;
	http_conn *c = NULL;
	hvsnap_error e;
	http_conn_options o = { 0 };
	assert_int_equal(hvs_http_conn_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	o.url = "ftp://127.0.0.1/wsman";
	assert_int_equal(hvs_http_conn_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	o.url = "http://admin:secret@127.0.0.1:5985/wsman";
	assert_int_equal(hvs_http_conn_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	assert_null(strstr(e.message, "secret"));
	o.url = "http://127.0.0.1:5985/wsman";
	o.timeout_ms = -1;
	assert_int_equal(hvs_http_conn_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	o.timeout_ms = 0;
	o.client_key = "/nonexistent/key.pem";
	assert_int_equal(hvs_http_conn_new(&c, &o, &e), HVSNAP_ERR_USAGE);
	o.client_key = NULL;

	static const char *const bad_pins[] = { "", "abc", "sha256//",
		"sha256//!!!!", "sha1//AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"sha256//AAAAAAAAAAAAAAAAAAAAAA==",            /* 16 bytes */
		"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;", /* empty 2nd */
		"/etc/ssl/certs/pubkey.der" };
	for (size_t i = 0; i < sizeof(bad_pins) / sizeof(bad_pins[0]); i++) {
		o.pin = bad_pins[i];
		if (hvs_http_conn_new(&c, &o, &e) != HVSNAP_ERR_USAGE)
			fail_msg("accepted pin \"%s\"", bad_pins[i]);
		assert_null(c);
	}
	o.pin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;"
	        "sha256//BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";
	assert_int_equal(hvs_http_conn_new(&c, &o, &e), HVSNAP_OK);
	assert_non_null(c);
	size_t n = 1;
	assert_null(hvs_http_peer_cert_der(c, &n)); /* nothing connected yet */
	assert_int_equal(n, 0);
	hvs_http_conn_free(c);
}

static void test_post_round_trip(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--echo", NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	const char *hdrs[] = { "X-Test: yes", NULL };
	assert_int_equal(post_str(c, "<hello/>", hdrs, &r, &e), HVSNAP_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 8);
	assert_string_equal(r.body.data, "<hello/>");
	assert_non_null(r.content_type);
	assert_string_equal(r.content_type, SOAP_CT);
	assert_true(r.new_connection);
	assert_int_equal(r.n_www_authenticate, 0);
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);

	char *log = read_log();
	assert_non_null(strstr(log, "\"x-test\": \"yes\""));
	assert_non_null(strstr(log, "\"content-type\": \"" SOAP_CT "\""));
	assert_non_null(strstr(log, "\"body_len\": 8"));
	assert_null(strstr(log, "\"expect\""));   /* no 100-continue */
	free(log);
}

static void test_basic_auth_and_canned_body(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--basic", "demo:demo", "--body", g_body,
	                                 "--www-authenticate", "Negotiate",
	                                 "--www-authenticate", "Basic realm=\"WSMAN\"",
	                                 NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, NULL, NULL, &r, &e), HVSNAP_OK);
	assert_int_equal(r.status, 401);
	assert_int_equal(r.n_www_authenticate, 2);
	assert_string_equal(r.www_authenticate[0], "Negotiate");
	assert_string_equal(r.www_authenticate[1], "Basic realm=\"WSMAN\"");
	assert_non_null(r.body.data);
	assert_int_equal(r.body.len, 0);
	hvs_http_response_clear(&r);

	const char *hdrs[] = { "Authorization: Basic ZGVtbzpkZW1v", NULL };
	assert_int_equal(post_str(c, "<x/>", hdrs, &r, &e), HVSNAP_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, g_canned);
	assert_string_equal(r.content_type, SOAP_CT);
	assert_int_equal(r.n_www_authenticate, 0);
	assert_false(r.new_connection); /* the 401 kept the connection open */
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);
}

static void test_keep_alive_and_reset(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--echo", NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "one", NULL, &r, &e), HVSNAP_OK);
	assert_true(r.new_connection);
	hvs_http_response_clear(&r);
	assert_int_equal(post_str(c, NULL, NULL, &r, &e), HVSNAP_OK);
	assert_false(r.new_connection);
	assert_int_equal(r.body.len, 0);
	hvs_http_response_clear(&r);

	hvs_http_conn_reset(c);
	assert_int_equal(post_str(c, "three", NULL, &r, &e), HVSNAP_OK);
	assert_true(r.new_connection);
	assert_string_equal(r.body.data, "three");
	hvs_http_response_clear(&r);
	assert_int_equal(post_str(c, "four", NULL, &r, &e), HVSNAP_OK);
	assert_false(r.new_connection);
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);

	unsigned ports[8];
	assert_int_equal(logged_ports(ports, 8), 4);
	assert_int_equal(ports[0], ports[1]);
	assert_int_not_equal(ports[1], ports[2]);
	assert_int_equal(ports[2], ports[3]);
}

/* An unrequested answer that arrives between exchanges is seen before the
 * next request goes out, so it can never be read as that request's. */
static void test_unread_bytes_detected(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--echo", "--stray-after-ms", "50", NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_false(hvs_http_conn_has_unread(c)); /* no connection yet */
	assert_int_equal(post_str(c, "one", NULL, &r, &e), HVSNAP_OK);
	assert_string_equal(r.body.data, "one");
	hvs_http_response_clear(&r);
	hvs_platform_sleep_ms(400);
	assert_true(hvs_http_conn_has_unread(c));
	hvs_http_conn_reset(c);
	assert_false(hvs_http_conn_has_unread(c));
	assert_int_equal(post_str(c, "two", NULL, &r, &e), HVSNAP_OK);
	assert_true(r.new_connection);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "two");
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);
}

static void test_redirect_not_followed(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--redirect",
	                                 "http://127.0.0.1:1/elsewhere", NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_OK);
	assert_int_equal(r.status, 302);
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);
	unsigned ports[4];
	assert_int_equal(logged_ports(ports, 4), 1);
}

static void expect_too_big(const char *mode)
{
	assert_int_equal(start_responder("--huge-bytes", "1048576", mode, NULL), 0);
	http_conn_options o = { .max_response_bytes = 65536 };
	http_conn *c = open_conn(0, "127.0.0.1", &o);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(e.message, "response larger than 65536 bytes"));
	assert_null(r.body.data);
	hvs_http_conn_free(c);
}

static void test_size_cap(void **state)
{
	(void)state;
	expect_too_big(NULL);          /* refused from Content-Length */
	expect_too_big("--chunked");   /* refused while streaming */

	assert_int_equal(start_responder("--huge-bytes", "65536", "--chunked", NULL), 0);
	http_conn_options o = { .max_response_bytes = 65536 };
	http_conn *c = open_conn(0, "127.0.0.1", &o);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_OK);
	assert_int_equal(r.body.len, 65536);
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);
}

static void test_timeout(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--delay-ms", "3000", NULL), 0);
	http_conn_options o = { .timeout_ms = 300 };
	http_conn *c = open_conn(0, "127.0.0.1", &o);
	http_response r;
	hvsnap_error e;
	uint64_t t0 = hvs_platform_monotonic_ms();
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_ERR_TIMEOUT);
	assert_true(hvs_platform_monotonic_ms() - t0 < 2500);
	assert_non_null(strstr(e.detail, "curl error 28"));
	hvs_http_conn_free(c);
}

static void test_refused(void **state)
{
	(void)state;
	/* A port that was free a moment ago: nothing listens there. */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	g_port = ntohs(a.sin_port);
	close(s);

	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_ERR_CONNECT);
	assert_non_null(strstr(e.message, "cannot connect"));
	assert_non_null(strstr(e.detail, "curl error 7"));
	hvs_http_conn_free(c);
}

static void test_connection_closed(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--close", NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_ERR_CONNECT);
	assert_non_null(strstr(e.message, "closed"));
	hvs_http_conn_free(c);
}

/* One https POST with the given trust options; returns its status and, on
 * success, checks the peer certificate handed out for channel binding. */
static hvsnap_status https_post(const char *host, const char *cacert,
                                int insecure, const char *pin)
{
	http_conn_options o = { .cacert = cacert, .insecure = insecure, .pin = pin };
	http_conn *c = open_conn(1, host, &o);
	http_response r;
	hvsnap_error e;
	hvsnap_status st = post_str(c, "<tls/>", NULL, &r, &e);
	if (st == HVSNAP_OK) {
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body.data, "<tls/>");
		hvs_http_response_clear(&r);
		size_t n = 0;
		unsigned char *der = hvs_http_peer_cert_der(c, &n);
		assert_non_null(der);
		assert_int_equal(n, g_cert_der_len);
		assert_memory_equal(der, g_cert_der, n);
		free(der);
		hvs_http_conn_reset(c);
		assert_null(hvs_http_peer_cert_der(c, &n));
	} else {
		assert_null(r.body.data);
		assert_true(e.message[0] != '\0');
	}
	hvs_http_conn_free(c);
	return st;
}

static void test_https_trust(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--https", "--cert", g_cert, "--key", g_key,
	                                 "--echo", NULL), 0);
	static const char wrong_pin[] =
		"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	char two_pins[300];
	snprintf(two_pins, sizeof(two_pins), "%s;%s", wrong_pin, g_pin);

	assert_int_equal(https_post("127.0.0.1", NULL, 0, NULL), HVSNAP_ERR_TLS);
	assert_int_equal(https_post("127.0.0.1", g_cert, 0, NULL), HVSNAP_OK);
	assert_int_equal(https_post("localhost", g_cert, 0, NULL), HVSNAP_OK);
	assert_int_equal(https_post("127.0.0.1", NULL, 1, NULL), HVSNAP_OK);
	assert_int_equal(https_post("127.0.0.1", g_cert, 0, g_pin), HVSNAP_OK);
	assert_int_equal(https_post("127.0.0.1", g_cert, 0, two_pins), HVSNAP_OK);
	assert_int_equal(https_post("127.0.0.1", g_cert, 0, wrong_pin), HVSNAP_ERR_TLS);
	/* insecure turns off chain checks, never the pin */
	assert_int_equal(https_post("127.0.0.1", NULL, 1, wrong_pin), HVSNAP_ERR_TLS);
	assert_int_equal(https_post("127.0.0.1", NULL, 1, g_pin), HVSNAP_OK);
}

static void test_plain_http_has_no_peer_cert(void **state)
{
	(void)state;
	assert_int_equal(start_responder("--echo", NULL), 0);
	http_conn *c = open_conn(0, "127.0.0.1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<x/>", NULL, &r, &e), HVSNAP_OK);
	hvs_http_response_clear(&r);
	size_t n = 1;
	assert_null(hvs_http_peer_cert_der(c, &n));
	assert_int_equal(n, 0);
	hvs_http_conn_free(c);
}

static int ipv6_loopback_usable(void)
{
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	if (s < 0)
		return 0;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	a.sin6_addr = in6addr_loopback;
	int ok = bind(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(s);
	return ok;
}

static void test_ipv6_loopback(void **state)
{
	(void)state;
	if (!ipv6_loopback_usable()) {
		print_message("::1 cannot be bound on this machine; "
		              "skipping the IPv6 transport test\n");
		skip();
	}
	assert_int_equal(start_responder("--ipv6", "--echo", NULL), 0);
	http_conn *c = open_conn(0, "::1", NULL);
	http_response r;
	hvsnap_error e;
	assert_int_equal(post_str(c, "<v6/>", NULL, &r, &e), HVSNAP_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "<v6/>");
	hvs_http_response_clear(&r);
	hvs_http_conn_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_url),
		cmocka_unit_test(test_options_rejected),
		cmocka_unit_test_teardown(test_post_round_trip, test_teardown),
		cmocka_unit_test_teardown(test_basic_auth_and_canned_body, test_teardown),
		cmocka_unit_test_teardown(test_keep_alive_and_reset, test_teardown),
		cmocka_unit_test_teardown(test_unread_bytes_detected, test_teardown),
		cmocka_unit_test_teardown(test_redirect_not_followed, test_teardown),
		cmocka_unit_test_teardown(test_size_cap, test_teardown),
		cmocka_unit_test_teardown(test_timeout, test_teardown),
		cmocka_unit_test_teardown(test_refused, test_teardown),
		cmocka_unit_test_teardown(test_connection_closed, test_teardown),
		cmocka_unit_test_teardown(test_https_trust, test_teardown),
		cmocka_unit_test_teardown(test_plain_http_has_no_peer_cert, test_teardown),
		cmocka_unit_test_teardown(test_ipv6_loopback, test_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
