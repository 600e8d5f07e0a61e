/* hvsnap doctor: the network probes below the WS-Man layer and the reader
 * of the host's WinRM configuration documents. */
#ifndef HVSNAP_CLI_DOCTOR_H
#define HVSNAP_CLI_DOCTOR_H

#include <stddef.h>
#include <time.h>

/* --- doctor_net.c ------------------------------------------------------- */
/* Resolves host (brackets of an IPv6 literal allowed): 0 and the first
 * address as text in addr, or -1 and the resolver's reason in why. */
int doctor_resolve(const char *host, unsigned port, char *addr, size_t addr_size,
                   char *why, size_t why_size);
/* Connects to host:port within timeout_ms: a socket, or -1 with why. */
int doctor_connect(const char *host, unsigned port, int timeout_ms, char *why,
                   size_t why_size);

typedef struct doctor_tls {
	int handshake_ok;
	char handshake_error[256];
	int plain_http;          /* the port answered plain HTTP instead */
	int chain_ok;
	char chain_error[160];
	int name_ok;
	char subject[256];
	int expired;
	long days_left;
	char pin[80];            /* "sha256//BASE64" of the certificate's key */
} doctor_tls;
/* TLS handshake with the verification hvsnap would do (cacert or the
 * system store), recording each aspect instead of failing on the first. */
void doctor_tls_probe(const char *host, unsigned port, const char *cacert,
                      int timeout_ms, doctor_tls *out);
/* Whether the port answers an HTTP request in plain text ("HTTP/..."). */
int doctor_speaks_http(const char *host, unsigned port, int timeout_ms);

typedef struct doctor_http {
	int ok;                  /* an HTTP answer came */
	char error[256];
	long status;
	char schemes[128];       /* WWW-Authenticate schemes, space separated */
	int has_date;
	time_t date;             /* the host's Date header */
} doctor_http;
/* An unauthenticated SOAP POST to url (what a client sends first), with
 * the TLS settings hvsnap would use. */
void doctor_http_probe(const char *url, const char *cacert, int insecure, const char *pin,
                       int timeout_ms, doctor_http *out);

/* --- doctor_config.c ---------------------------------------------------- */
/* What `winrm get winrm/config` shows, as far as the document says; -1
 * for what it does not (read tolerantly: any namespace, any order). */
typedef struct winrm_config {
	int allow_unencrypted;       /* Service/AllowUnencrypted */
	int basic;                   /* Service/Auth/Basic */
	char cbt[16];                /* Service/Auth/CbtHardeningLevel, "" */
	long long max_envelope_kb;   /* MaxEnvelopeSizekb */
	long long max_timeout_ms;    /* MaxTimeoutms */
	long long max_ops_per_user;  /* Service/MaxConcurrentOperationsPerUser */
} winrm_config;
/* 0 when xml is a cfg:Config document (or its Service part), else -1. */
int winrm_config_parse(const char *xml, size_t len, winrm_config *out);
/* MaxConcurrentOperationsPerUser of a plugin's Quotas (an attribute, or a
 * child element), or -1. */
long long winrm_plugin_quota(const char *xml, size_t len);

#endif
