/* Reading typed values out of decoded CIM instances, tolerating what real
 * hosts send (nil, missing, empty). */
#ifndef HVSNAP_HYPERV_PROPS_H
#define HVSNAP_HYPERV_PROPS_H

#include "hvsnap/cim.h"

/* malloc'd copy of a scalar property's text; NULL when absent or nil (and
 * when memory runs out: callers treat all three as "not known"). */
char *hvs_prop_dup(const hvsnap_cim_instance *inst, const char *name);
/* An unsigned property, or fallback when absent, nil or not a number. */
unsigned long hvs_prop_uint(const hvsnap_cim_instance *inst, const char *name,
                        unsigned long fallback);
/* The GUID inside "Microsoft:<GUID>" or a bare GUID; NULL otherwise. */
const char *hvs_guid_of_instance_id(const char *instance_id);
/* The GUID a user's reference names: a bare GUID, {GUID}, Microsoft:GUID
 * or Microsoft:{GUID}. 1 with the upper-case GUID in out, else 0. */
int hvs_guid_of_ref(const char *ref, char out[37]);
/* Whether text looks like a GUID (8-4-4-4-12 hex, braces not allowed). */
int hvs_is_guid(const char *text);

#endif
