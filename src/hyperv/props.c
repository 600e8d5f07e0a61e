/* Typed reads of CIM instance properties, and GUID helpers. */
#include "hyperv/props.h"

#include <ctype.h>
#include <string.h>

#include "util/strutil.h"

char *hvs_prop_dup(const hvsnap_cim_instance *inst, const char *name)
{
	return hvs_str_dup(hvsnap_cim_get_text(inst, name));
}

unsigned long hvs_prop_uint(const hvsnap_cim_instance *inst, const char *name,
                        unsigned long fallback)
{
	uint64_t v;
	if (hvsnap_cim_get_uint(inst, name, &v) != HVSNAP_OK || v > 0xffffffffu)
		return fallback;
	return (unsigned long)v;
}

int hvs_is_guid(const char *text)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	if (!text || strlen(text) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++) {
		char c = text[i];
		if (shape[i] == '-') {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		             (c >= 'A' && c <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

const char *hvs_guid_of_instance_id(const char *instance_id)
{
	static const char prefix[] = "Microsoft:";
	if (!instance_id)
		return NULL;
	if (strncmp(instance_id, prefix, sizeof(prefix) - 1) == 0)
		instance_id += sizeof(prefix) - 1;
	return hvs_is_guid(instance_id) ? instance_id : NULL;
}

int hvs_guid_of_ref(const char *ref, char out[37])
{
	static const char prefix[] = "Microsoft:";
	if (!ref)
		return 0;
	if (strncmp(ref, prefix, sizeof(prefix) - 1) == 0)
		ref += sizeof(prefix) - 1;
	size_t len = strlen(ref);
	if (len == 38 && ref[0] == '{' && ref[37] == '}') {
		ref++;
		len = 36;
	}
	if (len != 36)
		return 0;
	memcpy(out, ref, 36);
	out[36] = '\0';
	if (!hvs_is_guid(out))
		return 0;
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return 1;
}
