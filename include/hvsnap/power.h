/* VM power: start, turn off, save, pause, resume, a graceful shutdown
 * through the guest, and waiting until a VM reaches a state, its guest is
 * up, or it has an address. Every wait follows job.h's discipline: a
 * deadline, a backoff, tolerance for dropped connections and a busy host,
 * a progress callback that can stop it, and hvsnap_session_interrupt. */
#ifndef HVSNAP_POWER_H
#define HVSNAP_POWER_H

#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/guest.h"
#include "hvsnap/job.h"
#include "hvsnap/session.h"
#include "hvsnap/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Msvm_ComputerSystem.RequestStateChange's RequestedState. */
typedef enum hvsnap_power_action {
	HVSNAP_POWER_START = 2,     /* from Off, Saved or Paused (resume) */
	HVSNAP_POWER_TURN_OFF = 3,  /* hard power-off: the guest is not asked */
	HVSNAP_POWER_SAVE = 6,
	HVSNAP_POWER_PAUSE = 9
} hvsnap_power_action;

/* Asks for a state change once and waits for its job (unless
 * wait->no_wait). The host refuses a change that is impossible from the
 * VM's state with HVSNAP_RC_INVALID_STATE (HVSNAP_ERR_FAILED). On success
 * vm's state is refreshed (one more request) and *job, when the host
 * started one, is the caller's to free. Blocks for the whole job. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_change_state(hvsnap_session *session, hvsnap_vm *vm,
                                                   hvsnap_power_action action,
                                                   const hvsnap_wait_options *wait,
                                                   hvsnap_job **job, hvsnap_error *err);

/* Options of hvsnap_vm_shutdown. Versioned: start from
 * HVSNAP_SHUTDOWN_OPTIONS_INIT or hvsnap_shutdown_options_init(). */
typedef struct hvsnap_shutdown_options {
	unsigned int version;      /* HVSNAP_SHUTDOWN_OPTIONS_VERSION */
	int force;                 /* close applications despite unsaved data */
	const char *reason;        /* shown in the guest's event log; NULL: a default */
	hvsnap_wait_options wait;  /* bounds the wait until the VM is Off;
	                            * no_wait: return once the guest was asked */
} hvsnap_shutdown_options;

#define HVSNAP_SHUTDOWN_OPTIONS_VERSION 1
#define HVSNAP_SHUTDOWN_OPTIONS_INIT \
	{ .version = HVSNAP_SHUTDOWN_OPTIONS_VERSION, .wait = HVSNAP_WAIT_OPTIONS_INIT }
HVSNAP_EXTERN hvsnap_status hvsnap_shutdown_options_init(hvsnap_shutdown_options *opts,
                                                         unsigned int version);

/* A graceful shutdown: Msvm_ShutdownComponent.InitiateShutdown, then a
 * wait until the VM is Off (vm's state is refreshed). With wait.no_wait it
 * returns once the guest accepted the request, and the caller follows the
 * VM's state (hvsnap_vm_list_get reads every VM of a host at once). Never
 * falls back to a hard power-off: a guest without a working shutdown
 * component (no integration services) or one not ready for it (still
 * booting, locked) is HVSNAP_ERR_FAILED, with the host's code where it
 * gave one, and the VM is left as it was. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_shutdown(hvsnap_session *session, hvsnap_vm *vm,
                                               const hvsnap_shutdown_options *opts,
                                               hvsnap_error *err);

/* Reads vm's EnabledState again (one Get). */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_refresh(hvsnap_session *session, hvsnap_vm *vm,
                                              hvsnap_error *err);

/* What hvsnap_vm_wait waits for. */
typedef enum hvsnap_vm_condition {
	HVSNAP_UNTIL_STATE = 1,  /* EnabledState is hvsnap_vm_wait_options.state */
	HVSNAP_UNTIL_READY,      /* the heartbeat is OK or Degraded */
	HVSNAP_UNTIL_IPV4        /* the guest reports a non-link-local IPv4 */
} hvsnap_vm_condition;

/* Called after every look, with the VM's state and (for READY and IPV4)
 * the guest as just seen, both borrowed for the call. Return non-zero to
 * stop the wait (HVSNAP_ERR_CANCELLED). */
typedef int (*hvsnap_vm_progress_fn)(const hvsnap_vm *vm, const hvsnap_guest *guest,
                                     uint64_t elapsed_ms, void *payload);

/* Versioned: start from HVSNAP_VM_WAIT_OPTIONS_INIT or
 * hvsnap_vm_wait_options_init(). */
typedef struct hvsnap_vm_wait_options {
	unsigned int version;        /* HVSNAP_VM_WAIT_OPTIONS_VERSION */
	hvsnap_vm_condition until;
	uint32_t state;              /* for HVSNAP_UNTIL_STATE: hvsnap_vm_state */
	uint32_t timeout_ms;         /* 0: no deadline */
	hvsnap_vm_progress_fn progress;
	void *payload;               /* passed to progress, borrowed */
} hvsnap_vm_wait_options;

#define HVSNAP_VM_WAIT_OPTIONS_VERSION 1
#define HVSNAP_VM_WAIT_OPTIONS_INIT \
	{ .version = HVSNAP_VM_WAIT_OPTIONS_VERSION, .until = HVSNAP_UNTIL_STATE }
HVSNAP_EXTERN hvsnap_status hvsnap_vm_wait_options_init(hvsnap_vm_wait_options *opts,
                                                        unsigned int version);

/* Waits until the condition holds, polling (one Get of the VM per look,
 * plus the guest's two queries for READY and IPV4). A passed deadline is
 * HVSNAP_ERR_TIMEOUT with a message saying what was awaited and what was
 * last seen. vm's state is refreshed. *guest (optional: pass NULL) gets
 * the guest as last seen, the caller's to free. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_wait(hvsnap_session *session, hvsnap_vm *vm,
                                           const hvsnap_vm_wait_options *opts,
                                           hvsnap_guest **guest, hvsnap_error *err);

#ifdef __cplusplus
}
#endif
#endif
