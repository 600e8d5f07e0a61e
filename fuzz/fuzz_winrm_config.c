/* libFuzzer target for doctor's readers of WinRM's configuration documents
 * (winrm_config_parse, winrm_plugin_quota), fed by a host the account may
 * not trust. Values are -1 or in range, and a parse never half-fills. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cli/doctor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	winrm_config c;
	if (winrm_config_parse((const char *)data, size, &c) == 0) {
		if (c.allow_unencrypted < -1 || c.allow_unencrypted > 1 || c.basic < -1 || c.basic > 1)
			abort();
		if (c.max_envelope_kb < -1 || c.max_timeout_ms < -1 || c.max_ops_per_user < -1)
			abort();
		if (memchr(c.cbt, '\0', sizeof(c.cbt)) == NULL)
			abort();
	}
	if (winrm_plugin_quota((const char *)data, size) < -1)
		abort();
	return 0;
}
