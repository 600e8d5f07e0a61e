/* The CI reset: turn off (if running or paused), apply, start, then wait
 * for the heartbeat and an address. Each stage is timed and reported as
 * it ends; a failure names its stage and the state the VM was left in. */
#include <stdio.h>
#include <string.h>

#include "hvsnap/power.h"
#include "hvsnap/reset.h"
#include "hyperv/objects.h"
#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"

const char *hvsnap_reset_stage_name(hvsnap_reset_stage stage)
{
	switch (stage) {
	case HVSNAP_RESET_TURN_OFF: return "turn_off";
	case HVSNAP_RESET_APPLY: return "apply";
	case HVSNAP_RESET_START: return "start";
	case HVSNAP_RESET_READY: return "ready";
	case HVSNAP_RESET_IP: return "ip";
	}
	return "none";
}

hvsnap_reset_stage hvsnap_reset_next_stage(hvsnap_reset_stage done, uint32_t vm_state,
                                           const hvsnap_reset_options *opts)
{
	static const hvsnap_reset_options none = HVSNAP_RESET_OPTIONS_INIT;
	if (!opts)
		opts = &none;
	switch ((int)done) {
	case 0:
		/* Off and Saved can take the checkpoint as they are; anything
		 * else (running, paused, in transition) is turned off, its state
		 * thrown away. */
		if (vm_state != HVSNAP_VM_OFF && vm_state != HVSNAP_VM_SAVED)
			return HVSNAP_RESET_TURN_OFF;
		return HVSNAP_RESET_APPLY;
	case HVSNAP_RESET_TURN_OFF:
		return HVSNAP_RESET_APPLY;
	case HVSNAP_RESET_APPLY:
		if (opts->no_start)
			return 0;
		return HVSNAP_RESET_START;
	case HVSNAP_RESET_START:
		if (opts->wait_ready)
			return HVSNAP_RESET_READY;
		/* fall through */
	case HVSNAP_RESET_READY:
		if (opts->wait_ip)
			return HVSNAP_RESET_IP;
		return 0;
	default:
		return 0;
	}
}

hvsnap_status hvsnap_reset_options_init(hvsnap_reset_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_RESET_OPTIONS_VERSION, hvsnap_reset_options,
	                       HVSNAP_RESET_OPTIONS_INIT);
}

typedef struct reset_run {
	hvsnap_session *s;
	hvsnap_vm *vm;
	const hvsnap_reset_options *opts;
	uint64_t start_ms;
	hvsnap_guest *guest;
	hvsnap_reset_stage last_done;   /* 0 before the first stage ends */
} reset_run;

/* What is left of the deadline for the next stage (0: none; at least 1 ms
 * once it has passed, so the stage itself reports the timeout). */
static uint32_t time_left(const reset_run *r)
{
	if (!r->opts->timeout_ms)
		return 0;
	uint64_t spent = hvs_platform_monotonic_ms() - r->start_ms;
	return spent >= r->opts->timeout_ms ? 1 : (uint32_t)(r->opts->timeout_ms - spent);
}

/* Reports a stage's end; non-zero when the caller asked to stop. */
static int report(reset_run *r, hvsnap_reset_stage stage, int ok, uint64_t began)
{
	if (ok)
		r->last_done = stage;
	if (!r->opts->stage_done)
		return 0;
	return r->opts->stage_done(stage, ok, hvs_platform_monotonic_ms() - began, r->vm,
	                           stage >= HVSNAP_RESET_READY ? r->guest : NULL,
	                           r->opts->payload);
}

/* Rewrites err to name the failed stage and the VM's state now. */
static hvsnap_status stage_failed(reset_run *r, hvsnap_reset_stage stage, hvsnap_status st,
                                  uint64_t began, hvsnap_error *err)
{
	report(r, stage, 0, began);
	char why[sizeof(err->message)];
	hvs_str_copy(why, sizeof(why), err->message);
	hvsnap_error state_err;
	int known = hvsnap_vm_refresh(r->s, r->vm, &state_err) == HVSNAP_OK;
	char detail[sizeof(err->detail)];
	hvs_str_copy(detail, sizeof(detail), err->detail);
	long code = (long)err->code;
	hvsnap_code_kind code_kind = err->code_kind;
	char job_id[sizeof(err->job_id)];
	hvs_str_copy(job_id, sizeof(job_id), err->job_id);
	hvs_err_set(err, st, code, "reset of VM %s failed at stage %s: %s", r->vm->name,
	            hvsnap_reset_stage_name(stage), why);
	err->code_kind = code_kind;
	hvs_str_copy(err->job_id, sizeof(err->job_id), job_id);
	if (known)
		hvs_err_add_detail(err, "the VM is now %s", hvsnap_vm_state_text(r->vm->state));
	else
		hvs_err_add_detail(err, "the VM's state could not be read: %s", state_err.message);
	if (detail[0])
		hvs_err_add_detail(err, "%s", detail);
	return st;
}

