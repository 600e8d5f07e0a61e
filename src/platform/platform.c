/* Platform services: randomness, monotonic time, sleeping and waking a
 * sleeper, protecting a process that holds secrets. */
#include "platform/platform.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
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

int hvs_wakeup_open(hvs_wakeup *w)
{
#ifdef __linux__
	w->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
#else
	w->fd = -1;
#endif
	return w->fd >= 0 ? 0 : -1;
}

void hvs_wakeup_close(hvs_wakeup *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

void hvs_wakeup_give(hvs_wakeup *w)
{
	if (w->fd < 0)
		return;
	int saved = errno;
	uint64_t one = 1;
	/* Fails only when the counter is full, i.e. given already. */
	ssize_t n = write(w->fd, &one, sizeof(one));
	(void)n;
	errno = saved;
}

void hvs_wakeup_clear(hvs_wakeup *w)
{
	if (w->fd < 0)
		return;
	uint64_t v;
	/* EAGAIN when it was not given: nothing to clear. */
	ssize_t n = read(w->fd, &v, sizeof(v));
	(void)n;
}

void hvs_wakeup_wait(const hvs_wakeup *w, unsigned ms)
{
	if (w->fd < 0) {
		hvs_platform_sleep_ms(ms < 50 ? ms : 50);
		return;
	}
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	/* EINTR included: the caller looks at its condition and comes back. */
	(void)poll(&p, 1, ms > INT32_MAX ? INT32_MAX : (int)ms);
}

void hvs_platform_protect_secrets(void)
{
#ifdef __linux__
	/* Not dumpable: no core file, and ptrace-style access (which reading
	 * /proc/PID/mem and /proc/PID/environ needs) is limited to root. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}
