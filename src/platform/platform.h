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

#endif
