/* Runs one command and prints what it cost the client: wall time, user and
 * system CPU, and peak RSS of that process (and of any children it waited
 * for), from wait4's rusage, which has microsecond resolution where
 * /usr/bin/time prints centiseconds. The command's stdout and stderr go
 * where ours go; the figures go to the file named by -o (or stderr), one
 * line: "wall_s user_s sys_s maxrss_kib exit".
 *
 * usage: bench_rusage [-o FILE] COMMAND [ARGS...] */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
		out = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench_rusage [-o FILE] COMMAND [ARGS...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_rusage: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[i], argv + i);
		fprintf(stderr, "bench_rusage: cannot run %s: %s\n", argv[i],
		        strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("bench_rusage: wait4");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	FILE *f = out ? fopen(out, "w") : stderr;
	if (!f) {
		perror("bench_rusage: output file");
		return 2;
	}
	fprintf(f, "%.6f %.6f %.6f %ld %d\n",
	        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	        tv_s(ru.ru_utime), tv_s(ru.ru_stime), ru.ru_maxrss, rc);
	if (out)
		fclose(f);
	return rc;
}
