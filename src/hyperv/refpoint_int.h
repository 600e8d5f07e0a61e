/* The layout of reference point objects and their decoding from CIM
 * instances, shared by refpoint.c, its unit tests and its fuzz target. */
#ifndef HVSNAP_HYPERV_REFPOINT_INT_H
#define HVSNAP_HYPERV_REFPOINT_INT_H

#include "hvsnap/cim.h"
#include "hvsnap/refpoint.h"

struct hvsnap_refpoint {
	char *id;                 /* GUID of InstanceID */
	char *instance_id;        /* InstanceID */
	char *vm_id;              /* VirtualSystemIdentifier */
	char *created;            /* CreationTime */
	long type_code;           /* ReferencePointType as sent, -1 unknown */
	hvsnap_refpoint_type type;
	hvsnap_consistency consistency;
	int has_associated_data;
	char **rct_ids;
	size_t n_rct;
	char **disk_ids;
	size_t n_disk;
};

struct hvsnap_refpoint_list {
	hvsnap_refpoint *items;
	size_t n;
};

/* Fills rp from a Msvm_VirtualSystemReferencePoint. Its type is decoded
 * alone; hvs_refpoints_decode_types re-reads it in a list's context.
 * -1 when memory runs out or InstanceID holds no GUID (rp is then empty). */
int hvs_refpoint_from_instance(hvsnap_refpoint *rp, const hvsnap_cim_instance *inst);
void hvs_refpoint_clear(hvsnap_refpoint *rp);
/* Sets each point's type from its type_code, reading a 1 in the numbering
 * the list shows (hvsnap/refpoint.h says how). */
void hvs_refpoints_decode_types(hvsnap_refpoint *rps, size_t n);
/* A list of every instance that decodes (others are skipped, they cannot
 * be named); HVSNAP_ERR_NOMEM only. */
hvsnap_status hvs_refpoint_list_from(hvsnap_cim_instance *const *items, size_t n,
                                     hvsnap_refpoint_list **out, hvsnap_error *err);

#endif
