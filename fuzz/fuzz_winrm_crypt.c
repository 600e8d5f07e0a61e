/* libFuzzer target for the WinRM multipart/encrypted body parser
 * (hvs_winrm_crypt_parse): the bytes are an HTTP response body. Each input is
 * parsed twice: once with a pass-through unwrap (16-byte header, payload is
 * the plaintext) so framing defects are reached without a valid
 * signature, and once with a real NTLM session whose keys match the
 * sealed seeds in fuzz/corpus/fuzz_winrm_crypt, so hvs_ntlm_unwrap sees
 * hostile ciphertext and signatures. */
#include <stdlib.h>
#include <string.h>

#include "auth/ntlm.h"
#include "auth/winrm_crypt.h"
#include "fuzz.h"
#include "fuzz_walk.h"

/* The exported session key the seed bodies were sealed with (the seed
 * generator used a server-side context with the same key and
 * NTLM_CLIENT_FLAGS). */
static const unsigned char session_key[16] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0
};

static hvsnap_status passthrough_unwrap(void *ctx, const unsigned char *header,
                                        size_t header_len,
                                        const unsigned char *payload,
                                        size_t payload_len, size_t expected_len,
                                        buf *plain, hvsnap_error *err)
{
	(void)ctx;
	(void)expected_len;
	if (header_len != 16)
		return HVSNAP_ERR_PROTOCOL;
	fuzz_sink += header[0];
	if (hvs_buf_append(plain, payload, payload_len) != 0)
		return HVSNAP_ERR_NOMEM;
	(void)err;
	return HVSNAP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hvsnap_error err;
	buf plain = BUF_INIT;

	hvsnap_error_clear(&err);
	if (hvs_winrm_crypt_parse(NULL, data, size, passthrough_unwrap, NULL, &plain,
	                      &err) == HVSNAP_OK) {
		fuzz_sink += plain.len;
	} else {
		fuzz_check_error(&err);
		if (plain.len != 0)
			abort(); /* a failed parse must leave no data behind */
	}
	hvs_buf_free(&plain);

	ntlm_options o = { .user = "User", .password = "Password" };
	ntlm_ctx *c = NULL;
	hvsnap_error_clear(&err);
	if (hvs_ntlm_new(&c, &o, &err) != HVSNAP_OK ||
	    hvs_ntlm_test_start_session(c, session_key, NTLM_CLIENT_FLAGS, 0, &err) !=
	        HVSNAP_OK)
		abort();
	if (hvs_winrm_crypt_parse(WINRM_CRYPT_PROTO_SPNEGO, data, size,
	                      hvs_ntlm_winrm_unwrap, c, &plain, &err) == HVSNAP_OK) {
		fuzz_touch(plain.data);
	} else {
		fuzz_check_error(&err);
		if (plain.len != 0)
			abort();
	}
	hvs_buf_free(&plain);
	hvs_ntlm_free(c);
	return 0;
}
