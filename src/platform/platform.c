/* Platform services: randomness, monotonic time, sleeping, protecting a
 * process that holds secrets. */
#include "platform/platform.h"

#include <errno.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/random.h>
#else
#include <openssl/rand.h>
#endif

/* On Linux the kernel's CSPRNG, read directly: a process needs a few dozen
 * random bytes (MessageIDs, the NTLM client challenge and session key), and
 * OpenSSL's RAND would first build and seed its DRBG tree, about 5.8 M
 * instructions, a sixth of a whole `hvsnap vms` (docs/benchmarks.md).
 * Elsewhere OpenSSL's RAND keeps this file portable. */
int hvs_platform_random(void *buf, size_t len)
{
#ifdef __linux__
	unsigned char *p = buf;
	while (len > 0) {
		/* flags 0: blocks only until the pool is first initialised */
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
#else
	if (len > (size_t)INT32_MAX)
		return -1;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
#endif
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