static hvsnap_status cancelled(reset_run *r, hvsnap_error *err)
{
	hvs_err_set(err, HVSNAP_ERR_CANCELLED, 0, "reset of VM %s stopped after stage %s",
	            r->vm->name, hvsnap_reset_stage_name(r->last_done));
	if (hvsnap_vm_refresh(r->s, r->vm, NULL) == HVSNAP_OK)
		hvs_err_add_detail(err, "the VM is now %s", hvsnap_vm_state_text(r->vm->state));
	return HVSNAP_ERR_CANCELLED;
}

/* Turn off or start: one state change and its job. */
static hvsnap_status run_power(reset_run *r, hvsnap_reset_stage stage, hvsnap_error *err)
{
	uint64_t began = hvs_platform_monotonic_ms();
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	w.timeout_ms = time_left(r);
	hvsnap_job *job = NULL;
	hvsnap_status st = hvsnap_vm_change_state(r->s, r->vm, stage == HVSNAP_RESET_TURN_OFF
	                                          ? HVSNAP_POWER_TURN_OFF : HVSNAP_POWER_START,
	                                          &w, &job, err);
	hvsnap_job_free(job);
	if (st != HVSNAP_OK)
		return stage_failed(r, stage, st, began, err);
	return report(r, stage, 1, began) ? HVSNAP_ERR_CANCELLED : HVSNAP_OK;
}

static hvsnap_status run_apply(reset_run *r, const hvsnap_snapshot *snap, hvsnap_error *err)
{
	uint64_t began = hvs_platform_monotonic_ms();
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	w.timeout_ms = time_left(r);
	hvsnap_job *job = NULL;
	hvsnap_status st = hvsnap_snapshot_apply(r->s, snap, &w, &job, err);
	hvsnap_job_free(job);
	if (st != HVSNAP_OK)
		return stage_failed(r, HVSNAP_RESET_APPLY, st, began, err);
	/* A standard checkpoint comes back Saved, a production one Off. */
	if (hvsnap_vm_refresh(r->s, r->vm, err) != HVSNAP_OK)
		return stage_failed(r, HVSNAP_RESET_APPLY, err->kind, began, err);
	return report(r, HVSNAP_RESET_APPLY, 1, began) ? HVSNAP_ERR_CANCELLED : HVSNAP_OK;
}

static hvsnap_status run_wait(reset_run *r, hvsnap_reset_stage stage, hvsnap_error *err)
{
	uint64_t began = hvs_platform_monotonic_ms();
	hvsnap_vm_wait_options w = HVSNAP_VM_WAIT_OPTIONS_INIT;
	w.until = stage == HVSNAP_RESET_READY ? HVSNAP_UNTIL_READY : HVSNAP_UNTIL_IPV4;
	w.timeout_ms = time_left(r);
	hvsnap_guest *g = NULL;
	hvsnap_status st = hvsnap_vm_wait(r->s, r->vm, &w, &g, err);
	if (g) {
		hvsnap_guest_free(r->guest);
		r->guest = g;
	}
	if (st != HVSNAP_OK)
		return stage_failed(r, stage, st, began, err);
	return report(r, stage, 1, began) ? HVSNAP_ERR_CANCELLED : HVSNAP_OK;
}

hvsnap_status hvsnap_vm_reset(hvsnap_session *s, hvsnap_vm *vm, const hvsnap_snapshot *snap,
                              const hvsnap_reset_options *opts, hvsnap_guest **guest,
                              hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;
	hvsnap_error_clear(err);
	if (guest)
		*guest = NULL;
	hvsnap_reset_options none = HVSNAP_RESET_OPTIONS_INIT;
	if (!opts)
		opts = &none;
	if (hvs_check_version(err, "reset options", opts, HVSNAP_RESET_OPTIONS_VERSION))
		return HVSNAP_ERR_USAGE;
	if (!vm || !snap)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "reset needs a VM and a checkpoint");
	if (opts->no_start && (opts->wait_ready || opts->wait_ip))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "waiting for the guest needs the VM to be started");
	reset_run r = { s, vm, opts, hvs_platform_monotonic_ms(), NULL, 0 };
	hvsnap_status st = hvsnap_vm_refresh(s, vm, err);
	for (hvsnap_reset_stage stage = hvsnap_reset_next_stage(0, vm->state, opts);
	     st == HVSNAP_OK && stage; stage = hvsnap_reset_next_stage(stage, vm->state, opts)) {
		if (stage == HVSNAP_RESET_APPLY)
			st = run_apply(&r, snap, err);
		else if (stage == HVSNAP_RESET_READY || stage == HVSNAP_RESET_IP)
			st = run_wait(&r, stage, err);
		else
			st = run_power(&r, stage, err);
	}
	if (st == HVSNAP_ERR_CANCELLED && err->kind != HVSNAP_ERR_CANCELLED)
		st = cancelled(&r, err);
	if (guest)
		*guest = r.guest;
	else
		hvsnap_guest_free(r.guest);
	return st;
}
