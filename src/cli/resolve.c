/* Steps most commands share: open an authenticated session, find the VM and
 * the snapshot named on the command line, set up the job wait, and report
 * a failure that may carry a job. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

/* Without --wait-timeout, a job is given half an hour: long enough for a
 * large merge, short enough that a stuck pipeline ends. */
#define DEFAULT_WAIT_TIMEOUT_S 1800L

static const char *vm_name_at(const void *list, size_t i)
{
	return hvsnap_vm_name(hvsnap_vm_list_at(list, i));
}

/* A VM that is not there: the closest name, as git and kubectl suggest,
 * and where the names are listed. */
static void suggest_vm(hvsnap_session *s, const char *ref, hvsnap_error *err)
{
	hvsnap_vm_list *vms = NULL;
	hvsnap_error ignored;
	const char *near = NULL;
	if (hvsnap_vm_list_get(s, &vms, &ignored) == HVSNAP_OK)
		near = cli_closest(ref, vm_name_at, vms, hvsnap_vm_list_count(vms));
	size_t used = strlen(err->detail);
	snprintf(err->detail + used, sizeof(err->detail) - used, "%s%s%s%s'hvsnap vms' lists the VMs",
	         used ? "; " : "", near ? "did you mean '" : "", near ? near : "",
	         near ? "'? " : "");
	hvsnap_vm_list_free(vms);
}

static int cli_find_vm(const cli_options *o, hvsnap_session *s, const char *ref,
                       hvsnap_vm **vm)
{
	hvsnap_error err;
	if (hvsnap_vm_find(s, ref, vm, &err) != HVSNAP_OK) {
		if (err.kind == HVSNAP_ERR_NOT_FOUND)
			suggest_vm(s, ref, &err);
		return cli_report_error(o, &err);
	}
	return EXIT_OK;
}

int cli_open_vm(const cli_options *o, hvsnap_session **s, hvsnap_vm **vm)
{
	return cli_open_vm_named(o, o->args[0], s, vm);
}

int cli_open_vm_named(const cli_options *o, const char *ref, hvsnap_session **s,
                      hvsnap_vm **vm)
{
	*vm = NULL;
	int rc = cli_open_session(o, 1, s);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_find_vm(o, *s, ref, vm);
	if (rc != EXIT_OK) {
		cli_close_session(*s);
		*s = NULL;
	}
	return rc;
}

int cli_find_snapshot(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm,
                      const char *ref, hvsnap_snapshot **snap)
{
	hvsnap_error err;
	if (hvsnap_snapshot_find(s, vm, ref, snap, &err) != HVSNAP_OK)
		return cli_report_error(o, &err);
	return EXIT_OK;
}

uint32_t cli_wait_timeout_ms(const cli_options *o, long default_s)
{
	return (uint32_t)((o->wait_timeout_s >= 0 ? o->wait_timeout_s : default_s) * 1000L);
}

int cli_find_target_snapshot(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm,
                             const char *ref, hvsnap_snapshot **snap)
{
	int rc = cli_find_snapshot(o, s, vm, ref, snap);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_error why;
	if (hvsnap_snapshot_check_target(*snap, ref, o->force, &why) == HVSNAP_OK)
		return EXIT_OK;
	hvsnap_snapshot_free(*snap);
	*snap = NULL;
	return cli_report_error(o, &why);
}

int cli_open_vm_snapshot(const cli_options *o, int as_target, hvsnap_session **s,
                         hvsnap_vm **vm, hvsnap_snapshot **snap)
{
	*snap = NULL;
	int rc = cli_open_vm(o, s, vm);
	if (rc != EXIT_OK)
		return rc;
	rc = as_target ? cli_find_target_snapshot(o, *s, *vm, o->args[1], snap)
	               : cli_find_snapshot(o, *s, *vm, o->args[1], snap);
	if (rc != EXIT_OK) {
		hvsnap_vm_free(*vm);
		cli_close_session(*s);
		*vm = NULL;
		*s = NULL;
	}
	return rc;
}

void cli_wait_options(const cli_options *o, progress_bar *bar, const char *label,
                      hvsnap_wait_options *w)
{
	progress_init(bar, label, o->verbose);
	w->timeout_ms = cli_wait_timeout_ms(o, DEFAULT_WAIT_TIMEOUT_S);
	w->progress = progress_update;
	w->payload = bar;
	w->no_wait = o->no_wait;
}

int cli_report_job_error(const cli_options *o, const hvsnap_error *err,
                         const hvsnap_job *job)
{
	if (!o->json) {
		int rc = cli_report_error(o, err);
		if (!err->job_id[0] && job && hvsnap_job_id(job))
			cli_print_job_hint(hvsnap_job_id(job), !hvsnap_job_state_is_final(
			                                           hvsnap_job_state_code(job)));
		return rc;
	}
	json_t *root = json_object();
	json_object_set_new(root, "error", cli_json_error(o, err));
	if (job)
		json_object_set_new(root, "job", json_job(job));
	json_print(root);
	return cli_exit_code(err->kind);
}

/* After a change, the JSON shows the VM and the snapshot as they are now
 * (an apply makes it current and changes the VM's state); when reading
 * back fails the change still happened, and the old values stay. */
void cli_reread(hvsnap_session *s, hvsnap_vm **vm, hvsnap_snapshot **snap)
{
	hvsnap_error ignored;
	hvsnap_vm *v = NULL;
	if (hvsnap_vm_find(s, hvsnap_vm_id(*vm), &v, &ignored) == HVSNAP_OK) {
		hvsnap_vm_free(*vm);
		*vm = v;
	}
	hvsnap_snapshot *now = NULL;
	if (hvsnap_snapshot_find(s, *vm, hvsnap_snapshot_id(*snap), &now, &ignored) == HVSNAP_OK) {
		hvsnap_snapshot_free(*snap);
		*snap = now;
	}
}
