/* Stopping a wait: a progress callback that returns non-zero ends the wait
 * with HVSNAP_ERR_CANCELLED, *job still set and err.job_id naming it, and
 * the job goes on on the host; hvsnap_session_interrupt from another thread
 * ends a wait within a poll slice, after which the session sends nothing
 * (hvsim's log and the request count agree) until hvsnap_session_resume.
 * A session interrupted before a call sends nothing at all.
 * hvsnap_session_pause sleeps without spinning and an interrupt ends it. */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include "api_test.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int calls;
static int stop_at_once(const hvsnap_job *job, void *payload)
{
	(void)job;
	(void)payload;
	calls++;
	return 1;
}

struct interrupter {
	hvsnap_session *session;
	uint64_t at;            /* when it interrupted */
	size_t log_at;          /* hvsim's log length then */
};

static void *interrupt_later(void *arg)
{
	struct interrupter *it = arg;
	struct timespec ts = { 0, 400 * 1000000L };
	nanosleep(&ts, NULL);
	it->log_at = api_log_lines();
	it->at = now_ms();
	hvsnap_session_interrupt(it->session);
	return NULL;
}

static uint64_t thread_cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000u;
}

/* hvsnap_session_pause on a resumed session: sleeps its time without
 * spinning (an interrupt's wake-up left behind would make every wait
 * return at once), and an interrupt from another thread ends it early. */
static void check_pause(hvsnap_session *s)
{
	uint64_t t0 = now_ms(), c0 = thread_cpu_ms();
	CHECK(hvsnap_session_pause(s, 300) == 0, "an uninterrupted pause returns 0");
	uint64_t slept = now_ms() - t0, cpu = thread_cpu_ms() - c0;
	CHECK(slept >= 300, "the pause slept %llu ms of 300", (unsigned long long)slept);
	CHECK(cpu < 100, "the pause used %llu ms of CPU (spinning?)", (unsigned long long)cpu);

	struct interrupter it = { s, 0, 0 };
	pthread_t t;
	CHECK(pthread_create(&t, NULL, interrupt_later, &it) == 0, "thread");
	t0 = now_ms();
	int r = hvsnap_session_pause(s, 20000);
	uint64_t back = now_ms();
	pthread_join(t, NULL);
	CHECK(r != 0, "an interrupted pause says so");
	CHECK(back - t0 < 10000, "the interrupt ended a 20 s pause after %llu ms",
	      (unsigned long long)(back - t0));
	hvsnap_session_resume(s);
	CHECK(hvsnap_session_pause(NULL, 1) == 0, "a pause without a session just sleeps");
}

/* Waits (uninterrupted) for a job left running, then deletes its checkpoint. */
static void finish_and_clean(hvsnap_session *s, const char *job_id)
{
	hvsnap_job *job = NULL, *dj = NULL;
	hvsnap_snapshot *snap = NULL;
	hvsnap_error err;
	CHECK(hvsnap_job_wait(s, job_id, NULL, &job, &err) == HVSNAP_OK,
	      "the job went on and completed: %s", err.message);
	CHECK(job && hvsnap_snapshot_from_job(s, job, &snap, &err) == HVSNAP_OK,
	      "its checkpoint: %s", err.message);
	if (snap)
		CHECK(hvsnap_snapshot_delete(s, snap, 0, NULL, &dj, &err) == HVSNAP_OK, "delete");
	hvsnap_snapshot_free(snap);
	hvsnap_job_free(dj);
	hvsnap_job_free(job);
}

