/* Virtual machines: finding them by name or GUID, and their state. */
#ifndef HVSNAP_VM_H
#define HVSNAP_VM_H

#include <stddef.h>
#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Msvm_ComputerSystem.EnabledState of a VM (Hyper-V v2). */
typedef enum hvsnap_vm_state {
	HVSNAP_VM_UNKNOWN = 0,
	HVSNAP_VM_OTHER = 1,
	HVSNAP_VM_RUNNING = 2,
	HVSNAP_VM_OFF = 3,
	HVSNAP_VM_SHUTTING_DOWN = 4,
	HVSNAP_VM_NOT_APPLICABLE = 5,
	HVSNAP_VM_SAVED = 6,          /* Enabled but Offline */
	HVSNAP_VM_IN_TEST = 7,
	HVSNAP_VM_DEFERRED = 8,
	HVSNAP_VM_PAUSED = 9,         /* Quiesce */
	HVSNAP_VM_STARTING = 10,
	/* transitional values some hosts report while a job runs */
	HVSNAP_VM_STARTING_V1 = 32770,
	HVSNAP_VM_SNAPSHOTTING = 32771,
	HVSNAP_VM_SAVING = 32773,
	HVSNAP_VM_STOPPING = 32774,
	HVSNAP_VM_PAUSING = 32776,
	HVSNAP_VM_RESUMING = 32777
} hvsnap_vm_state;

/* A VM as the host described it when it was looked up. Opaque; owned by
 * whoever received it (or by the list it came from). */
typedef struct hvsnap_vm hvsnap_vm;
/* The VMs of a host. Opaque; the caller owns it. */
typedef struct hvsnap_vm_list hvsnap_vm_list;

/* Every VM of the host (never the host itself), in the host's order: one
 * query. On success *out is a new list the caller frees. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_list_get(hvsnap_session *session,
                                               hvsnap_vm_list **out,
                                               hvsnap_error *err);
HVSNAP_EXTERN size_t hvsnap_vm_list_count(const hvsnap_vm_list *list);
/* The i-th VM, borrowed from the list (NULL past the end). */
HVSNAP_EXTERN const hvsnap_vm *hvsnap_vm_list_at(const hvsnap_vm_list *list, size_t i);
HVSNAP_EXTERN void hvsnap_vm_list_free(hvsnap_vm_list *list);

/* A VM by display name (ElementName, case-insensitive as on Windows) or
 * GUID: one query. No match is HVSNAP_ERR_NOT_FOUND; several are
 * HVSNAP_ERR_AMBIGUOUS with the candidates in err->detail. On success *out
 * is a new VM the caller frees. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_find(hvsnap_session *session,
                                           const char *name_or_id,
                                           hvsnap_vm **out, hvsnap_error *err);
/* A copy the caller owns (to keep one VM of a list); NULL without memory. */
HVSNAP_EXTERN hvsnap_vm *hvsnap_vm_dup(const hvsnap_vm *vm);
HVSNAP_EXTERN void hvsnap_vm_free(hvsnap_vm *vm);

/* Borrowed from vm. */
HVSNAP_EXTERN const char *hvsnap_vm_name(const hvsnap_vm *vm);  /* ElementName */
HVSNAP_EXTERN const char *hvsnap_vm_id(const hvsnap_vm *vm);    /* GUID, upper case */
/* The EnabledState when the VM was looked up (hvsnap_vm_state values; a
 * host may report others). */
HVSNAP_EXTERN uint32_t hvsnap_vm_state_code(const hvsnap_vm *vm);

/* "Running", "Off", "Saved", "Paused", ... (static storage). */
HVSNAP_EXTERN const char *hvsnap_vm_state_text(uint32_t state);

#ifdef __cplusplus
}
#endif
#endif
