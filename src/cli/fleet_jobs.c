/* Fleet job commands on one host (create, delete, apply, start, save,
 * stop --turn-off): the method requests go out without waiting, up to
 * --per-host at once; the running jobs are followed together with one
 * query per poll (hvsnap_job_poll), paced by their percent complete; a
 * finished create becomes its checkpoint (hvsnap_snapshot_from_job) and
 * gets its --name. An interrupted session sends nothing more: what runs is
 * reported with its job id, what never left as not started. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fleet.h"
#include "cli/output.h"

/* Polls start fast (a checkpoint often takes a second or two); then the
 * jobs' percent complete says when the first should end and the next poll
 * goes then (at most a second later); without a percent they back off.
 * So a host is not asked more than it must, and an end is seen soon. */
#define POLL_FIRST_MS 100u
#define POLL_FAST_MAX_MS 250u
#define POLL_SLOW_MAX_MS 1000u
#define POLL_FAST_FOR_MS 10000u
#define POLL_FAILURES_TOLERATED 3
#define POLL_MARGIN_MS 30u


/* Sends t's method request without waiting. HVSNAP_OK with t->job set
 * (or NULL: done at once). */
static hvsnap_status start_one(const fleet_run *r, hvsnap_session *s, fleet_target *t, hvsnap_error *err)
{
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	w.no_wait = 1;
	switch (r->verb) {
	case V_CREATE: {
		hvsnap_create_options co = HVSNAP_CREATE_OPTIONS_INIT;
		co.wait.no_wait = 1;
		if (r->o->kind)
			co.kind = strcmp(r->o->kind, "disk") == 0 ? HVSNAP_SNAPSHOT_DISK
			        : strcmp(r->o->kind, "recovery") == 0 ? HVSNAP_SNAPSHOT_RECOVERY
			        : HVSNAP_SNAPSHOT_FULL;
		if (r->o->consistency)
			co.consistency = strcmp(r->o->consistency, "crash") == 0
			                 ? HVSNAP_CONSISTENCY_CRASH : HVSNAP_CONSISTENCY_APPLICATION;
		if (r->o->guest_backup_type)
			co.guest_backup_type = strcmp(r->o->guest_backup_type, "copy") == 0
			                       ? HVSNAP_GUEST_BACKUP_COPY : HVSNAP_GUEST_BACKUP_FULL;
		co.ignore_non_snapshottable_disks = r->o->ignore_nonsnap;
		hvsnap_snapshot *ignored = NULL;
		hvsnap_status st = hvsnap_snapshot_create(s, t->vm, &co, &ignored, &t->job, err);
		hvsnap_snapshot_free(ignored);
		return st;
	}
	case V_DELETE:
	case V_APPLY: {
		hvsnap_status st = hvsnap_snapshot_find(s, t->vm, r->plan->snapshot, &t->snap, err);
		if (st == HVSNAP_OK && r->verb == V_APPLY)
			st = hvsnap_snapshot_check_target(t->snap, r->plan->snapshot, r->o->force, err);
		if (st != HVSNAP_OK) {
			hvsnap_snapshot_free(t->snap);
			t->snap = NULL;
			return st;
		}
		return r->verb == V_DELETE
		       ? hvsnap_snapshot_delete(s, t->snap, r->o->tree, &w, &t->job, err)
		       : hvsnap_snapshot_apply(s, t->snap, &w, &t->job, err);
	}
	case V_START:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_START, &w, &t->job, err);
	case V_SAVE:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_SAVE, &w, &t->job, err);
	case V_STOP:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_TURN_OFF, &w, &t->job, err);
	default:
		fleet_set_err(err, HVSNAP_ERR_INTERNAL, "not a job command");
		return HVSNAP_ERR_INTERNAL;
	}
}

/* A job of t ended: its outcome, and for a create the checkpoint. */
static hvsnap_status job_ended(const fleet_run *r, hvsnap_session *s, fleet_target *t,
                               hvsnap_error *err)
{
	uint32_t state = hvsnap_job_state_code(t->job);
	if (state != HVSNAP_JOB_COMPLETED && state != HVSNAP_JOB_COMPLETED_WITH_WARNINGS) {
		hvsnap_error_clear(err);
		err->kind = HVSNAP_ERR_FAILED;
		err->code = hvsnap_job_error_code(t->job);
		const char *why = hvsnap_job_error_description(t->job);
		snprintf(err->message, sizeof(err->message), "the job %s: %s",
		         hvsnap_job_state_text(state), why ? why : "no reason given");
		snprintf(err->job_id, sizeof(err->job_id), "%s",
		         hvsnap_job_id(t->job) ? hvsnap_job_id(t->job) : "");
		return HVSNAP_ERR_FAILED;
	}
	if (r->verb != V_CREATE)
		return HVSNAP_OK;
	hvsnap_status st = hvsnap_snapshot_from_job(s, t->job, &t->snap, err);
	if (st == HVSNAP_OK && r->o->name) {
		hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
		w.timeout_ms = r->timeout_ms;
		st = hvsnap_snapshot_rename(s, t->snap, r->o->name, &w, err);
		if (st != HVSNAP_OK)
			snprintf(err->message + strlen(err->message),
			         sizeof(err->message) - strlen(err->message),
			         " (the checkpoint %s was made, but not renamed)",
			         hvsnap_snapshot_id(t->snap) ? hvsnap_snapshot_id(t->snap) : "");
	}
	return st;
}

/* A job stopped being followed (interrupt, deadline, poll failure): it
 * goes on on the host, so its id goes out with the error. */
