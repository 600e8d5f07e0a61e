/* The layout of the Hyper-V objects the public headers keep opaque (VMs,
 * checkpoints, jobs and their lists), for the Hyper-V layer's own code. */
#ifndef HVSNAP_HYPERV_OBJECTS_H
#define HVSNAP_HYPERV_OBJECTS_H

#include <stddef.h>
#include <stdint.h>
#include "hvsnap/job.h"
#include "hvsnap/policy.h"
#include "hvsnap/snapshot.h"
#include "hvsnap/vm.h"

struct hvsnap_vm {
	char *name;          /* ElementName */
	char *id;            /* Name: the VM GUID, upper case */
	uint32_t state;      /* EnabledState */
};

struct hvsnap_vm_list {
	hvsnap_vm *items;
	size_t n;
};

struct hvsnap_snapshot {
	char *id;            /* ConfigurationID: the snapshot GUID */
	char *instance_id;   /* InstanceID: "Microsoft:<GUID>" */
	char *name;          /* ElementName */
	char *parent_id;     /* parent's GUID, NULL for a root */
	char *created;       /* CreationTime, ISO 8601 */
	char *type;          /* VirtualSystemType, NULL when absent */
	hvsnap_snapshot_role role; /* decoded from type */
	int saved;           /* IsSaved */
	int current;         /* the VM runs from this snapshot */
};

struct hvsnap_snapshot_list {
	hvsnap_snapshot *items;
	size_t n;
	hvsnap_checkpoint_policy policy;  /* from the same query's realized settings */
};

struct hvsnap_job {
	char *id;                 /* InstanceID */
	uint32_t state;           /* JobState */
	uint32_t percent;         /* PercentComplete */
	uint32_t error_code;      /* ErrorCode, 0 on success */
	char *error_description;  /* ErrorDescription, may be NULL */
	char *name;               /* ElementName / Caption, may be NULL */
	uint64_t elapsed_ms;      /* measured by the client while waiting */
};

/* Frees what each element owns, then the array. */
void hvs_vm_array_free(hvsnap_vm *vms, size_t n);
void hvs_snapshot_array_free(hvsnap_snapshot *snaps, size_t n);

#endif
