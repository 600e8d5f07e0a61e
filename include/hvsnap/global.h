/* Library-wide set-up and what this build of libhvsnap can do. */
#ifndef HVSNAP_GLOBAL_H
#define HVSNAP_GLOBAL_H

#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sets up libcurl, libxml2 and OpenSSL once for the whole process.
 * Reference counted: every successful call needs one
 * hvsnap_global_shutdown. Thread-safe; calling it before starting threads
 * is recommended but not required, since hvsnap_session_new calls the same
 * set-up (without taking a reference) when nobody did. */
HVSNAP_EXTERN hvsnap_status hvsnap_global_init(void);
/* Drops one reference; the last one releases the libraries' global state.
 * Call it only when no session of this process is left. */
HVSNAP_EXTERN void hvsnap_global_shutdown(void);

/* Features of this build, as bits of hvsnap_version_info.features. */
typedef enum hvsnap_feature {
	HVSNAP_FEATURE_NTLM = 1u << 0,       /* NTLMv2 with message encryption */
	HVSNAP_FEATURE_KERBEROS = 1u << 1,   /* Kerberos through GSSAPI */
	HVSNAP_FEATURE_BASIC = 1u << 2,
	HVSNAP_FEATURE_CERTIFICATE = 1u << 3,/* TLS client certificates */
	HVSNAP_FEATURE_CBT = 1u << 4,        /* channel binding over https */
	HVSNAP_FEATURE_PIN = 1u << 5         /* public-key pinning */
} hvsnap_feature;

/* What hvsnap_version_info returns. Fields are only ever added at the end;
 * struct_version says how many there are. */
typedef struct hvsnap_version_info {
	unsigned int struct_version;  /* HVSNAP_VERSION_INFO_VERSION or newer */
	const char *version;          /* "0.2.0" */
	uint32_t major, minor, patch;
	uint32_t features;            /* hvsnap_feature bits */
	const char *curl_version;     /* the libcurl loaded, e.g. "7.88.1" */
	const char *ssl_version;      /* e.g. "OpenSSL 3.0.15 3 Sep 2024" */
	const char *xml_version;      /* libxml2's, e.g. "20914" */
} hvsnap_version_info;

#define HVSNAP_VERSION_INFO_VERSION 1

/* Static, read-only storage; never fails. Does not need hvsnap_global_init. */
HVSNAP_EXTERN const hvsnap_version_info *hvsnap_version_info_get(void);
/* The library's version text, e.g. "0.2.0" (static storage). */
HVSNAP_EXTERN const char *hvsnap_version(void);

#ifdef __cplusplus
}
#endif
#endif
