/* hvsnap start / stop / save / pause / resume VM: one state change each,
 * waited for, reporting the state reached. stop asks the guest to shut
 * down unless --turn-off, and never falls back to a hard power-off. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/power_out.h"
#include "cli/resolve.h"

/* Power verbs wait five minutes by default (CLI.md): a VM that has not
 * changed state by then is stuck. */
#define POWER_WAIT_TIMEOUT_S 300L

static void print_done(const cli_options *o, const char *verb, const hvsnap_vm *vm,
                       const hvsnap_job *job, uint64_t elapsed_ms)
{
	if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "job", job ? json_job(job) : json_null());
		json_object_set_new(root, "elapsed_ms", json_integer((json_int_t)elapsed_ms));
		json_print(root);
		return;
	}
	printf("%s %s: now %s (%.1f s)\n", verb, cli_safe(hvsnap_vm_name(vm)),
	       hvsnap_vm_state_text(hvsnap_vm_state_code(vm)), (double)elapsed_ms / 1000.0);
}

/* The hint the tool adds when a graceful stop cannot happen. */
static void stop_hint(const cli_options *o, const hvsnap_error *err)
{
	if (!o->json && err->kind == HVSNAP_ERR_FAILED)
		fprintf(stderr, "  to power it off without asking the guest: "
		                "hvsnap stop %s --turn-off\n", cli_safe(o->args[0]));
}

static int run(const cli_options *o, const char *verb, const char *label, int action)
{
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	progress_bar bar;
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	cli_wait_options(o, &bar, label, &w);
	w.timeout_ms = cli_wait_timeout_ms(o, POWER_WAIT_TIMEOUT_S);
	hvsnap_job *job = NULL;
	hvsnap_error err;
	uint64_t began = cli_now_ms();
	hvsnap_status st;
	if (action == 0) {
		/* graceful stop */
		hvsnap_shutdown_options so = HVSNAP_SHUTDOWN_OPTIONS_INIT;
		so.force = o->force;
		so.wait = w;
		st = hvsnap_vm_shutdown(s, vm, &so, &err);
	} else {
		st = hvsnap_vm_change_state(s, vm, (hvsnap_power_action)action, &w, &job, &err);
	}
	if (st == HVSNAP_OK && o->wait_ready) {
		hvsnap_vm_wait_options vw = HVSNAP_VM_WAIT_OPTIONS_INIT;
		vw.until = HVSNAP_UNTIL_READY;
		vw.timeout_ms = cli_wait_timeout_ms(o, POWER_WAIT_TIMEOUT_S);
		st = hvsnap_vm_wait(s, vm, &vw, NULL, &err);
	}
	progress_done(&bar);
	if (st == HVSNAP_OK) {
		print_done(o, verb, vm, job, cli_now_ms() - began);
	} else {
		rc = cli_report_job_error(o, &err, job);
		if (action == 0)
			stop_hint(o, &err);
	}
	hvsnap_job_free(job);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}

int cmd_start(const cli_options *o)
{
	return run(o, "Started", "Starting", HVSNAP_POWER_START);
}

int cmd_stop(const cli_options *o)
{
	if (o->turn_off && o->force)
		return cli_report_usage(o, "--force asks the guest to close its applications; "
		                        "--turn-off does not ask the guest at all: give one");
	if (o->turn_off)
		return run(o, "Turned off", "Turning off", HVSNAP_POWER_TURN_OFF);
	return run(o, "Shut down", "Shutting down", 0);
}

int cmd_save(const cli_options *o)
{
	return run(o, "Saved", "Saving", HVSNAP_POWER_SAVE);
}

int cmd_pause(const cli_options *o)
{
	return run(o, "Paused", "Pausing", HVSNAP_POWER_PAUSE);
}

int cmd_resume(const cli_options *o)
{
	return run(o, "Resumed", "Resuming", HVSNAP_POWER_START);
}
