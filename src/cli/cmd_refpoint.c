/* hvsnap refpoint convert|list|delete: a VM's reference points (what
 * backup software keeps of a recovery checkpoint for change tracking). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

static void print_refpoint_text(const hvsnap_refpoint *rp)
{
	const char *created = hvsnap_refpoint_created(rp);
	printf("%s  %-4s %-11s %s%s\n", cli_safe(hvsnap_refpoint_id(rp)),
	       hvsnap_refpoint_type_name(hvsnap_refpoint_type_of(rp)),
	       cli_consistency_name(hvsnap_refpoint_consistency(rp)), created ? cli_safe(created) : "-",
	       hvsnap_refpoint_has_associated_data(rp) ? "  (associated data)" : "");
	for (size_t i = 0; i < hvsnap_refpoint_disk_id_count(rp); i++)
		printf("    disk: %s\n", cli_safe(hvsnap_refpoint_disk_id_at(rp, i)));
	for (size_t i = 0; i < hvsnap_refpoint_rct_id_count(rp); i++)
		printf("    rct:  %s\n", cli_safe(hvsnap_refpoint_rct_id_at(rp, i)));
}

static int run_list(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm)
{
	hvsnap_refpoint_list *list = NULL;
	hvsnap_error err;
	if (hvsnap_refpoint_list_get(s, vm, &list, &err) != HVSNAP_OK)
		return cli_report_error(o, &err);
	size_t n = hvsnap_refpoint_list_count(list);
	if (o->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_refpoint(hvsnap_refpoint_list_at(list, i)));
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "refpoints", arr);
		json_print(root);
	} else {
		printf("%s (%s)\n", cli_safe(hvsnap_vm_name(vm)), cli_safe(hvsnap_vm_id(vm)));
		if (n == 0)
			printf("  no reference points\n");
		else
			printf("%-36s  %-4s %-11s %s\n", "ID", "TYPE", "CONSISTENCY", "CREATED");
		for (size_t i = 0; i < n; i++)
			print_refpoint_text(hvsnap_refpoint_list_at(list, i));
	}
	hvsnap_refpoint_list_free(list);
	return EXIT_OK;
}

static void print_json_result(const hvsnap_vm *vm, const hvsnap_snapshot *snap,
                              const hvsnap_refpoint *rp, const hvsnap_job *job)
{
	json_t *root = json_object();
	json_object_set_new(root, "vm", json_vm(vm));
	if (snap)
		json_object_set_new(root, "snapshot", json_snapshot(snap));
	json_object_set_new(root, "refpoint", rp ? json_refpoint(rp) : json_null());
	json_object_set_new(root, "job", job ? json_job(job) : json_null());
	json_print(root);
}

static int run_convert(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm)
{
	hvsnap_snapshot *snap = NULL;
	int rc = cli_find_snapshot(o, s, vm, o->args[2], &snap);
	if (rc != EXIT_OK)
		return rc;
	progress_bar bar;
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	cli_wait_options(o, &bar, "Converting to a reference point", &w);
	hvsnap_refpoint *rp = NULL;
	hvsnap_job *job = NULL;
	hvsnap_error err;
	hvsnap_status st = hvsnap_refpoint_convert(s, snap, &w, &rp, &job, &err);
	progress_done(&bar);
	if (st != HVSNAP_OK) {
		rc = cli_report_job_error(o, &err, job);
	} else if (o->json) {
		print_json_result(vm, snap, rp, job);
	} else {
		printf("Converted recovery checkpoint \"%s\" (%s) of %s to reference point %s\n",
		       cli_safe(hvsnap_snapshot_name(snap)), cli_safe(hvsnap_snapshot_id(snap)),
		       cli_safe(hvsnap_vm_name(vm)), cli_safe(hvsnap_refpoint_id(rp)));
		print_refpoint_text(rp);
	}
	hvsnap_refpoint_free(rp);
	hvsnap_job_free(job);
	hvsnap_snapshot_free(snap);
	return rc;
}

static int run_delete(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm)
{
	hvsnap_refpoint *rp = NULL;
	hvsnap_error err;
	if (hvsnap_refpoint_find(s, vm, o->args[2], &rp, &err) != HVSNAP_OK)
		return cli_report_error(o, &err);
	progress_bar bar;
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	cli_wait_options(o, &bar, "Deleting reference point", &w);
	hvsnap_job *job = NULL;
	hvsnap_status st = hvsnap_refpoint_delete(s, rp, &w, &job, &err);
	progress_done(&bar);
	int rc = EXIT_OK;
	if (st != HVSNAP_OK)
		rc = cli_report_job_error(o, &err, job);
	else if (o->json)
		print_json_result(vm, NULL, rp, job);
	else
		printf("Deleted reference point %s of %s\n", cli_safe(hvsnap_refpoint_id(rp)),
		       cli_safe(hvsnap_vm_name(vm)));
	hvsnap_job_free(job);
	hvsnap_refpoint_free(rp);
	return rc;
}

int cmd_refpoint(const cli_options *o)
{
	static const struct {
		const char *name;
		int n_args;   /* with the subcommand itself */
		int (*run)(const cli_options *, hvsnap_session *, const hvsnap_vm *);
	} subs[] = {
		{ "convert", 3, run_convert },
		{ "list", 2, run_list },
		{ "delete", 3, run_delete },
	};
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(o->args[0], subs[i].name) != 0)
			continue;
		if (o->n_args != subs[i].n_args)
			return cli_report_usage(o, "'refpoint %s' takes %s; see 'hvsnap refpoint --help'",
			                        subs[i].name, subs[i].n_args == 2 ? "VM" : "VM and one id");
		hvsnap_session *s = NULL;
		hvsnap_vm *vm = NULL;
		int rc = cli_open_vm_named(o, o->args[1], &s, &vm);
		if (rc != EXIT_OK)
			return rc;
		rc = subs[i].run(o, s, vm);
		hvsnap_vm_free(vm);
		cli_close_session(s);
		return rc;
	}
	return cli_report_usage(o, "unknown refpoint command '%s' (convert, list or delete)",
	                        o->args[0]);
}
