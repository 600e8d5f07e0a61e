/* Fleet job commands on one host (create, delete, apply, start, save,
 * stop --turn-off, reset): the method requests go out without waiting, up
 * to --per-host targets at once; the running jobs are followed together
 * with one query per poll (hvsnap_job_poll), paced by their percent
 * complete; a finished create becomes its checkpoint
 * (hvsnap_snapshot_from_job) and gets its --name. A reset runs its stages
 * (hvsnap_reset_next_stage) one after the other for each VM, the next
 * request leaving as soon as the poll sees a stage's job end, and its
 * ready/ip stages read the guest once a round. A graceful stop asks every
 * guest, then reads all the host's VMs once a round until each is Off.
 * An interrupted session
 * sends nothing more: what runs is reported with its job id, what never
 * left as not started. */
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


/* --- reset, a stage at a time -------------------------------------------- */

static int is_guest_stage(hvsnap_reset_stage stage)
{
	return stage == HVSNAP_RESET_READY || stage == HVSNAP_RESET_IP;
}

/* Starts the stage after t->stage without waiting: a job for turn_off,
 * apply and start, nothing yet for ready and ip (guest_look reads the
 * guest); t->stage 0 when the reset is complete. */
static hvsnap_status reset_next(const fleet_run *r, hvsnap_session *s, fleet_target *t,
                                hvsnap_error *err)
{
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	w.no_wait = 1;
	hvsnap_job_free(t->job);
	t->job = NULL;
	t->stage = hvsnap_reset_next_stage(t->stage, hvsnap_vm_state_code(t->vm), &r->reset);
	t->stage_started_ms = fleet_now_ms();
	switch (t->stage) {
	case HVSNAP_RESET_TURN_OFF:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_TURN_OFF, &w, &t->job, err);
	case HVSNAP_RESET_APPLY:
		return hvsnap_snapshot_apply(s, t->snap, &w, &t->job, err);
	case HVSNAP_RESET_START:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_START, &w, &t->job, err);
	default:
		return HVSNAP_OK;
	}
}

/* Appends the stage that just ended to the target's "stages". */
static void stage_record(fleet_target *t, int ok)
{
	if (!t->stages)
		t->stages = json_array();
	json_t *st = json_object();
	json_object_set_new(st, "stage", json_string(hvsnap_reset_stage_name(t->stage)));
	json_object_set_new(st, "ok", json_boolean(ok));
	json_object_set_new(st, "elapsed_ms",
	                    json_integer((json_int_t)(fleet_now_ms() - t->stage_started_ms)));
	json_array_append_new(t->stages, st);
}

/* A stage failed with err: the error names the stage and the state the
 * VM was left in (read again), as a single reset's does. */
static void reset_failed(hvsnap_session *s, fleet_target *t, hvsnap_error *err)
{
	stage_record(t, 0);
	char why[sizeof(err->message)];
	memcpy(why, err->message, sizeof(why));
	int used = snprintf(err->message, sizeof(err->message), "failed at stage %s: ",
	                    hvsnap_reset_stage_name(t->stage));
	if (used > 0 && (size_t)used < sizeof(err->message)) {
		size_t len = strnlen(why, sizeof(err->message) - (size_t)used - 1);
		memcpy(err->message + used, why, len);
		err->message[(size_t)used + len] = '\0';
	}
	hvsnap_error ignored;
	if (hvsnap_vm_refresh(s, t->vm, &ignored) == HVSNAP_OK)
		snprintf(err->message + strlen(err->message), sizeof(err->message) - strlen(err->message),
		         " (the VM is now %s)", hvsnap_vm_state_text(hvsnap_vm_state_code(t->vm)));
}

/* --- graceful stop ------------------------------------------------------------ */

/* A failed look worth repeating: the host dropped the connection, was too
 * busy, or answered 503. */
static int transient(hvsnap_status st, const hvsnap_error *err)
{
	return st == HVSNAP_ERR_CONNECT || st == HVSNAP_ERR_BUSY ||
	       (st == HVSNAP_ERR_PROTOCOL && err->code == 503);
}

/* The VMs whose guests were asked to shut down: one read of all the host's
 * VMs says which are Off now (not a Get per VM). */
