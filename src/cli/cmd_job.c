/* hvsnap job JOBID [--wait]: show a Msvm_ConcreteJob, or wait for it. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

static void print_job(const cli_options *o, const hvsnap_job *job)
{
	if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "job", json_job(job));
		json_print(root);
		return;
	}
	printf("Job %s\n", cli_safe(hvsnap_job_id(job)));
	if (hvsnap_job_name(job))
		printf("  name:     %s\n", cli_safe(hvsnap_job_name(job)));
	printf("  state:    %s (%u)\n", hvsnap_job_state_text(hvsnap_job_state_code(job)), hvsnap_job_state_code(job));
	printf("  progress: %u%%\n", hvsnap_job_percent(job));
	if (hvsnap_job_error_code(job) || hvsnap_job_error_description(job))
		printf("  error:    %u %s\n", hvsnap_job_error_code(job),
		       hvsnap_job_error_description(job) ? cli_safe(hvsnap_job_error_description(job)) : "");
}

int cmd_job(const cli_options *o)
{
	hvsnap_session *s = NULL;
	int rc = cli_open_session(o, 1, &s);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_job *job = NULL;
	hvsnap_error err;
	hvsnap_status st;
	if (o->wait) {
		progress_bar bar;
		hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
		cli_wait_options(o, &bar, "Waiting for job", &w);
		st = hvsnap_job_wait(s, o->args[0], &w, &job, &err);
		progress_done(&bar);
	} else {
		st = hvsnap_job_get(s, o->args[0], &job, &err);
	}
	if (st == HVSNAP_OK)
		print_job(o, job);
	else
		rc = cli_report_job_error(o, &err, job);
	hvsnap_job_free(job);
	cli_close_session(s);
	return rc;
}
