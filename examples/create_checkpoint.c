/* Takes a checkpoint of one VM and follows its job with a progress
 * callback, lists the VM's checkpoints with the new one marked, then
 * deletes the new checkpoint again, so that running it twice leaves the
 * host as it found it.
 *
 *   ./create_checkpoint [VM]        (VM name or GUID, default "db01")
 *
 * Connection from the environment (see example_env.h). Exit 0, or non-zero
 * with the reason on stderr. */
#include <stdio.h>
#include <string.h>

#include <hvsnap/hvsnap.h>

#include "example_env.h"

#define NAME "create_checkpoint example"

/* Called after every poll of the job, on this thread. Prints the percentage
 * when it moved; returning non-zero would stop the wait (the job would go
 * on, and the create would return HVSNAP_ERR_CANCELLED). */
static int on_progress(const hvsnap_job *job, void *payload)
{
	int *last = payload;
	int percent = (int)hvsnap_job_percent(job);

	if (percent != *last) {
		printf("  %3d%%  %s\n", percent, hvsnap_job_state_text(hvsnap_job_state_code(job)));
		fflush(stdout);
		*last = percent;
	}
	return 0;
}

/* Prints the VM's checkpoints, parents before children. */
static int list_checkpoints(hvsnap_session *session, const hvsnap_vm *vm, const char *new_id)
{
	hvsnap_snapshot_list *list = NULL;
	hvsnap_error err;

	if (hvsnap_snapshot_list_get(session, vm, &list, &err) != HVSNAP_OK) {
		example_report("create_checkpoint", "cannot list the checkpoints", &err);
		return 1;
	}
	printf("checkpoints of %s:\n", hvsnap_vm_name(vm));
	for (size_t i = 0; i < hvsnap_snapshot_list_count(list); i++) {
		const hvsnap_snapshot *s = hvsnap_snapshot_list_at(list, i);
		const char *id = example_text(hvsnap_snapshot_id(s));
		printf("  %s %-28s %s%s\n", hvsnap_snapshot_is_current(s) ? "*" : " ",
		       example_text(hvsnap_snapshot_name(s)), id,
		       strcmp(id, new_id) == 0 ? "  (new)" : "");
	}
	hvsnap_snapshot_list_free(list);
	return 0;
}

int main(int argc, char **argv)
{
	const char *vm_name = argc > 1 ? argv[1] : "db01";
	hvsnap_session *session = NULL;
	hvsnap_vm *vm = NULL;
	hvsnap_snapshot *snap = NULL;
	hvsnap_job *job = NULL;
	hvsnap_error err;
	int last_percent = -1;
	int rc = example_open("create_checkpoint", NULL, 0, &session);

	if (rc != 0)
		return rc;
	if (hvsnap_vm_find(session, vm_name, &vm, &err) != HVSNAP_OK) {
		example_report("create_checkpoint", vm_name, &err);
		hvsnap_session_free(session);
		return 1;
	}

	hvsnap_create_options opts = HVSNAP_CREATE_OPTIONS_INIT;
	opts.name = NAME;
	opts.wait.timeout_ms = 10 * 60 * 1000;
	opts.wait.progress = on_progress;
	opts.wait.payload = &last_percent;
	printf("creating a checkpoint of %s\n", hvsnap_vm_name(vm));
	/* Blocks until the job ends (or the deadline passes). CreateSnapshot is
	 * sent once; on a failure after it left, job says what it became. */
	if (hvsnap_snapshot_create(session, vm, &opts, &snap, &job, &err) != HVSNAP_OK) {
		example_report("create_checkpoint", "the checkpoint was not made", &err);
		hvsnap_job_free(job);
		hvsnap_vm_free(vm);
		hvsnap_session_free(session);
		return 1;
	}
	printf("created \"%s\" (%s) with job %s\n", example_text(hvsnap_snapshot_name(snap)),
	       example_text(hvsnap_snapshot_id(snap)), example_text(hvsnap_job_id(job)));
	hvsnap_job_free(job);
	job = NULL;

	rc = list_checkpoints(session, vm, example_text(hvsnap_snapshot_id(snap)));

	/* Delete it again; a NULL wait means: wait without a deadline. */
	if (hvsnap_snapshot_delete(session, snap, 0, NULL, &job, &err) != HVSNAP_OK) {
		example_report("create_checkpoint", "cannot delete the new checkpoint", &err);
		rc = 1;
	} else {
		printf("deleted %s\n", example_text(hvsnap_snapshot_id(snap)));
	}
	hvsnap_job_free(job);
	hvsnap_snapshot_free(snap);
	hvsnap_vm_free(vm);
	hvsnap_session_free(session);
	return rc;
}
