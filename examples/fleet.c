/* Checkpoints every VM of several Hyper-V hosts at once: one thread and
 * one session per host (a session belongs to one thread at a time). On each
 * host it starts a checkpoint of every VM without waiting, then follows all
 * of that host's jobs together, one WQL round trip per poll
 * (hvsnap_job_poll), turns each finished job into its checkpoint
 * (hvsnap_snapshot_from_job) and prints one line per VM. At the end it
 * deletes the checkpoints it made, the same way, so a rerun starts clean.
 *
 *   ./fleet [HOST[:PORT] ...]       (IPv6: [::1]:5985; default: HVSNAP_HOST
 *                                    and HVSNAP_PORT)
 *
 * The other connection settings come from the environment (example_env.h).
 * Ctrl-C (SIGINT) interrupts every session from the signal handler: each
 * thread stops at once (no request leaves an interrupted session), prints
 * the ids of the jobs still running on its host, and the program exits 130.
 * Exit 0 when every checkpoint was made and deleted, 1 when one was not,
 * 2 on a usage error. Links with -pthread (glibc 2.34 and newer need no
 * flag). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* sigaction */
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvsnap/hvsnap.h>

#include "example_env.h"

#define POLL_FIRST_MS 250u
#define POLL_MAX_MS 1000u

/* One VM of a host and what became of its checkpoint. */
struct vm_work {
	const hvsnap_vm *vm;     /* borrowed from the host's VM list */
	hvsnap_job *job;         /* the job of the current step, or NULL */
	hvsnap_snapshot *snap;   /* the checkpoint made, or NULL */
	char problem[600];       /* why it failed, or empty */
};

struct host {
	const char *label;       /* as given: HOST[:PORT] */
	char name[256];
	unsigned port;
	hvsnap_session *session;
	pthread_t thread;
	int outcome;             /* 0 done, 1 something failed, 130 interrupted */
};

/* Read by the SIGINT handler: set before the handler is installed. */
static struct host *hosts;
static size_t host_count;
static volatile sig_atomic_t got_sigint;

/* Only async-signal-safe work here: hvsnap_session_interrupt sets an atomic
 * flag, which every blocking call of that session checks. */
static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
	for (size_t i = 0; i < host_count; i++)
		hvsnap_session_interrupt(hosts[i].session);
}

/* What to do with a job once it ended (NULL: the host no longer has it). */
typedef void (*job_ended_fn)(struct host *h, struct vm_work *w, const hvsnap_job *job);

/* Follows the jobs of work[0..n) (those with one) until each has ended,
 * polling them all in one request per poll. Returns HVSNAP_OK, or
 * HVSNAP_ERR_CANCELLED when the session was interrupted, or the poll's
 * error. *polls counts the polls. */
static hvsnap_status follow_jobs(struct host *h, struct vm_work *work, size_t n,
                                 job_ended_fn ended, unsigned *polls, hvsnap_error *err)
{
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	unsigned delay = POLL_FIRST_MS;
	hvsnap_status st = HVSNAP_OK;

	if (!ids) {
		snprintf(err->message, sizeof(err->message), "out of memory");
		return HVSNAP_ERR_NOMEM;
	}
	for (;;) {
		size_t pending = 0;
		for (size_t i = 0; i < n; i++)
			if (work[i].job)
				ids[pending++] = hvsnap_job_id(work[i].job);
		if (pending == 0)
			break;
		hvsnap_job_list *seen = NULL;
		st = hvsnap_job_poll(h->session, ids, pending, &seen, err);
		if (st != HVSNAP_OK)
			break;
		(*polls)++;
		for (size_t i = 0; i < n; i++) {
			if (!work[i].job)
				continue;
			const hvsnap_job *job = hvsnap_job_list_find(seen, hvsnap_job_id(work[i].job));
			if (job && !hvsnap_job_state_is_final(hvsnap_job_state_code(job)))
				continue;
			/* The job is borrowed from the poll's list: use it now. */
			ended(h, &work[i], job);
			hvsnap_job_free(work[i].job);
			work[i].job = NULL;
		}
		hvsnap_job_list_free(seen);
		size_t left = 0;
		for (size_t i = 0; i < n; i++)
			left += work[i].job != NULL;
		if (left == 0)
			break;
		if (hvsnap_session_pause(h->session, delay)) {
			st = HVSNAP_ERR_CANCELLED;
			break;
		}
		delay = delay * 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 2;
	}
	free(ids);
	return st;
}

static void note_problem(struct vm_work *w, const char *what, const char *why)
{
	snprintf(w->problem, sizeof(w->problem), "%s: %s", what, why);
}

