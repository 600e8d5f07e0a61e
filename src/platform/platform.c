/* Platform services: randomness, monotonic time, sleeping, protecting a
 * process that holds secrets. Randomness comes
 * from OpenSSL so this file stays portable across Linux, macOS and BSDs. */
#include "platform/platform.h"

#include <errno.h>
#include <openssl/rand.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int hvs_platform_random(void *buf, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return -1;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

uint64_t hvs_platform_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hvs_platform_sleep_ms(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void hvs_platform_protect_secrets(void)
{
#ifdef __linux__
	/* Not dumpable: no core file, and ptrace-style access (which reading
	 * /proc/PID/mem and /proc/PID/environ needs) is limited to root. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}
