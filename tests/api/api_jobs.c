/* Following many jobs at once: five checkpoints started with no_wait are
 * polled together with hvsnap_job_poll, one request per poll whatever the
 * number of jobs (and no Get of a single job), the list keeps the order
 * asked for, finds ids case-insensitively and leaves out jobs the host does
 * not have; more than 64 ids take a second query. Each finished job is
 * turned into its checkpoint with hvsnap_snapshot_from_job, which refuses a
 * job that has not completed, and a failed job reports its error. */
#include <ctype.h>
#include <time.h>

#include "api_test.h"

#define JOBS 5

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int main(void)
{
	/* Five VMs: a host runs one job per VM at a time (the two "dup"s by GUID). */
	static const char *const vm_names[JOBS] = { "web01", "db01", "ci-runner",
		"41111111-2222-4333-8444-555555555503", "41111111-2222-4333-8444-555555555504" };
	hvsnap_session *s = api_session();
	hvsnap_job *jobs[JOBS] = { NULL };
	const char *ids[JOBS];
	hvsnap_snapshot *snaps[JOBS] = { NULL };
	hvsnap_error err;

	hvsnap_create_options co = HVSNAP_CREATE_OPTIONS_INIT;
	co.wait.no_wait = 1;
	for (int i = 0; i < JOBS; i++) {
		hvsnap_vm *vm = NULL;
		hvsnap_snapshot *none = NULL;
		CHECK(hvsnap_vm_find(s, vm_names[i], &vm, &err) == HVSNAP_OK, "find: %s", err.message);
		CHECK(hvsnap_snapshot_create(s, vm, &co, &none, &jobs[i], &err) == HVSNAP_OK,
		      "create %s: %s", vm_names[i], err.message);
		CHECK(none == NULL && jobs[i] != NULL, "no_wait gives a job and no checkpoint");
		ids[i] = hvsnap_job_id(jobs[i]);
		hvsnap_vm_free(vm);
	}
	if (api_failures)
		return api_done("api_jobs");

	/* from_job wants an ended job. */
	hvsnap_snapshot *early = NULL;
	hvsnap_status st = hvsnap_snapshot_from_job(s, jobs[0], &early, &err);
	api_expect_error("from_job of a running job", st, HVSNAP_ERR_USAGE, &err);
	CHECK(early == NULL, "no checkpoint from a running job");

	size_t mark = api_log_lines();
	uint64_t sent = hvsnap_session_request_count(s);
	unsigned polls = 0;
	int ended = 0;
	while (!ended && polls < 100) {
		hvsnap_job_list *list = NULL;
		st = hvsnap_job_poll(s, ids, JOBS, &list, &err);
		CHECK(st == HVSNAP_OK, "poll: %s", err.message);
		if (st != HVSNAP_OK)
			break;
		polls++;
		CHECK(hvsnap_job_list_count(list) == JOBS, "%zu jobs seen", hvsnap_job_list_count(list));
		ended = 1;
		for (size_t i = 0; i < hvsnap_job_list_count(list); i++) {
			const hvsnap_job *j = hvsnap_job_list_at(list, i);
			CHECK(strcmp(hvsnap_job_id(j), ids[i]) == 0, "order: %s at %zu", hvsnap_job_id(j), i);
			CHECK(hvsnap_job_percent(j) <= 100, "percent %u", hvsnap_job_percent(j));
			if (!hvsnap_job_state_is_final(hvsnap_job_state_code(j))) {
				ended = 0;
				continue;
			}
			if (!snaps[i]) {
				CHECK(hvsnap_job_state_code(j) == HVSNAP_JOB_COMPLETED, "job %zu: state %u", i,
				      hvsnap_job_state_code(j));
				st = hvsnap_snapshot_from_job(s, j, &snaps[i], &err);
				CHECK(st == HVSNAP_OK, "from_job: %s", err.message);
			}
		}
		CHECK(hvsnap_job_list_at(list, JOBS) == NULL, "at() past the end is NULL");
		hvsnap_job_list_free(list);
		if (!ended)
			nap_ms(200);
	}
	CHECK(ended, "jobs ended within %u polls", polls);
	CHECK(polls >= 3, "1.5 s jobs ended after %u polls 200 ms apart?", polls);
	size_t enums = api_log_count(mark, LOG_ENUMERATE, NULL);
	size_t from_job_queries = 0;
	for (int i = 0; i < JOBS; i++)
		from_job_queries += snaps[i] != NULL;
	/* Each poll one Enumerate (answers fit one page), each from_job one. */
	CHECK(enums == polls + from_job_queries, "%zu Enumerates for %u polls + %zu look-ups",
	      enums, polls, from_job_queries);
	CHECK(api_log_count(mark, LOG_GET, LOG_JOB_URI) == 0, "no Get of a single job");
	CHECK(api_log_count(mark, LOG_PULL, NULL) == 0, "no Pull");
	CHECK(hvsnap_session_request_count(s) - sent == enums,
	      "request count %llu", (unsigned long long)(hvsnap_session_request_count(s) - sent));
	printf("api_jobs: %d jobs followed with %u polls (%zu requests; one Get each would be %u)\n",
	       JOBS, polls, enums, polls * JOBS);

	/* Distinct checkpoints. */
	for (int i = 0; i < JOBS; i++) {
		CHECK(snaps[i] != NULL, "checkpoint %d", i);
		for (int k = 0; k < i && snaps[i] && snaps[k]; k++)
			CHECK(strcmp(hvsnap_snapshot_id(snaps[i]), hvsnap_snapshot_id(snaps[k])) != 0,
			      "jobs %d and %d gave the same checkpoint", k, i);
	}

	/* Lookup: case-insensitive; absent ids are absent; none is no request. */
	char lower[128];
	snprintf(lower, sizeof lower, "%s", ids[2]);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	const char *mixed[3] = { "00000000-0000-4000-8000-00000000dead", lower, ids[4] };
	hvsnap_job_list *list = NULL;
	CHECK(hvsnap_job_poll(s, mixed, 3, &list, &err) == HVSNAP_OK, "poll: %s", err.message);
	CHECK(hvsnap_job_list_count(list) == 2, "unknown job left out: %zu", hvsnap_job_list_count(list));
	CHECK(hvsnap_job_list_find(list, ids[2]) != NULL, "found by the host's spelling");
	CHECK(hvsnap_job_list_find(list, lower) != NULL, "found in lower case");
	CHECK(hvsnap_job_list_find(list, mixed[0]) == NULL, "unknown id not found");
	hvsnap_job_list_free(list);
	sent = hvsnap_session_request_count(s);
	CHECK(hvsnap_job_poll(s, NULL, 0, &list, &err) == HVSNAP_OK &&
	      hvsnap_job_list_count(list) == 0, "no ids: an empty list");
	CHECK(hvsnap_session_request_count(s) == sent, "no ids: no request");
	hvsnap_job_list_free(list);

	/* 70 ids: two queries of at most 64. */
	char fake[70][40];
	const char *many[70];
	for (int i = 0; i < 70; i++) {
		snprintf(fake[i], sizeof fake[i], "00000000-0000-4000-8000-%012d", i);
		many[i] = i < JOBS ? ids[i] : fake[i];
	}
	mark = api_log_lines();
	CHECK(hvsnap_job_poll(s, many, 70, &list, &err) == HVSNAP_OK, "poll 70: %s", err.message);
	CHECK(hvsnap_job_list_count(list) == JOBS, "70 ids: %zu known", hvsnap_job_list_count(list));
	CHECK(api_log_count(mark, LOG_ENUMERATE, NULL) == 2, "70 ids: %zu queries",
	      api_log_count(mark, LOG_ENUMERATE, NULL));
	hvsnap_job_list_free(list);
	const char *empty[1] = { "" };
	api_expect_error("an empty id", hvsnap_job_poll(s, empty, 1, &list, &err), HVSNAP_ERR_USAGE, &err);

	/* A failed job: the poll shows its error; from_job refuses it. */
	hvsnap_vm *broken = NULL;
	hvsnap_job *bj = NULL;
	hvsnap_snapshot *none = NULL;
	CHECK(hvsnap_vm_find(s, "broken", &broken, NULL) == HVSNAP_OK, "find broken");
	st = hvsnap_snapshot_create(s, broken, NULL, &none, &bj, &err);
	api_expect_error("a failing job", st, HVSNAP_ERR_FAILED, &err);
	CHECK(err.code == 32768 && err.code_kind == HVSNAP_CODE_WMI, "code %lld kind %d",
	      (long long)err.code, (int)err.code_kind);
	CHECK(strstr(err.message, "The disk is full.") != NULL, "message %s", err.message);
	CHECK(bj && hvsnap_job_state_code(bj) == HVSNAP_JOB_EXCEPTION, "job state");
	CHECK(bj && hvsnap_job_error_code(bj) == 32768, "job error code");
	api_expect_error("from_job of a failed job", hvsnap_snapshot_from_job(s, bj, &none, &err),
	                 HVSNAP_ERR_USAGE, &err);
	hvsnap_job_free(bj);
	hvsnap_vm_free(broken);

	/* Clean up: delete what was made, waiting for each. */
	for (int i = 0; i < JOBS; i++) {
		hvsnap_job *dj = NULL;
		if (snaps[i])
			CHECK(hvsnap_snapshot_delete(s, snaps[i], 0, NULL, &dj, &err) == HVSNAP_OK,
			      "delete: %s", err.message);
		hvsnap_job_free(dj);
		hvsnap_snapshot_free(snaps[i]);
		hvsnap_job_free(jobs[i]);
	}
	hvsnap_session_free(s);
	return api_done("api_jobs");
}
