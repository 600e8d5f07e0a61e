/* Following an Msvm_ConcreteJob: one Get, or a poll loop with backoff, a
 * wall-clock deadline and a progress callback. Every verb waits through
 * this one implementation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "hyperv/classes.h"
#include "hyperv/invoke.h"
#include "hyperv/props.h"
#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/response.h"

#define POLL_FIRST_MS 100u
#define POLL_MAX_MS 1000u
/* Consecutive failed polls tolerated (a host restarting WinRM, a dropped
 * connection) before giving up. */
#define MAX_POLL_FAILURES 5

void hvsnap_job_free(hvsnap_job *job)
{
	if (!job)
		return;
	free(job->id);
	free(job->error_description);
	free(job->name);
	free(job);
}

hvsnap_status hvsnap_job_get(hvsnap_session *s, const char *job_id,
                             hvsnap_job **out, hvsnap_error *err)
{
	*out = NULL;
	hvsnap_error local;
	if (!err)
		err = &local;   /* err is optional, but the not-found path reads it */
	if (!job_id || !*job_id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no job id given");
	hvsnap_epr *epr = hvs_epr_with(URI_CONCRETE_JOB, "InstanceID", job_id);
	if (!epr)
		return hvs_err_nomem(err);
	hvsnap_cim_instance *inst = NULL;
	hvsnap_status st = hvsnap_wsman_get(s, epr, &inst, err);
	hvsnap_epr_free(epr);
	if (st == HVSNAP_ERR_NOT_FOUND) {
		/* hvs_err_set clears the detail, so the hint goes in after it. */
		char reason[sizeof(err->message)];
		hvs_str_copy(reason, sizeof(reason), err->message);
		hvs_err_set(err, HVSNAP_ERR_NOT_FOUND, err->code, "job %s does not exist on the host", job_id);
		hvs_err_add_detail(err, "the host keeps a job for about 5 minutes after it ends");
		hvs_err_add_detail(err, "host said: %s", reason);
		return st;
	}
	if (st != HVSNAP_OK)
		return st;
	hvsnap_job *job = calloc(1, sizeof(*job));
	if (!job) {
		hvsnap_cim_instance_free(inst);
		return hvs_err_nomem(err);
	}
	job->id = hvs_str_dup(job_id);
	job->state = (unsigned)hvs_prop_uint(inst, "JobState", 0);
	job->percent = (unsigned)hvs_prop_uint(inst, "PercentComplete", 0);
	job->error_code = hvs_prop_uint(inst, "ErrorCode", 0);
	job->error_description = hvs_prop_dup(inst, "ErrorDescription");
	job->name = hvs_prop_dup(inst, "ElementName");
	if (!job->name)
		job->name = hvs_prop_dup(inst, "Caption");
	int has_state = hvsnap_cim_get_text(inst, "JobState") != NULL;
	hvsnap_cim_instance_free(inst);
	if (!job->id) {
		hvsnap_job_free(job);
		return hvs_err_nomem(err);
	}
	if (!has_state) {
		hvsnap_job_free(job);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "the host's answer for job %s has no JobState", job_id);
	}
	if (job->percent > 100)
		job->percent = 100;
	*out = job;
	return HVSNAP_OK;
}

/* Adds host text as one item of err->detail, which stderr shows on one
 * indented line and --json as a string: runs of white space and control
 * characters (Windows texts carry CRLFs) become one space, and text that
 * does not fit is cut at a UTF-8 character boundary, because
 * hvs_err_add_detail cuts bytes and a detail that is not UTF-8 is dropped
 * from the JSON error altogether. */
static void add_host_line(hvsnap_error *err, const char *text)
{
	char line[sizeof(err->detail)];
	size_t used = strlen(err->detail), n = 0;
	if (used + 3 >= sizeof(err->detail))
		return;
	size_t room = sizeof(err->detail) - 1 - used - (used ? 2 : 0);
	int gap = 0;
	for (const unsigned char *p = (const unsigned char *)text;
	     *p && n + 2 < sizeof(line); p++) {
		if (*p <= ' ' || *p == 0x7f) {
			gap = n > 0;
			continue;
		}
		if (gap)
			line[n++] = ' ';
		gap = 0;
		line[n++] = (char)*p;
	}
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80)
			n--;
		while (n > 0 && line[n - 1] == ' ')
			n--;
	}
	line[n] = '\0';
	if (n)
		hvs_err_add_detail(err, "%s", line);
}

