/* The only place that may use OS-specific calls. Everything else in the
 * project is C11 + POSIX. */
#ifndef HVSNAP_PLATFORM_H
#define HVSNAP_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with cryptographically strong random bytes; 0 on success. */
int hvs_platform_random(void *buf, size_t len);
/* Milliseconds from an arbitrary fixed point, never going backwards. */
uint64_t hvs_platform_monotonic_ms(void);
/* Sleeps for ms milliseconds (restarting after signals). */
void hvs_platform_sleep_ms(unsigned ms);
/* A wake-up that a signal handler or another thread gives to a sleeper,
 * so a wait ends at once instead of at its next check of a flag. Given
 * stays given until cleared. fd -1 (no eventfd): waits sleep in 50 ms
 * slices instead, and the sleeper's own checks end them. */
typedef struct hvs_wakeup {
	int fd;
} hvs_wakeup;
/* 0, or -1 (w still usable, in the 50 ms slices fallback). */
int hvs_wakeup_open(hvs_wakeup *w);
void hvs_wakeup_close(hvs_wakeup *w);
/* Async-signal-safe; keeps errno. */
void hvs_wakeup_give(hvs_wakeup *w);
void hvs_wakeup_clear(hvs_wakeup *w);
/* Sleeps at most ms; returns early when the wake-up is given (or was
 * before) or a signal arrives, so the caller checks its condition again. */
void hvs_wakeup_wait(const hvs_wakeup *w, unsigned ms);
/* Called before the process takes a secret in: no core dump, and no other
 * process of the same user may read its memory (/proc/PID/mem, environ)
 * or attach a debugger. A no-op where the OS offers no such switch. */
void hvs_platform_protect_secrets(void);

#endif