static void look_for_off(const fleet_run *r, const fleet_host *h, hvsnap_session *s,
                         fleet_target *ts, size_t n, size_t *running)
{
	size_t waiting = 0;
	for (size_t i = 0; i < n; i++)
		waiting += ts[i].state == 1 && ts[i].awaiting_off;
	if (!waiting || hvsnap_session_interrupted(s))
		return;
	hvsnap_error err;
	hvsnap_vm_list *vms = NULL;
	hvsnap_status st = hvsnap_vm_list_get(s, &vms, &err);
	if (st == HVSNAP_ERR_CANCELLED)
		return;
	uint64_t now = fleet_now_ms();
	int hard = st != HVSNAP_OK && !transient(st, &err);
	for (size_t i = 0; i < n; i++) {
		fleet_target *t = &ts[i];
		if (t->state != 1 || !t->awaiting_off)
			continue;
		if (hard) {
			t->awaiting_off = 0;
			(*running)--;
			fleet_out_running(-1);
			fleet_emit(r, h, t, &err);
			continue;
		}
		const hvsnap_vm *seen = NULL;
		for (size_t k = 0; st == HVSNAP_OK && k < hvsnap_vm_list_count(vms) && !seen; k++)
			if (strcmp(hvsnap_vm_id(hvsnap_vm_list_at(vms, k)), hvsnap_vm_id(t->vm)) == 0)
				seen = hvsnap_vm_list_at(vms, k);
		int off = seen && hvsnap_vm_state_code(seen) == HVSNAP_VM_OFF;
		if (!off && now - t->started_ms <= r->timeout_ms)
			continue; /* a dropped read is tried again next round */
		t->awaiting_off = 0;
		(*running)--;
		fleet_out_running(-1);
		if (off) {
			fleet_emit(r, h, t, NULL);
			continue;
		}
		fleet_set_err(&err, HVSNAP_ERR_TIMEOUT, "gave up waiting for the guest to shut "
		              "down after %.1f s (the VM is %s)", (double)(now - t->started_ms) / 1000.0,
		              seen ? hvsnap_vm_state_text(hvsnap_vm_state_code(seen)) : "not seen");
		fleet_emit(r, h, t, &err);
	}
	hvsnap_vm_list_free(vms);
}

/* --- one job per target ---------------------------------------------------- */

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
	case V_APPLY:
	case V_RESET: {
		hvsnap_status st = hvsnap_snapshot_find(s, t->vm, r->plan->snapshot, &t->snap, err);
		if (st == HVSNAP_OK && r->verb != V_DELETE)
			st = hvsnap_snapshot_check_target(t->snap, r->plan->snapshot, r->o->force, err);
		if (st != HVSNAP_OK) {
			hvsnap_snapshot_free(t->snap);
			t->snap = NULL;
			return st;
		}
		if (r->verb == V_RESET)
			return reset_next(r, s, t, err);
		return r->verb == V_DELETE
		       ? hvsnap_snapshot_delete(s, t->snap, r->o->tree, &w, &t->job, err)
		       : hvsnap_snapshot_apply(s, t->snap, &w, &t->job, err);
	}
	case V_START:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_START, &w, &t->job, err);
	case V_SAVE:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_SAVE, &w, &t->job, err);
	case V_STOP: {
		if (r->o->turn_off)
			return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_TURN_OFF, &w, &t->job, err);
		/* graceful: the guest is asked, then the VM's state followed */
		hvsnap_shutdown_options so = HVSNAP_SHUTDOWN_OPTIONS_INIT;
		so.force = r->o->force;
		so.wait.no_wait = 1;
		hvsnap_status st = hvsnap_vm_shutdown(s, t->vm, &so, err);
		t->awaiting_off = st == HVSNAP_OK;
		return st;
	}
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

/* --- where a target goes after a step ------------------------------------- */

typedef enum step_result { GOES_ON, ENDED_OK, ENDED_FAILED } step_result;

/* t's current step ended well (its job completed, or its guest came up):
 * a reset goes on with its next stage, the others are done. */
static step_result step_done(const fleet_run *r, hvsnap_session *s, fleet_target *t,
                             hvsnap_error *err)
{
	if (r->verb != V_RESET)
		return ENDED_OK;
	for (;;) {
		stage_record(t, 1);
		hvsnap_status st = reset_next(r, s, t, err);
		if (st != HVSNAP_OK) {
			reset_failed(s, t, err);
			return ENDED_FAILED;
		}
		if (!t->stage) {
			/* what the VM came to (Saved or Off after --no-start) */
			hvsnap_error ignored;
			(void)hvsnap_vm_refresh(s, t->vm, &ignored);
			return ENDED_OK;
		}
		if (is_guest_stage(t->stage) ||
		    (t->job && !hvsnap_job_state_is_final(hvsnap_job_state_code(t->job))))
			return GOES_ON;
		if (t->job && job_ended(r, s, t, err) != HVSNAP_OK) {
			reset_failed(s, t, err);
			return ENDED_FAILED;
		}
	}
}

