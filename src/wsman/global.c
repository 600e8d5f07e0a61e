/* Library-wide set-up (libcurl, libxml2, OpenSSL) done once under a lock
 * and reference counted, and the build's version and features. */
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <pthread.h>

#include "wsman/global_int.h"
#include "hvsnap/common.h"
#include "hvsnap/global.h"
#include "http/transport.h"
#include "util/err.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned refs;     /* hvsnap_global_init calls not yet shut down */
static int ready;         /* the libraries are set up */

static hvsnap_status setup_locked(void)
{
	if (ready)
		return HVSNAP_OK;
	if (hvs_http_global_init() != 0)
		return HVSNAP_ERR_INTERNAL;
	xmlInitParser();
	if (OPENSSL_init_ssl(0, NULL) != 1) {
		hvs_http_global_cleanup();
		return HVSNAP_ERR_INTERNAL;
	}
	ready = 1;
	return HVSNAP_OK;
}

hvsnap_status hvs_global_ensure(void)
{
	pthread_mutex_lock(&lock);
	hvsnap_status st = setup_locked();
	pthread_mutex_unlock(&lock);
	return st;
}

hvsnap_status hvsnap_global_init(void)
{
	pthread_mutex_lock(&lock);
	hvsnap_status st = setup_locked();
	if (st == HVSNAP_OK)
		refs++;
	pthread_mutex_unlock(&lock);
	return st;
}

void hvsnap_global_shutdown(void)
{
	pthread_mutex_lock(&lock);
	if (refs > 0 && --refs == 0 && ready) {
		hvs_http_global_cleanup();
		xmlCleanupParser();
		ready = 0;
	}
	pthread_mutex_unlock(&lock);
}

const char *hvsnap_version(void)
{
	return HVSNAP_VERSION_STRING;
}

static hvsnap_version_info info;

/* The dependencies' version texts are static in each library; reading them
 * once keeps the result stable and the call cheap. */
static void fill_version_info(void)
{
	info.struct_version = HVSNAP_VERSION_INFO_VERSION;
	info.version = HVSNAP_VERSION_STRING;
	info.major = HVSNAP_VERSION_MAJOR;
	info.minor = HVSNAP_VERSION_MINOR;
	info.patch = HVSNAP_VERSION_PATCH;
	info.features = HVSNAP_FEATURE_NTLM | HVSNAP_FEATURE_BASIC |
	                HVSNAP_FEATURE_CERTIFICATE | HVSNAP_FEATURE_CBT | HVSNAP_FEATURE_PIN;
#ifdef HVSNAP_HAVE_GSSAPI
	info.features |= HVSNAP_FEATURE_KERBEROS;
#endif
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	info.curl_version = cv ? cv->version : "unknown";
	info.ssl_version = OpenSSL_version(OPENSSL_VERSION);
	info.xml_version = xmlParserVersion;
}

const hvsnap_version_info *hvsnap_version_info_get(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, fill_version_info);
	return &info;
}
