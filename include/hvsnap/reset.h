/* The CI one-shot: put a VM back to a checkpoint and bring it up. Turn the
 * VM off if it runs (its current state is thrown away), apply the
 * checkpoint (always, even when it was the last one applied), start the VM,
 * then optionally wait for its heartbeat and an address. Each stage is
 * timed and reported as it ends. */
#ifndef HVSNAP_RESET_H
#define HVSNAP_RESET_H

#include <stddef.h>
#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/guest.h"
#include "hvsnap/session.h"
#include "hvsnap/snapshot.h"
#include "hvsnap/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hvsnap_reset_stage {
	HVSNAP_RESET_TURN_OFF = 1,
	HVSNAP_RESET_APPLY,
	HVSNAP_RESET_START,
	HVSNAP_RESET_READY,
	HVSNAP_RESET_IP
} hvsnap_reset_stage;

/* Called as each stage ends (ok non-zero) or fails; vm and guest (NULL
 * but for READY and IP) are borrowed for the call. Return non-zero to
 * stop before the next stage (HVSNAP_ERR_CANCELLED). */
typedef int (*hvsnap_reset_stage_fn)(hvsnap_reset_stage stage, int ok, uint64_t elapsed_ms,
                                     const hvsnap_vm *vm, const hvsnap_guest *guest,
                                     void *payload);

/* Versioned: start from HVSNAP_RESET_OPTIONS_INIT or
 * hvsnap_reset_options_init(). */
typedef struct hvsnap_reset_options {
	unsigned int version;      /* HVSNAP_RESET_OPTIONS_VERSION */
	int no_start;              /* stop after the apply */
	int wait_ready;            /* then wait for the heartbeat */
	int wait_ip;               /* then wait for a non-link-local IPv4 */
	uint32_t timeout_ms;       /* bounds each job and the waits together; 0: none */
	hvsnap_reset_stage_fn stage_done;
	void *payload;             /* passed to stage_done, borrowed */
} hvsnap_reset_options;

#define HVSNAP_RESET_OPTIONS_VERSION 1
#define HVSNAP_RESET_OPTIONS_INIT { .version = HVSNAP_RESET_OPTIONS_VERSION }
HVSNAP_EXTERN hvsnap_status hvsnap_reset_options_init(hvsnap_reset_options *opts,
                                                      unsigned int version);

/* Resets vm to snap (which must be one of vm's checkpoints, found with
 * hvsnap_snapshot_find beforehand, so that nothing changes when it is
 * missing or ambiguous). On a failure err->message names the stage that
 * failed and the state the VM was left in; vm's state is refreshed either
 * way. *guest (optional: pass NULL) gets the guest as last seen by the
 * waits, the caller's to free. Blocks for the whole reset. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_reset(hvsnap_session *session, hvsnap_vm *vm,
                                            const hvsnap_snapshot *snap,
                                            const hvsnap_reset_options *opts,
                                            hvsnap_guest **guest, hvsnap_error *err);

/* The stage a reset runs after done (0: before the first), for a VM in
 * vm_state (an hvsnap_vm_state, as last read) and opts (NULL: defaults):
 * turn_off unless the VM is Off or Saved, apply, start unless no_start,
 * ready if wait_ready, ip if wait_ip. 0 when nothing is left. The plan
 * hvsnap_vm_reset follows, for callers that drive many resets at once
 * (each stage's job started with wait.no_wait and followed by
 * hvsnap_job_poll, the guest read with hvsnap_guest_get). */
HVSNAP_EXTERN hvsnap_reset_stage hvsnap_reset_next_stage(hvsnap_reset_stage done,
                                                         uint32_t vm_state,
                                                         const hvsnap_reset_options *opts);

/* "turn_off", "apply", "start", "ready", "ip" (static storage). */
HVSNAP_EXTERN const char *hvsnap_reset_stage_name(hvsnap_reset_stage stage);

#ifdef __cplusplus
}
#endif
#endif
