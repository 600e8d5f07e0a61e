/* hvsnap create VM: take a checkpoint (of the kind and with the settings
 * asked for), wait for it with progress, report the new snapshot. */
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

/* value among names[] (NULL-terminated) gives codes[] at its index; NULL
 * value leaves *out alone. -1 for anything else. */
static int parse_word(const char *value, const char *const *names, const int *codes, int *out)
{
	if (!value)
		return 0;
	for (size_t i = 0; names[i]; i++)
		if (strcmp(value, names[i]) == 0) {
			*out = codes[i];
			return 0;
		}
	return -1;
}

static int parse_settings(const cli_options *o, hvsnap_create_options *co)
{
	static const char *const kinds[] = { "full", "disk", "recovery", NULL };
	static const int kind_codes[] = { HVSNAP_SNAPSHOT_FULL, HVSNAP_SNAPSHOT_DISK,
	                                  HVSNAP_SNAPSHOT_RECOVERY };
	static const char *const levels[] = { "application", "crash", NULL };
	static const int level_codes[] = { HVSNAP_CONSISTENCY_APPLICATION, HVSNAP_CONSISTENCY_CRASH };
	static const char *const backups[] = { "full", "copy", NULL };
	static const int backup_codes[] = { HVSNAP_GUEST_BACKUP_FULL, HVSNAP_GUEST_BACKUP_COPY };
	int v = co->kind;
	if (parse_word(o->kind, kinds, kind_codes, &v) != 0)
		return cli_report_usage(o, "--kind: '%s' is not full, disk or recovery", o->kind);
	co->kind = (hvsnap_snapshot_kind)v;
	v = co->consistency;
	if (parse_word(o->consistency, levels, level_codes, &v) != 0)
		return cli_report_usage(o, "--consistency: '%s' is not application or crash",
		                        o->consistency);
	co->consistency = (hvsnap_consistency)v;
	v = co->guest_backup_type;
	if (parse_word(o->guest_backup_type, backups, backup_codes, &v) != 0)
		return cli_report_usage(o, "--guest-backup-type: '%s' is not full or copy",
		                        o->guest_backup_type);
	co->guest_backup_type = (hvsnap_guest_backup_type)v;
	co->ignore_non_snapshottable_disks = o->ignore_nonsnap;
	return EXIT_OK;
}

static void print_result(const cli_options *o, const hvsnap_vm *vm,
                         const hvsnap_snapshot *snap, const hvsnap_job *job)
{
	if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		if (snap) {
			json_object_set_new(root, "snapshot", json_snapshot(snap));
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
	printf("  kind:    %s%s\n", hvsnap_snapshot_role_name(hvsnap_snapshot_kind_of(snap)),
	       hvsnap_snapshot_is_saved(snap) ? ", saved state" : "");
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
	int rc = parse_settings(o, &co);
	if (rc != EXIT_OK)
		return rc;
	if (o->no_wait && (o->name || o->type))
		return cli_report_usage(o, "--no-wait cannot be combined with --name or --type: "
		                        "both need the finished checkpoint");

	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	progress_bar bar;
	cli_wait_options(o, &bar, "Creating checkpoint", &co.wait);
	hvsnap_snapshot *snap = NULL;
	hvsnap_job *job = NULL;
	hvsnap_error err;
	hvsnap_status st = hvsnap_snapshot_create(s, vm, &co, &snap, &job, &err);
	progress_done(&bar);
	/* No read-back as after apply: a create changes neither the VM's
	 * state nor anything of the new checkpoint the library did not see. */
	if (st == HVSNAP_OK)
		print_result(o, vm, snap, job);
	else
		rc = cli_report_job_error(o, &err, job);
	hvsnap_snapshot_free(snap);
	hvsnap_job_free(job);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}