/* Asks the job for its Msvm_Error when ErrorDescription says nothing. */
static void add_error_message(hvsnap_session *s, const char *job_id,
                              hvsnap_error *err)
{
	hvsnap_epr *epr = hvs_epr_with(URI_CONCRETE_JOB, "InstanceID", job_id);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_invoke_result *r = NULL;
	if (epr && p && hvsnap_wsman_invoke(s, epr, "GetError", p, &r, NULL) == HVSNAP_OK &&
	    r->has_return_value && r->return_value == 0) {
		const char *text = hvsnap_cim_get_text(r->output, "Error");
		hvsnap_cim_instance *e = NULL;
		if (text && hvs_wsman_cimxml_parse(text, strlen(text), &e, NULL) == HVSNAP_OK) {
			const char *msg = hvsnap_cim_get_text(e, "Message");
			if (msg)
				add_host_line(err, msg);
			hvsnap_cim_instance_free(e);
		}
	}
	hvsnap_invoke_result_free(r);
	hvsnap_params_free(p);
	hvsnap_epr_free(epr);
}

static hvsnap_status job_outcome(hvsnap_session *s, const hvsnap_job *job,
                                 hvsnap_error *err)
{
	if (job->state == JOB_COMPLETED || job->state == JOB_COMPLETED_WITH_WARNINGS)
		return HVSNAP_OK;
	const char *what = job->error_description && *job->error_description
	                   ? job->error_description
	                   : hvsnap_return_code_text(job->error_code);
	hvs_err_set(err, HVSNAP_ERR_FAILED, (long)job->error_code, "%s", what);
	hvs_err_add_detail(err, "job %s ended in state %u (%s), error code %lu (%s)", job->id,
	               job->state, hvsnap_job_state_text(job->state), job->error_code,
	               hvsnap_return_code_text(job->error_code));
	if (!job->error_description || !*job->error_description)
		add_error_message(s, job->id, err);
	return HVSNAP_ERR_FAILED;
}

hvsnap_status hvsnap_job_wait(hvsnap_session *s, const char *job_id,
                              const hvsnap_wait_options *opts,
                              hvsnap_job **out, hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;   /* optional, but retry decisions read it */
	hvsnap_error_clear(err);
	*out = NULL;
	hvsnap_wait_options none = { 0 };
	if (!opts)
		opts = &none;
	uint64_t start = hvs_platform_monotonic_ms();
	unsigned delay = POLL_FIRST_MS;
	int failures = 0;
	hvsnap_job *last = NULL;

	for (;;) {
		hvsnap_job *job = NULL;
		hvsnap_status st = hvsnap_job_get(s, job_id, &job, err);
		uint64_t now = hvs_platform_monotonic_ms();
		if (st == HVSNAP_OK) {
			failures = 0;
			job->elapsed_ms = now - start;
			hvsnap_job_free(last);
			last = job;
			if (opts->progress)
				opts->progress(opts->ctx, job);
			if (hvsnap_job_state_is_final(job->state) || opts->no_wait) {
				*out = last;
				return opts->no_wait && !hvsnap_job_state_is_final(job->state)
				       ? HVSNAP_OK : job_outcome(s, job, err);
			}
		} else if (st == HVSNAP_ERR_NOT_FOUND && last) {
			/* Seen running, now gone: it ended and was removed unread. */
			hvs_err_set(err, HVSNAP_ERR_FAILED, 0,
			        "job %s disappeared from the host before its end could be seen", job_id);
			hvs_err_add_detail(err, "last seen in state %u (%s) at %u%%", last->state,
			               hvsnap_job_state_text(last->state), last->percent);
			*out = last;
			return HVSNAP_ERR_FAILED;
		} else if ((st == HVSNAP_ERR_CONNECT ||
		            (st == HVSNAP_ERR_PROTOCOL && err->code == 503)) &&
		           ++failures <= MAX_POLL_FAILURES) {
			/* Polling is a read: after a drop, reconnect and go on. A 503
			 * (WinRM busy or restarting) was not processed and asks to be
			 * tried again later, which the backoff does. */
		} else {
			hvsnap_job_free(last);
			return st;
		}
		if (opts->timeout_ms > 0 && now - start >= (uint64_t)opts->timeout_ms) {
			if (!last) {
				last = calloc(1, sizeof(*last));
				if (last)
					last->id = hvs_str_dup(job_id);
			}
			if (last)
				last->elapsed_ms = now - start;
			*out = last;
			hvs_err_set(err, HVSNAP_ERR_TIMEOUT, 0,
			        "gave up waiting for job %s after %llu ms; it goes on on the host",
			        job_id, (unsigned long long)(now - start));
			return HVSNAP_ERR_TIMEOUT;
		}
		unsigned sleep_ms = delay;
		if (opts->timeout_ms > 0) {
			uint64_t left = (uint64_t)opts->timeout_ms - (now - start);
			if (left < sleep_ms)
				sleep_ms = (unsigned)left;
		}
		hvs_platform_sleep_ms(sleep_ms);
		delay = delay * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 3 / 2;
	}
}