/* t's job ended (or the host did the work at once, with no job). */
static step_result job_done(const fleet_run *r, hvsnap_session *s, fleet_target *t,
                            hvsnap_error *err)
{
	if (t->job && job_ended(r, s, t, err) != HVSNAP_OK) {
		if (r->verb == V_RESET)
			reset_failed(s, t, err);
		return ENDED_FAILED;
	}
	return step_done(r, s, t, err);
}

/* One look at the guest of a target in its ready or ip stage. */
static step_result guest_look(const fleet_run *r, hvsnap_session *s, fleet_target *t,
                              hvsnap_error *err)
{
	hvsnap_guest *g = NULL;
	hvsnap_status st = hvsnap_guest_get(s, t->vm, &g, err);
	if (st == HVSNAP_OK) {
		hvsnap_guest_free(t->guest);
		t->guest = g;
		if (t->stage == HVSNAP_RESET_READY ? hvsnap_guest_is_ready(g)
		                                   : hvsnap_guest_ipv4(g) != NULL)
			return step_done(r, s, t, err);
	} else if (st == HVSNAP_ERR_CANCELLED) {
		return GOES_ON; /* the run's loop reports it */
	} else if (!transient(st, err)) {
		reset_failed(s, t, err);
		return ENDED_FAILED;
	}
	if (fleet_now_ms() - t->started_ms <= r->timeout_ms)
		return GOES_ON;
	const char *hb = hvsnap_heartbeat_name(hvsnap_guest_heartbeat(t->guest));
	fleet_set_err(err, HVSNAP_ERR_TIMEOUT, "gave up waiting for %s (heartbeat %s)",
	              t->stage == HVSNAP_RESET_READY ? "the guest's heartbeat"
	                                             : "an IPv4 address from the guest",
	              hb ? hb : "none");
	reset_failed(s, t, err);
	return ENDED_FAILED;
}

/* The targets of one host, as the file's comment says. A job no longer
 * followed (interrupt, deadline, failed polls) goes on on the host, so its
 * line carries its id. */
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
				if (r->verb == V_RESET && t->stage)
					reset_failed(s, t, &err);
				fleet_emit(r, h, t, &err);
				continue;
			}
			int follow = (t->job && !hvsnap_job_state_is_final(hvsnap_job_state_code(t->job))) ||
			             (r->verb == V_RESET && is_guest_stage(t->stage)) || t->awaiting_off;
			if (!follow) {
				step_result res = job_done(r, s, t, &err);
				if (res != GOES_ON) {
					fleet_emit(r, h, t, res == ENDED_OK ? NULL : &err);
					continue;
				}
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
			if (ts[i].state == 1 && ts[i].job) {
				slot[k] = i;
				ids[k++] = hvsnap_job_id(ts[i].job);
			}
		hvsnap_job_list *seen = NULL;
		hvsnap_status st = k ? hvsnap_job_poll(s, ids, k, &seen, &err) : HVSNAP_OK;
		if (st == HVSNAP_ERR_CANCELLED)
			break;
		if (st != HVSNAP_OK) {
			if (++poll_failures < POLL_FAILURES_TOLERATED)
				continue;
			for (size_t i = 0; i < n; i++) {
				if (ts[i].state != 1)
					continue;
				fleet_emit_unfinished(r, h, &ts[i], st, err.message);
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
				uint64_t ran = now - (r->verb == V_RESET ? t->stage_started_ms : t->started_ms);
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
			if (!final) {
				running--;
				fleet_out_running(-1);
				fleet_emit_unfinished(r, h, t, HVSNAP_ERR_TIMEOUT, "timed out waiting for the job");
				continue;
			}
			step_result res = job_done(r, s, t, &err);
			if (res == GOES_ON)
				continue; /* a reset's next stage is under way */
			running--;
			fleet_out_running(-1);
			fleet_emit(r, h, t, res == ENDED_OK ? NULL : &err);
		}
		hvsnap_job_list_free(seen);
		look_for_off(r, h, s, ts, n, &running);
		/* resets in their ready/ip stage: one look at each guest */
		for (size_t i = 0; i < n && !hvsnap_session_interrupted(s); i++) {
			fleet_target *t = &ts[i];
			if (t->state != 1 || t->job || !is_guest_stage(t->stage))
				continue;
			step_result res = guest_look(r, s, t, &err);
			if (res == GOES_ON)
				continue;
			running--;
			fleet_out_running(-1);
			fleet_emit(r, h, t, res == ENDED_OK ? NULL : &err);
		}
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
