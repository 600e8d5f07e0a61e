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
/* Called before the process takes a secret in: no core dump, and no other
 * process of the same user may read its memory (/proc/PID/mem, environ)
 * or attach a debugger. A no-op where the OS offers no such switch. */
void hvs_platform_protect_secrets(void);

#endif
