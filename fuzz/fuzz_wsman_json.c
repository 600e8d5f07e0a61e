/* libFuzzer target for the generic JSON mapping of raw WS-Man bodies
 * (wsman_body_json, `hvsnap wsman --json`), which reads whatever the host
 * sends, embedded CIM-XML instances included. Whatever it returns must be
 * a JSON object that serialises. */
#include <stdlib.h>

#include "fuzz.h"
#include "cli/wsman_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = wsman_body_json((const char *)data, size);
	if (!j)
		return 0;
	if (!json_is_object(j))
		abort();
	char *text = json_dumps(j, JSON_COMPACT);
	if (!text)
		abort();
	free(text);
	json_decref(j);
	return 0;
}