int main(void)
{
	hvsnap_session *s = api_session();
	hvsnap_vm *vm = NULL;
	hvsnap_snapshot *snap = NULL;
	hvsnap_job *job = NULL;
	hvsnap_error err;

	CHECK(hvsnap_vm_find(s, "db01", &vm, &err) == HVSNAP_OK, "find: %s", err.message);
	if (!vm)
		return api_done("api_cancel");

	/* 1. The progress callback says stop. */
	hvsnap_create_options co = HVSNAP_CREATE_OPTIONS_INIT;
	co.wait.progress = stop_at_once;
	hvsnap_status st = hvsnap_snapshot_create(s, vm, &co, &snap, &job, &err);
	api_expect_error("progress returns non-zero", st, HVSNAP_ERR_CANCELLED, &err);
	CHECK(calls == 1, "progress called %d times", calls);
	CHECK(snap == NULL, "no checkpoint yet");
	CHECK(job != NULL && hvsnap_job_id(job) && *hvsnap_job_id(job), "*job still set");
	CHECK(job && strcmp(err.job_id, hvsnap_job_id(job)) == 0, "err.job_id '%s'", err.job_id);
	CHECK(job && !hvsnap_job_state_is_final(hvsnap_job_state_code(job)), "job still running");
	CHECK(!hvsnap_session_interrupted(s), "a callback stop does not interrupt the session");
	if (job)
		finish_and_clean(s, hvsnap_job_id(job));
	hvsnap_job_free(job);
	job = NULL;

	/* 2. Another thread interrupts the session during the wait. */
	struct interrupter it = { s, 0, 0 };
	pthread_t t;
	CHECK(pthread_create(&t, NULL, interrupt_later, &it) == 0, "thread");
	co.wait.progress = NULL;
	st = hvsnap_snapshot_create(s, vm, &co, &snap, &job, &err);
	uint64_t returned = now_ms();
	pthread_join(t, NULL);
	size_t log_end = api_log_lines();
	uint64_t sent = hvsnap_session_request_count(s);
	api_expect_error("interrupted from another thread", st, HVSNAP_ERR_CANCELLED, &err);
	CHECK(returned - it.at < 1000, "returned %llu ms after the interrupt",
	      (unsigned long long)(returned - it.at));
	CHECK(job != NULL && strcmp(err.job_id, hvsnap_job_id(job)) == 0, "job named: '%s'",
	      err.job_id);
	CHECK(hvsnap_session_interrupted(s), "the session stays interrupted");
	CHECK(log_end - it.log_at <= 1, "%zu requests after the interrupt (at most one in flight)",
	      log_end - it.log_at);
	CHECK(api_log_count(it.log_at, LOG_ANY_METHOD, NULL) == 0, "no Invoke after the interrupt");

	/* Interrupted: nothing leaves until resume. */
	hvsnap_vm_list *vms = NULL;
	st = hvsnap_vm_list_get(s, &vms, &err);
	api_expect_error("a call on an interrupted session", st, HVSNAP_ERR_CANCELLED, &err);
	hvsnap_job *looked = NULL;
	st = hvsnap_job_wait(s, hvsnap_job_id(job), NULL, &looked, &err);
	api_expect_error("a wait on an interrupted session", st, HVSNAP_ERR_CANCELLED, &err);
	CHECK(looked != NULL && strcmp(err.job_id, hvsnap_job_id(job)) == 0, "wait names its job");
	hvsnap_job_free(looked);
	CHECK(hvsnap_session_request_count(s) == sent, "no request counted");
	CHECK(api_log_lines() == log_end, "hvsim saw no request");

	hvsnap_session_resume(s);
	CHECK(!hvsnap_session_interrupted(s), "resumed");
	check_pause(s);
	CHECK(hvsnap_vm_list_get(s, &vms, &err) == HVSNAP_OK, "after resume: %s", err.message);
	hvsnap_vm_list_free(vms);
	if (job)
		finish_and_clean(s, hvsnap_job_id(job));
	hvsnap_job_free(job);

	/* 3. A timeout is not a cancel: the same job record, its own kind. */
	co.wait.timeout_ms = 300;
	job = NULL;
	st = hvsnap_snapshot_create(s, vm, &co, &snap, &job, &err);
	api_expect_error("a wait deadline", st, HVSNAP_ERR_TIMEOUT, &err);
	CHECK(job && strcmp(err.job_id, hvsnap_job_id(job)) == 0, "timeout names its job");
	if (job)
		finish_and_clean(s, hvsnap_job_id(job));
	hvsnap_job_free(job);

	hvsnap_vm_free(vm);
	hvsnap_session_free(s);
	return api_done("api_cancel");
}
