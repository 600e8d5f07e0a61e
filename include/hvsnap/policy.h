/* A VM's checkpoint policy: which kind of checkpoint it takes
 * (UserSnapshotType) and whether Hyper-V takes automatic ones
 * (AutomaticSnapshotsEnabled). */
#ifndef HVSNAP_POLICY_H
#define HVSNAP_POLICY_H

#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/session.h"
#include "hvsnap/snapshot.h"
#include "hvsnap/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read: what the host reports. Set: what to change. Versioned, and filled
 * by the caller: start from HVSNAP_CHECKPOINT_POLICY_INIT or
 * hvsnap_checkpoint_policy_init(), which mean "unknown" / "unchanged". */
typedef struct hvsnap_checkpoint_policy {
	unsigned int version;          /* HVSNAP_CHECKPOINT_POLICY_VERSION */
	hvsnap_checkpoint_type type;   /* HVSNAP_CHECKPOINT_UNCHANGED: unknown / keep */
	int32_t automatic;             /* 1 on, 0 off, -1 unknown / keep */
} hvsnap_checkpoint_policy;

#define HVSNAP_CHECKPOINT_POLICY_VERSION 1
#define HVSNAP_CHECKPOINT_POLICY_INIT \
	{ .version = HVSNAP_CHECKPOINT_POLICY_VERSION, .type = HVSNAP_CHECKPOINT_UNCHANGED, \
	  .automatic = -1 }
HVSNAP_EXTERN hvsnap_status hvsnap_checkpoint_policy_init(hvsnap_checkpoint_policy *policy,
                                                          unsigned int version);

/* Reads the policy from the VM's realized settings: one query. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_policy_get(hvsnap_session *session, const hvsnap_vm *vm,
                                                 hvsnap_checkpoint_policy *out,
                                                 hvsnap_error *err);

/* Changes what want sets (ModifySystemSettings), then reads the policy
 * back into *now (optional): hosts are known to report success while
 * changing nothing, so a change that did not take is HVSNAP_ERR_FAILED,
 * never a silent success. Blocks for three requests or so. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_policy_set(hvsnap_session *session, const hvsnap_vm *vm,
                                                 const hvsnap_checkpoint_policy *want,
                                                 hvsnap_checkpoint_policy *now,
                                                 hvsnap_error *err);

/* The policy the VM had when list was read: hvsnap_snapshot_list_get
 * reads the VM's realized settings in the same query, so this costs no
 * request. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_list_policy(const hvsnap_snapshot_list *list,
                                                        hvsnap_checkpoint_policy *out);

/* "disabled", "production", "production-only", "standard", or NULL for
 * others (static storage). */
HVSNAP_EXTERN const char *hvsnap_checkpoint_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif
#endif
