/* libFuzzer target for the DSP0201 CIM-XML INSTANCE reader
 * (hvs_wsman_cimxml_parse), which reads embedded-instance out parameters the
 * host sends. A decoded instance is walked, written back with
 * hvs_wsman_cimxml_serialize and read again: the writer's output must always
 * be readable and keep the property count. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_walk.h"
#include "wsman/envelope.h"
#include "wsman/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hvsnap_error err;
	hvsnap_error_clear(&err);
	hvsnap_cim_instance *inst = NULL;
	if (hvs_wsman_cimxml_parse((const char *)data, size, &inst, &err) != HVSNAP_OK) {
		fuzz_check_error(&err);
		if (inst)
			abort();
		return 0;
	}
	fuzz_walk_instance(inst, NULL);

	char *text = hvs_wsman_cimxml_serialize(inst);
	if (text) {
		hvsnap_cim_instance *again = NULL;
		hvsnap_error_clear(&err);
		if (hvs_wsman_cimxml_parse(text, strlen(text), &again, &err) != HVSNAP_OK)
			abort(); /* our own output must parse */
		if (hvsnap_cim_instance_count(again) != hvsnap_cim_instance_count(inst))
			abort();
		fuzz_walk_instance(again, NULL);
		hvsnap_cim_instance_free(again);
		free(text);
	}
	hvsnap_cim_instance_free(inst);
	return 0;
}