void fleet_run_jobs(fleet_run *r, fleet_host *h, hvsnap_session *s, fleet_target *ts, size_t n)
{
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	size_t *slot = calloc(n ? n : 1, sizeof(*slot));
	size_t next = 0, running = 0;
	unsigned delay = POLL_FIRST_MS, poll_failures = 0;
	uint64_t first_start = 0;
	hvsnap_error err;
	if (!ids || !slot) {
		fleet_set_err(&err, HVSNAP_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < n; i++)
			if (ts[i].state == 0)
				fleet_emit(r, h, &ts[i], &err);
		free(ids);
		free(slot);
		return;
	}
	for (;;) {
		/* send what the per-host limit allows */
		while (running < r->per_host && next < n && !hvsnap_session_interrupted(s)) {
			fleet_target *t = &ts[next++];
			if (t->state != 0)
				continue;
			t->started_ms = fleet_now_ms();
			if (!first_start)
				first_start = t->started_ms;
			hvsnap_status st = start_one(r, s, t, &err);
			if (st == HVSNAP_ERR_CANCELLED && !t->job && !err.job_id[0]) {
				next--; /* never sent: reported below as not started */
				break;
			}
			/* a request that left and was then interrupted names its
			 * job in err (job_id), which the line carries */
			if (st != HVSNAP_OK) {
				fleet_emit(r, h, t, &err);
				continue;
			}
			if (!t->job || hvsnap_job_state_is_final(hvsnap_job_state_code(t->job))) {
				st = t->job ? job_ended(r, s, t, &err) : HVSNAP_OK;
				fleet_emit(r, h, t, st == HVSNAP_OK ? NULL : &err);
				continue;
			}
			t->state = 1;
			running++;
			fleet_out_running(1);
			delay = POLL_FIRST_MS;
		}
		if (running == 0 && (next >= n || hvsnap_session_interrupted(s)))
			break;
		if (running == 0)
			continue;
		if (hvsnap_session_pause(s, delay))
			break;
		uint64_t now = fleet_now_ms();
		unsigned cap = now - first_start < POLL_FAST_FOR_MS ? POLL_FAST_MAX_MS : POLL_SLOW_MAX_MS;
		delay = delay * 2 > cap ? cap : delay * 2;

		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (ts[i].state == 1) {
				slot[k] = i;
				ids[k++] = hvsnap_job_id(ts[i].job);
			}
		hvsnap_job_list *seen = NULL;
		hvsnap_status st = hvsnap_job_poll(s, ids, k, &seen, &err);
		if (st == HVSNAP_ERR_CANCELLED)
			break;
		if (st != HVSNAP_OK) {
			if (++poll_failures < POLL_FAILURES_TOLERATED)
				continue;
			for (size_t j = 0; j < k; j++) {
				fleet_target *t = &ts[slot[j]];
				fleet_emit_unfinished(r, h, t, st, err.message);
				running--;
				fleet_out_running(-1);
			}
			break;
		}
		poll_failures = 0;
		uint64_t soonest = UINT64_MAX;
		for (size_t j = 0; j < k; j++) {
			fleet_target *t = &ts[slot[j]];
			const hvsnap_job *job = hvsnap_job_list_find(seen, ids[j]);
			if (job) {
				/* a job's percent tells when it should end: the next
				 * poll goes then, not on a blind schedule */
				uint32_t pct = hvsnap_job_percent(job);
				uint64_t ran = now - t->started_ms;
				if (pct > 0 && pct < 100 && ran * (100 - pct) / pct < soonest)
					soonest = ran * (100 - pct) / pct;
			}
			if (!job) {
				running--;
				fleet_out_running(-1);
				fleet_emit_unfinished(r, h, t, HVSNAP_ERR_PROTOCOL,
				                "the host no longer knows the job");
				continue;
			}
			int final = hvsnap_job_state_is_final(hvsnap_job_state_code(job));
			if (!final && now - t->started_ms <= r->timeout_ms)
				continue;
			hvsnap_job *copy = hvsnap_job_dup(job);
			if (copy) {
				hvsnap_job_free(t->job);
				t->job = copy;
			}
			running--;
			fleet_out_running(-1);
			if (!final) {
				fleet_emit_unfinished(r, h, t, HVSNAP_ERR_TIMEOUT, "timed out waiting for the job");
				continue;
			}
			hvsnap_status est = job_ended(r, s, t, &err);
			fleet_emit(r, h, t, est == HVSNAP_OK ? NULL : &err);
		}
		hvsnap_job_list_free(seen);
		if (soonest != UINT64_MAX)
			delay = soonest + POLL_MARGIN_MS < POLL_FIRST_MS ? POLL_FIRST_MS
			      : soonest + POLL_MARGIN_MS > POLL_SLOW_MAX_MS ? POLL_SLOW_MAX_MS
			      : (unsigned)(soonest + POLL_MARGIN_MS);
	}
	/* interrupted: what runs is printed with its job id, what never left
	 * is said so */
	for (size_t i = 0; i < n; i++) {
		fleet_target *t = &ts[i];
		if (t->state == 1) {
			fleet_out_running(-1);
			fleet_emit_unfinished(r, h, t, HVSNAP_ERR_CANCELLED, "interrupted");
		} else if (t->state == 0) {
			fleet_emit_unfinished(r, h, t, HVSNAP_ERR_CANCELLED, "interrupted: not started");
		}
	}
	free(ids);
	free(slot);
}

/* Commands that are not one job per VM go one VM after the other. */
