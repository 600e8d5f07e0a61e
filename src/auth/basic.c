/* HTTP Basic authentication header. */
#include "auth/basic.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"

char *hvs_auth_basic_header(const char *user, const char *password)
{
	if (!user || !password || strchr(user, ':'))
		return NULL;
	buf pair = BUF_INIT;
	if (hvs_buf_printf(&pair, "%s:%s", user, password) != 0) {
		hvs_buf_wipe(&pair);
		return NULL;
	}
	char *b64 = hvs_base64_encode(pair.data, pair.len);
	hvs_buf_wipe(&pair);
	if (!b64)
		return NULL;
	buf line = BUF_INIT;
	int rc = hvs_buf_printf(&line, "Authorization: Basic %s", b64);
	OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	if (rc != 0) {
		hvs_buf_wipe(&line);
		return NULL;
	}
	return hvs_buf_detach(&line);
}
