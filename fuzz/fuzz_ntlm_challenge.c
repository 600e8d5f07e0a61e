/* libFuzzer target for the NTLM CHALLENGE parser: the bytes are the
 * server's CHALLENGE message (the decoded WWW-Authenticate token), handed
 * to hvs_ntlm_authenticate after a NEGOTIATE, as the transport does. When the
 * challenge is accepted, one message is sealed with the derived keys so the
 * session set-up that follows the parse is exercised too. */
#include <stdlib.h>
#include <string.h>

#include "auth/ntlm.h"
#include "fuzz.h"
#include "fuzz_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Fixed channel-binding hash and SPN, so the AV list the client
	 * builds from the server's pairs carries every optional entry. */
	static const unsigned char cbt[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
	                                       9, 10, 11, 12, 13, 14, 15, 16 };
	static const unsigned char cc[8] = { 0xaa, 0xaa, 0xaa, 0xaa,
	                                     0xaa, 0xaa, 0xaa, 0xaa };
	static const unsigned char rsk[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	                                       0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	                                       0x55, 0x55, 0x55, 0x55 };
	const uint64_t filetime = 0;
	ntlm_options o = {
		.user = "User",
		.domain = "Domain",
		.password = "Password",
		.workstation = "COMPUTER",
		.target_spn = "HTTP/hv01.example.com",
		.cbt_md5 = cbt,
	};
	hvsnap_error err;
	hvsnap_error_clear(&err);
	ntlm_ctx *c = NULL;
	if (hvs_ntlm_new(&c, &o, &err) != HVSNAP_OK)
		abort();
	/* Deterministic: the same input always takes the same path. */
	hvs_ntlm_test_set_fixed(c, cc, rsk, &filetime);

	buf neg = BUF_INIT, auth = BUF_INIT;
	if (hvs_ntlm_negotiate(c, &neg, &err) != HVSNAP_OK)
		abort();
	hvsnap_status st = hvs_ntlm_authenticate(c, data, size, &auth, &err);
	if (st == HVSNAP_OK) {
		if (auth.len < 64)
			abort(); /* an AUTHENTICATE has at least its fixed header */
		fuzz_sink += hvs_ntlm_flags(c);
		buf sig = BUF_INIT, sealed = BUF_INIT;
		hvsnap_error_clear(&err);
		if (hvs_ntlm_wrap(c, (const unsigned char *)"probe", 5, &sig, &sealed,
		              &err) == HVSNAP_OK) {
			if (sig.len != 16 || sealed.len != 5)
				abort();
		} else {
			fuzz_check_error(&err);
		}
		hvs_buf_free(&sig);
		hvs_buf_free(&sealed);
	} else {
		fuzz_check_error(&err);
	}
	hvs_buf_free(&neg);
	hvs_buf_free(&auth);
	hvs_ntlm_free(c);
	return 0;
}
