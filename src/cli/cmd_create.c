/* hvsnap create VM: take a checkpoint, wait for it with progress, report
 * the new snapshot. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

static int parse_type(const char *text, hvsnap_checkpoint_type *out)
{
	if (!text) {
		*out = HVSNAP_CHECKPOINT_UNCHANGED;
		return 0;
	}
	if (strcmp(text, "standard") == 0) *out = HVSNAP_CHECKPOINT_STANDARD;
	else if (strcmp(text, "production") == 0) *out = HVSNAP_CHECKPOINT_PRODUCTION;
	else if (strcmp(text, "production-only") == 0) *out = HVSNAP_CHECKPOINT_PRODUCTION_ONLY;
	else return -1;
	return 0;
}

static void print_result(const cli_options *o, const hvsnap_vm *vm,
                         const hvsnap_snapshot *snap, const hvsnap_job *job)
{
	if (o->json) {
		json_t *root = json_object();
		json_t *v = json_object();
		json_object_set_new(v, "name", json_str_or_null(hvsnap_vm_name(vm)));
		json_object_set_new(v, "id", json_str_or_null(hvsnap_vm_id(vm)));
		json_object_set_new(root, "vm", v);
		if (snap) {
			json_t *js = json_snapshot(snap);
			json_object_del(js, "current");
			json_object_set_new(root, "snapshot", js);
		} else {
			json_object_set_new(root, "snapshot", json_null());
		}
		json_object_set_new(root, "job", job ? json_job(job) : json_null());
		json_print(root);
		return;
	}
	if (!snap) {
		printf("Checkpoint of %s started: job %s\n", cli_safe(hvsnap_vm_name(vm)),
		       cli_safe(job ? hvsnap_job_id(job) : NULL));
		return;
	}
	printf("Created checkpoint \"%s\" of %s\n", cli_safe(hvsnap_snapshot_name(snap)), cli_safe(hvsnap_vm_name(vm)));
	printf("  id:      %s\n", cli_safe(hvsnap_snapshot_id(snap)));
	if (hvsnap_snapshot_created(snap))
		printf("  created: %s\n", cli_safe(hvsnap_snapshot_created(snap)));
	if (hvsnap_snapshot_parent_id(snap))
		printf("  parent:  %s\n", cli_safe(hvsnap_snapshot_parent_id(snap)));
	if (job)
		printf("  job:     %s (%s, %.1f s)\n", cli_safe(hvsnap_job_id(job)), hvsnap_job_state_text(hvsnap_job_state_code(job)),
		       (double)hvsnap_job_elapsed_ms(job) / 1000.0);
}

int cmd_create(const cli_options *o)
{
	hvsnap_create_options co = HVSNAP_CREATE_OPTIONS_INIT;
	co.name = o->name;
	if (parse_type(o->type, &co.type) != 0)
		return cli_report_usage(o, "--type: '%s' is not standard, production or production-only",
		                        o->type);
	if (o->no_wait && (o->name || o->type))
		return cli_report_usage(o, "--no-wait cannot be combined with --name or --type: "
		                        "both need the finished checkpoint");

	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	progress_bar bar;
	cli_wait_options(o, &bar, "Creating checkpoint", &co.wait);
	hvsnap_snapshot *snap = NULL;
	hvsnap_job *job = NULL;
	hvsnap_error err;
	hvsnap_status st = hvsnap_snapshot_create(s, vm, &co, &snap, &job, &err);
	progress_done(&bar);
	if (st == HVSNAP_OK)
		print_result(o, vm, snap, job);
	else
		rc = cli_report_job_error(o, &err, job);
	hvsnap_snapshot_free(snap);
	hvsnap_job_free(job);
	hvsnap_vm_free(vm);
	hvsnap_session_free(s);
	return rc;
}
