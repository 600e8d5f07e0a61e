/* The shared wait loop of poll.h: backoff from ~100 ms to ~1 s (or the
 * step's own estimate, kept within those bounds), a wall-clock deadline,
 * tolerance for transient failures, and sleeps that
 * hvsnap_session_interrupt ends at once. */
#include "hyperv/poll.h"

#include "platform/platform.h"

#define POLL_FIRST_MS 100u
#define POLL_MAX_MS 1000u
/* Consecutive failed looks tolerated (a host restarting WinRM, a dropped
 * connection) before giving up. */
#define MAX_POLL_FAILURES 5

static int transient(hvsnap_status st, const hvsnap_error *err)
{
	return st == HVSNAP_ERR_CONNECT || (st == HVSNAP_ERR_PROTOCOL && err->code == 503);
}

hvsnap_status hvs_poll(hvsnap_session *s, uint32_t timeout_ms, hvs_poll_step step, void *ctx,
                       hvs_poll_end *end, uint64_t *elapsed_ms, hvsnap_error *err)
{
	uint64_t start = hvs_platform_monotonic_ms();
	unsigned delay = POLL_FIRST_MS;
	int failures = 0;
	*end = HVS_POLL_DONE;
	for (;;) {
		uint64_t now = hvs_platform_monotonic_ms();
		*elapsed_ms = now - start;
		if (hvsnap_session_interrupted(s)) {
			*end = HVS_POLL_CANCELLED;
			return HVSNAP_ERR_CANCELLED;
		}
		int done = 0;
		uint32_t next_ms = 0;
		hvsnap_status st = step(ctx, now - start, &done, &next_ms, err);
		now = hvs_platform_monotonic_ms();
		*elapsed_ms = now - start;
		if (st == HVSNAP_ERR_CANCELLED) {
			*end = HVS_POLL_CANCELLED;
			return st;
		}
		if (done)
			return st;
		if (st == HVSNAP_OK || st == HVSNAP_ERR_BUSY) {
			/* Not there yet, or a host too busy to answer, which did
			 * nothing and asks to be asked again later. */
			failures = 0;
		} else if (!transient(st, err) || ++failures > MAX_POLL_FAILURES) {
			return st;
		}
		if (timeout_ms > 0 && now - start >= timeout_ms) {
			*end = HVS_POLL_TIMEOUT;
			return HVSNAP_ERR_TIMEOUT;
		}
		unsigned sleep_ms = delay;
		if (next_ms)
			sleep_ms = next_ms < POLL_FIRST_MS ? POLL_FIRST_MS
			         : next_ms > POLL_MAX_MS ? POLL_MAX_MS : next_ms;
		if (timeout_ms > 0 && timeout_ms - (now - start) < sleep_ms)
			sleep_ms = (unsigned)(timeout_ms - (now - start));
		if (hvsnap_session_pause(s, sleep_ms)) {
			*elapsed_ms = hvs_platform_monotonic_ms() - start;
			*end = HVS_POLL_CANCELLED;
			return HVSNAP_ERR_CANCELLED;
		}
		delay = delay * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 3 / 2;
	}
}
