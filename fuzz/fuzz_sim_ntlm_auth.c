/* libFuzzer target for hvsim's own reading of an NTLM AUTHENTICATE message
 * (ntlm_read_authenticate in src/sim/ntlm_msg.c: the names a client claims
 * and the MsvAvChannelBindings that Strict CBT checks), which runs on the
 * raw bytes of a Negotiate header before gss-ntlmssp ever sees them. The
 * input is forced to look like an AUTHENTICATE (signature and type 3) so
 * every run gets past the first check. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sim/ntlm_msg.h"

static volatile size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *m = malloc(size ? size : 1);
	auth_msg_info ai;
	if (!m)
		return 0;
	memcpy(m, data, size);
	if (size >= 12)
		memcpy(m, "NTLMSSP\0\3\0\0\0", 12);
	if (ntlm_read_authenticate(m, size, &ai) == 0) {
		/* names come back terminated, inside their buffers */
		if (!memchr(ai.domain, '\0', sizeof(ai.domain)) ||
		    !memchr(ai.user, '\0', sizeof(ai.user)))
			abort();
		sink += strlen(ai.domain) + strlen(ai.user) + (size_t)ai.has_cbt;
	}
	free(m);
	return 0;
}
