/* hvsnap apply / delete / rename / clear-state: verbs on one existing
 * snapshot of a VM. They share the resolution of VM and SNAPSHOT and the
 * result report; apply and rename leave a backup product's recovery
 * checkpoints alone unless named by GUID with --force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

typedef enum verb { VERB_APPLY, VERB_DELETE, VERB_RENAME, VERB_CLEAR_STATE } verb;

/* name, when not NULL, is the name to show instead of the snapshot's own
 * (a rename whose result could not be read back). */
static void print_done(const cli_options *o, verb v, const hvsnap_vm *vm,
                       const hvsnap_snapshot *snap, const char *name, const hvsnap_job *job)
{
	if (!name)
		name = hvsnap_snapshot_name(snap);
	if (o->json) {
		json_t *root = json_object();
		json_t *js = json_snapshot(snap);
		json_object_set_new(js, "name", json_str_or_null(name));
		if (v == VERB_DELETE) {
			/* It is gone: nothing is current any more, and it says so. */
			json_object_set_new(js, "current", json_false());
			json_object_set_new(js, "deleted", json_true());
		}
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "snapshot", js);
		json_object_set_new(root, "job", job ? json_job(job) : json_null());
		json_print(root);
		return;
	}
	switch (v) {
	case VERB_APPLY:
		printf("Applied checkpoint \"%s\" (%s) to %s\n", cli_safe(hvsnap_snapshot_name(snap)),
		       cli_safe(hvsnap_snapshot_id(snap)), cli_safe(hvsnap_vm_name(vm)));
		break;
	case VERB_DELETE:
		printf("Deleted checkpoint \"%s\" (%s)%s of %s\n", cli_safe(hvsnap_snapshot_name(snap)),
		       cli_safe(hvsnap_snapshot_id(snap)), o->tree ? " and its children" : "", cli_safe(hvsnap_vm_name(vm)));
		break;
	case VERB_RENAME:
		printf("Renamed checkpoint %s of %s to \"%s\"\n", cli_safe(hvsnap_snapshot_id(snap)),
		       cli_safe(hvsnap_vm_name(vm)), cli_safe(name));
		break;
	case VERB_CLEAR_STATE:
		printf("Cleared the saved state of checkpoint \"%s\" (%s) of %s\n",
		       cli_safe(hvsnap_snapshot_name(snap)), cli_safe(hvsnap_snapshot_id(snap)),
		       cli_safe(hvsnap_vm_name(vm)));
		break;
	}
}

static int run(const cli_options *o, verb v)
{
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	hvsnap_snapshot *snap = NULL;
	int rc = cli_open_vm_snapshot(o, v == VERB_APPLY || v == VERB_RENAME, &s, &vm, &snap);
	if (rc != EXIT_OK)
		return rc;
	static const char *const labels[] = { "Applying checkpoint", "Deleting checkpoint",
	                                      "Renaming checkpoint", "Clearing saved state" };
	progress_bar bar;
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	cli_wait_options(o, &bar, labels[v], &w);
	const char *shown_name = NULL;
	hvsnap_job *job = NULL;
	hvsnap_error err;
	hvsnap_status st;
	switch (v) {
	case VERB_APPLY:
		st = hvsnap_snapshot_apply(s, snap, &w, &job, &err);
		if (st == HVSNAP_OK)
			cli_reread(s, &vm, &snap);
		break;
	case VERB_DELETE:
		st = hvsnap_snapshot_delete(s, snap, o->tree, &w, &job, &err);
		break;
	case VERB_CLEAR_STATE:
		st = hvsnap_snapshot_clear_state(s, snap, &w, &job, &err);
		if (st == HVSNAP_OK) {
			/* Read it back, so that "saved" shows what the host has now. */
			hvsnap_snapshot *now = NULL;
			hvsnap_error read_err;
			if (hvsnap_snapshot_find(s, vm, hvsnap_snapshot_id(snap), &now, &read_err) == HVSNAP_OK) {
				hvsnap_snapshot_free(snap);
				snap = now;
			}
		}
		break;
	default:
		st = hvsnap_snapshot_rename(s, snap, o->args[2], &w, &err);
		if (st == HVSNAP_OK) {
			/* Read it back: the host may normalise the name. When the
			 * read fails the rename still happened: report the name we
			 * asked for, not the old one. */
			hvsnap_snapshot *renamed = NULL;
			hvsnap_error read_err;
			if (hvsnap_snapshot_find(s, vm, hvsnap_snapshot_id(snap), &renamed, &read_err) == HVSNAP_OK) {
				hvsnap_snapshot_free(snap);
				snap = renamed;
			} else {
				shown_name = o->args[2];
			}
		}
		break;
	}
	progress_done(&bar);
	if (st == HVSNAP_OK)
		print_done(o, v, vm, snap, shown_name, job);
	else
		rc = cli_report_job_error(o, &err, job);
	hvsnap_job_free(job);
	hvsnap_snapshot_free(snap);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}

int cmd_apply(const cli_options *o) { return run(o, VERB_APPLY); }
int cmd_delete(const cli_options *o) { return run(o, VERB_DELETE); }
int cmd_rename(const cli_options *o) { return run(o, VERB_RENAME); }
int cmd_clear_state(const cli_options *o) { return run(o, VERB_CLEAR_STATE); }