/* A create job ended: find the checkpoint it made. */
static void created(struct host *h, struct vm_work *w, const hvsnap_job *job)
{
	hvsnap_error err;

	if (!job) {
		note_problem(w, "checkpoint job", "the host forgot it before it was seen to end");
	} else if (hvsnap_job_error_code(job) != 0 ||
	           (hvsnap_job_state_code(job) != HVSNAP_JOB_COMPLETED &&
	            hvsnap_job_state_code(job) != HVSNAP_JOB_COMPLETED_WITH_WARNINGS)) {
		const char *why = hvsnap_job_error_description(job);
		note_problem(w, "checkpoint job failed",
		             why && *why ? why : hvsnap_return_code_text(hvsnap_job_error_code(job)));
	} else if (hvsnap_snapshot_from_job(h->session, job, &w->snap, &err) != HVSNAP_OK) {
		note_problem(w, "checkpoint made, but not found", err.message);
	}
}

/* A delete job ended. */
static void deleted(struct host *h, struct vm_work *w, const hvsnap_job *job)
{
	(void)h;
	if (job && hvsnap_job_state_code(job) != HVSNAP_JOB_COMPLETED &&
	    hvsnap_job_state_code(job) != HVSNAP_JOB_COMPLETED_WITH_WARNINGS)
		note_problem(w, "delete job failed",
		             example_text(hvsnap_job_error_description(job)));
}

/* After an interrupt: which jobs go on without us. */
static void print_running(const struct host *h, const struct vm_work *work, size_t n)
{
	char line[4096];
	size_t used = 0;

	line[0] = '\0';
	for (size_t i = 0; i < n && used + 2 < sizeof(line); i++) {
		if (!work[i].job)
			continue;
		int k = snprintf(line + used, sizeof(line) - used, " %s", hvsnap_job_id(work[i].job));
		if (k > 0)
			used += (size_t)k;
	}
	printf("%s: interrupted; jobs still running on the host:%s\n", h->label,
	       used ? line : " none");
}

/* Starts one job per VM with no_wait (a delete of its checkpoint when
 * delete_snaps is set, else a create). Returns the number started, stops early when interrupted. */
static size_t start_jobs(struct host *h, struct vm_work *work, size_t n, int delete_snaps)
{
	hvsnap_create_options create = HVSNAP_CREATE_OPTIONS_INIT;
	hvsnap_wait_options no_wait = HVSNAP_WAIT_OPTIONS_INIT;
	size_t started = 0;

	create.wait.no_wait = 1;
	no_wait.no_wait = 1;
	for (size_t i = 0; i < n && !hvsnap_session_interrupted(h->session); i++) {
		hvsnap_error err;
		hvsnap_snapshot *ignored = NULL;
		hvsnap_status st;
		if (delete_snaps) {
			if (!work[i].snap)
				continue;
			st = hvsnap_snapshot_delete(h->session, work[i].snap, 0, &no_wait,
			                            &work[i].job, &err);
		} else {
			st = hvsnap_snapshot_create(h->session, work[i].vm, &create, &ignored,
			                            &work[i].job, &err);
			hvsnap_snapshot_free(ignored);   /* always NULL with no_wait */
		}
		if (st == HVSNAP_OK && work[i].job) {
			started++;
		} else if (st != HVSNAP_ERR_CANCELLED) {
			/* No job to follow (or a synchronous answer): nothing to poll. */
			hvsnap_job_free(work[i].job);
			work[i].job = NULL;
			if (st != HVSNAP_OK)
				note_problem(&work[i], delete_snaps ? "delete" : "create", err.message);
		} else {
			hvsnap_job_free(work[i].job);
			work[i].job = NULL;
		}
	}
	return started;
}

