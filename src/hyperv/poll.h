/* The one wait discipline of the Hyper-V layer: look, and if not done,
 * sleep with a backoff and look again, until done, a deadline, an
 * interrupt or a real error. A dropped connection or an HTTP 503 is
 * tolerated a few times in a row and a busy host (QuotaLimit) until the
 * deadline, since looking is a read. Job waits and VM waits (state,
 * heartbeat, address) all run through it. */
#ifndef HVSNAP_HYPERV_POLL_H
#define HVSNAP_HYPERV_POLL_H

#include <stdint.h>
#include "hvsnap/session.h"

/* One look. Sets *done when the wait is over (successfully or not: the
 * step's return value says which); returning an error stops the wait with
 * it unless it is one the poller tolerates. elapsed_ms is the time since
 * the wait began. *next_ms (0 on entry) may say when the next look is
 * worth it (a job's progress tells when it should end); the poller keeps
 * it between its first and its longest delay. Returning
 * HVSNAP_ERR_CANCELLED stops it as cancelled. */
typedef hvsnap_status (*hvs_poll_step)(void *ctx, uint64_t elapsed_ms, int *done,
                                       uint32_t *next_ms, hvsnap_error *err);

/* What ended a wait that did not end by the step's own word. */
typedef enum hvs_poll_end {
	HVS_POLL_DONE = 0,      /* the step said done (or failed) */
	HVS_POLL_TIMEOUT,       /* the deadline passed: err is not set */
	HVS_POLL_CANCELLED      /* interrupted, or the step cancelled: err is not set */
} hvs_poll_end;

/* Runs step until it is done. timeout_ms 0 waits without a deadline. On
 * HVS_POLL_DONE the step's status is returned; on the other ends
 * HVSNAP_ERR_TIMEOUT or HVSNAP_ERR_CANCELLED is returned and *end says
 * which, leaving the message to the caller, who knows what it waited for. */
hvsnap_status hvs_poll(hvsnap_session *s, uint32_t timeout_ms, hvs_poll_step step, void *ctx,
                       hvs_poll_end *end, uint64_t *elapsed_ms, hvsnap_error *err);

#endif