static int fleet_host(struct host *h)
{
	hvsnap_vm_list *vms = NULL;
	hvsnap_error err;
	unsigned polls = 0, delete_polls = 0;
	int outcome = 0;

	if (hvsnap_vm_list_get(h->session, &vms, &err) != HVSNAP_OK) {
		fprintf(stderr, "fleet: %s: cannot list the VMs: %s\n", h->label, err.message);
		return err.kind == HVSNAP_ERR_CANCELLED ? 130 : 1;
	}
	size_t n = hvsnap_vm_list_count(vms);
	struct vm_work *work = calloc(n ? n : 1, sizeof(*work));
	if (!work) {
		hvsnap_vm_list_free(vms);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		work[i].vm = hvsnap_vm_list_at(vms, i);

	size_t started = start_jobs(h, work, n, 0);
	printf("%s: %zu checkpoint jobs started\n", h->label, started);
	hvsnap_status st = follow_jobs(h, work, n, created, &polls, &err);
	if (st == HVSNAP_OK && !hvsnap_session_interrupted(h->session)) {
		printf("%s: %zu jobs followed with %u polls\n", h->label, started, polls);
		for (size_t i = 0; i < n; i++) {
			if (work[i].snap)
				printf("%s: %s: checkpoint \"%s\" %s\n", h->label,
				       hvsnap_vm_name(work[i].vm),
				       example_text(hvsnap_snapshot_name(work[i].snap)),
				       example_text(hvsnap_snapshot_id(work[i].snap)));
			else
				printf("%s: %s: no checkpoint: %s\n", h->label,
				       hvsnap_vm_name(work[i].vm), work[i].problem);
		}
		/* Clean up the same way: start every delete, follow them together. */
		size_t deleting = start_jobs(h, work, n, 1);
		st = follow_jobs(h, work, n, deleted, &delete_polls, &err);
		if (st == HVSNAP_OK)
			printf("%s: %zu checkpoints deleted with %u polls\n", h->label, deleting,
			       delete_polls);
	}
	if (st == HVSNAP_ERR_CANCELLED || hvsnap_session_interrupted(h->session)) {
		print_running(h, work, n);
		outcome = 130;
	} else if (st != HVSNAP_OK) {
		fprintf(stderr, "fleet: %s: polling failed: %s\n", h->label, err.message);
		outcome = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (work[i].problem[0] && outcome == 0) {
			fprintf(stderr, "fleet: %s: %s: %s\n", h->label, hvsnap_vm_name(work[i].vm),
			        work[i].problem);
			outcome = 1;
		}
		hvsnap_job_free(work[i].job);
		hvsnap_snapshot_free(work[i].snap);
	}
	free(work);
	hvsnap_vm_list_free(vms);
	return outcome;
}

static void *host_thread(void *arg)
{
	struct host *h = arg;
	h->outcome = fleet_host(h);
	return NULL;
}

/* HOST, HOST:PORT or [IPV6]:PORT into h; non-zero when malformed. */
static int parse_host(const char *text, struct host *h)
{
	const char *colon = NULL, *end = text + strlen(text);

	h->label = text;
	h->port = 0;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (close[1] && close[1] != ':'))
			return 1;
		colon = close[1] ? close + 1 : NULL;
		end = close + 1;
	} else if ((colon = strrchr(text, ':')) != NULL && strchr(text, ':') != colon) {
		colon = NULL;   /* a bare IPv6 address: no port */
	} else if (colon) {
		end = colon;
	}
	if ((size_t)(end - text) >= sizeof(h->name) || end == text)
		return 1;
	memcpy(h->name, text, (size_t)(end - text));
	h->name[end - text] = '\0';
	if (colon) {
		char *stop = NULL;
		unsigned long p = strtoul(colon + 1, &stop, 10);
		if (*stop || p == 0 || p > 65535)
			return 1;
		h->port = (unsigned)p;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *env_host = getenv("HVSNAP_HOST");
	size_t n = argc > 1 ? (size_t)argc - 1 : 1;
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);   /* whole lines, even into a pipe */
	struct host *list = calloc(n, sizeof(*list));
	if (!list)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const char *text = argc > 1 ? argv[i + 1] : env_host;
		if (!text || !*text) {
			fprintf(stderr, "fleet: give HOST[:PORT] arguments or set HVSNAP_HOST\n");
			free(list);
			return 2;
		}
		if (parse_host(text, &list[i]) != 0) {
			fprintf(stderr, "fleet: '%s' is not HOST, HOST:PORT or [IPV6]:PORT\n", text);
			free(list);
			return 2;
		}
	}
	/* Every session exists before the handler can run; it is handed to its
	 * thread and used by that thread alone from then on. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (argc == 1)
			list[i].label = env_host;
		rc = example_open("fleet", list[i].name, list[i].port, &list[i].session);
	}
	if (rc == 0) {
		hosts = list;
		host_count = n;
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);

		size_t running = 0;
		for (; running < n; running++)
			if (pthread_create(&list[running].thread, NULL, host_thread, &list[running]) != 0) {
				fprintf(stderr, "fleet: cannot start a thread\n");
				rc = 1;
				break;
			}
		for (size_t i = 0; i < running; i++) {
			pthread_join(list[i].thread, NULL);
			if (list[i].outcome > rc)
				rc = list[i].outcome;
		}
		if (got_sigint)
			rc = 130;
		/* The handler must not see the sessions go away. */
		signal(SIGINT, SIG_DFL);
		host_count = 0;
	}
	for (size_t i = 0; i < n; i++)
		hvsnap_session_free(list[i].session);
	free(list);
	return rc;
}
