/* Following an Msvm_ConcreteJob: one Get, or a poll loop with backoff, a
 * wall-clock deadline and a progress callback. Every verb waits through
 * this one implementation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/job.h"
#include "hvsnap/hyperv.h"
#include "hyperv/job_int.h"
#include "hyperv/poll.h"
#include "hyperv/objects.h"
#include "hyperv/classes.h"
#include "hyperv/epr.h"
#include "hyperv/props.h"
#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/response.h"


void hvsnap_job_free(hvsnap_job *job)
{
	if (!job)
		return;
	free(job->id);
	free(job->error_description);
	free(job->name);
	free(job);
}

const char *hvsnap_job_id(const hvsnap_job *job)
{
	return job ? job->id : NULL;
}

uint32_t hvsnap_job_state_code(const hvsnap_job *job)
{
	return job ? job->state : 0;
}

uint32_t hvsnap_job_percent(const hvsnap_job *job)
{
	return job ? job->percent : 0;
}

uint32_t hvsnap_job_error_code(const hvsnap_job *job)
{
	return job ? job->error_code : 0;
}

const char *hvsnap_job_error_description(const hvsnap_job *job)
{
	return job ? job->error_description : NULL;
}

const char *hvsnap_job_name(const hvsnap_job *job)
{
	return job ? job->name : NULL;
}

hvsnap_job *hvsnap_job_dup(const hvsnap_job *job)
{
	if (!job)
		return NULL;
	hvsnap_job *copy = calloc(1, sizeof(*copy));
	if (!copy)
		return NULL;
	*copy = *job;
	copy->id = hvs_str_dup(job->id);
	copy->error_description = job->error_description ? hvs_str_dup(job->error_description) : NULL;
	copy->name = job->name ? hvs_str_dup(job->name) : NULL;
	if (!copy->id || (job->error_description && !copy->error_description) ||
	    (job->name && !copy->name)) {
		hvsnap_job_free(copy);
		return NULL;
	}
	return copy;
}

uint64_t hvsnap_job_elapsed_ms(const hvsnap_job *job)
{
	return job ? job->elapsed_ms : 0;
}

hvsnap_status hvsnap_wait_options_init(hvsnap_wait_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_WAIT_OPTIONS_VERSION, hvsnap_wait_options,
	                       HVSNAP_WAIT_OPTIONS_INIT);
}

hvsnap_status hvs_wait_options_check(const hvsnap_wait_options *opts, hvsnap_error *err)
{
	return opts ? hvs_check_version(err, "wait options", opts, HVSNAP_WAIT_OPTIONS_VERSION)
	            : HVSNAP_OK;
}

hvsnap_status hvs_job_from_instance(const hvsnap_cim_instance *inst, const char *job_id,
                                    hvsnap_job **out, hvsnap_error *err)
{
	*out = NULL;
	hvsnap_job *job = calloc(1, sizeof(*job));
	if (!job)
		return hvs_err_nomem(err);
	job->id = hvs_str_dup(job_id);
	job->state = (uint32_t)hvs_prop_uint(inst, "JobState", 0);
	job->percent = (uint32_t)hvs_prop_uint(inst, "PercentComplete", 0);
	job->error_code = (uint32_t)hvs_prop_uint(inst, "ErrorCode", 0);
	job->error_description = hvs_prop_dup(inst, "ErrorDescription");
	job->name = hvs_prop_dup(inst, "ElementName");
	if (!job->name)
		job->name = hvs_prop_dup(inst, "Caption");
	if (!job->id) {
		hvsnap_job_free(job);
		return hvs_err_nomem(err);
	}
	if (!hvsnap_cim_get_text(inst, "JobState")) {
		hvsnap_job_free(job);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		                   "the host's answer for job %s has no JobState", job_id);
	}
	if (job->percent > 100)
		job->percent = 100;
	*out = job;
	return HVSNAP_OK;
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
	hvsnap_job *job = NULL;
	st = hvs_job_from_instance(inst, job_id, &job, err);
	hvsnap_cim_instance_free(inst);
	if (st != HVSNAP_OK)
		return st;
	*out = job;
	return HVSNAP_OK;
}

/* Host text on one line for err->message: runs of white space and
 * control characters (Windows texts carry CRLFs) become one space, and
 * text that does not fit is cut at a UTF-8 character boundary (a message
 * that is not UTF-8 would be dropped from the JSON error). */
static void one_line(const char *text, char *out, size_t size)
{
	size_t n = 0;
	int gap = 0;
	const unsigned char *p = (const unsigned char *)text;
	for (; *p && n + 2 < size; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			gap = n > 0;
			continue;
		}
		if (gap)
			out[n++] = ' ';
		gap = 0;
		out[n++] = (char)*p;
	}
	if (*p) {
		/* Cut: drop the last character if only part of it fitted. */
		size_t lead = n;
		while (lead > 0 && ((unsigned char)out[lead - 1] & 0xC0) == 0x80)
			lead--;
		if (lead > 0 && (unsigned char)out[lead - 1] >= 0xC0) {
			unsigned char c = (unsigned char)out[lead - 1];
			size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if (n - (lead - 1) < len)
				n = lead - 1;
		}
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* The job's Msvm_Error Message (one GetError), asked for when
 * ErrorDescription says nothing; "" when there is none. */
static void host_error_message(hvsnap_session *s, const char *job_id, char *out, size_t size)
{
	out[0] = '\0';
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
				one_line(msg, out, size);
			hvsnap_cim_instance_free(e);
		}
	}
	hvsnap_invoke_result_free(r);
	hvsnap_params_free(p);
	hvsnap_epr_free(epr);
}

/* The best reason goes in the message: ErrorDescription, else the host's
 * Msvm_Error Message, else the generic text of the error code; the
 * detail says which job ended how. */
static hvsnap_status job_outcome(hvsnap_session *s, const hvsnap_job *job,
                                 hvsnap_error *err)
{
	if (job->state == JOB_COMPLETED || job->state == JOB_COMPLETED_WITH_WARNINGS)
		return HVSNAP_OK;
	char why[sizeof(err->message)];
	if (job->error_description && *job->error_description)
		one_line(job->error_description, why, sizeof(why));
	else
		host_error_message(s, job->id, why, sizeof(why));
	hvs_err_set(err, HVSNAP_ERR_FAILED, (long)job->error_code, "%s",
	            why[0] ? why : hvsnap_return_code_text(job->error_code));
	hvs_err_add_detail(err, "job %s ended in state %u (%s), error code %u (%s)", job->id,
	               job->state, hvsnap_job_state_text(job->state), job->error_code,
	               hvsnap_return_code_text(job->error_code));
	return HVSNAP_ERR_FAILED;
}

/* A job that outlived the wait: *out gets what was last seen of it (or a
 * bare record of its id) so that the caller can name it, and the error
 * says it goes on on the host. */
static hvsnap_status leave_running(const char *job_id, hvsnap_job *last, uint64_t elapsed,
                                   hvsnap_status kind, hvsnap_job **out, hvsnap_error *err)
{
	if (!last) {
		last = calloc(1, sizeof(*last));
		if (last)
			last->id = hvs_str_dup(job_id);
	}
	if (last)
		last->elapsed_ms = elapsed;
	*out = last;
	if (kind == HVSNAP_ERR_TIMEOUT)
		hvs_err_set(err, kind, 0, "gave up waiting for job %s after %llu ms; it goes on on the host",
		            job_id, (unsigned long long)elapsed);
	else
		hvs_err_set(err, kind, 0, "stopped waiting for job %s; it goes on on the host", job_id);
	hvs_str_copy(err->job_id, sizeof(err->job_id), job_id);
	return kind;
}

typedef struct job_wait_ctx {
	hvsnap_session *s;
	const char *job_id;
	const hvsnap_wait_options *opts;
	hvsnap_job *last;     /* as last seen; owned here until handed out */
} job_wait_ctx;

/* When a running job should end, from its PercentComplete: the rate
 * between the last two looks where the percent rose, else the average
 * since the wait began. 0 when the percent says nothing. The margin makes
 * the look land just after the end rather than just before it. */
#define LOOK_MARGIN_MS 30u
static uint32_t next_look_ms(const hvsnap_job *prev, const hvsnap_job *now)
{
	uint32_t p = now->percent;
	if (p == 0 || p >= 100)
		return 0;
	uint64_t left;
	if (prev && prev->percent < p && now->elapsed_ms > prev->elapsed_ms)
		left = (uint64_t)(100 - p) * (now->elapsed_ms - prev->elapsed_ms) / (p - prev->percent);
	else
		left = now->elapsed_ms * (100 - p) / p;
	left += LOOK_MARGIN_MS;
	return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

static hvsnap_status job_wait_step(void *ctx, uint64_t elapsed, int *done, uint32_t *next_ms,
                                   hvsnap_error *err)
{
	job_wait_ctx *c = ctx;
	hvsnap_job *job = NULL;
	hvsnap_status st = hvsnap_job_get(c->s, c->job_id, &job, err);
	if (st == HVSNAP_ERR_NOT_FOUND && c->last) {
		/* Seen running, now gone: it ended and was removed unread. */
		hvs_err_set(err, HVSNAP_ERR_FAILED, 0,
		            "job %s disappeared from the host before its end could be seen", c->job_id);
		hvs_err_add_detail(err, "last seen in state %u (%s) at %u%%", c->last->state,
		                   hvsnap_job_state_text(c->last->state), c->last->percent);
		*done = 1;
		return HVSNAP_ERR_FAILED;
	}
	if (st != HVSNAP_OK)
		return st;
	job->elapsed_ms = elapsed;
	*next_ms = next_look_ms(c->last, job);
	hvsnap_job_free(c->last);
	c->last = job;
	int stop = c->opts->progress ? c->opts->progress(job, c->opts->payload) : 0;
	if (hvsnap_job_state_is_final(job->state)) {
		*done = 1;
		return job_outcome(c->s, job, err);
	}
	if (c->opts->no_wait) {
		*done = 1;
		return HVSNAP_OK;
	}
	return stop ? HVSNAP_ERR_CANCELLED : HVSNAP_OK;
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
	hvsnap_wait_options none = HVSNAP_WAIT_OPTIONS_INIT;
	if (!opts)
		opts = &none;
	if (hvs_wait_options_check(opts, err) != HVSNAP_OK)
		return HVSNAP_ERR_USAGE;
	if (!job_id || !*job_id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no job id given");
	job_wait_ctx c = { s, job_id, opts, NULL };
	hvs_poll_end end;
	uint64_t elapsed = 0;
	hvsnap_status st = hvs_poll(s, opts->timeout_ms, job_wait_step, &c, &end, &elapsed, err);
	if (end != HVS_POLL_DONE)
		return leave_running(job_id, c.last, elapsed, st, out, err);
	*out = c.last;
	if (st != HVSNAP_OK)
		hvs_str_copy(err->job_id, sizeof(err->job_id), job_id);
	if (st != HVSNAP_OK && st != HVSNAP_ERR_FAILED && st != HVSNAP_ERR_NOT_FOUND)
		/* Following the job failed, not the job: it goes on. */
		hvs_err_add_detail(err, "job %s goes on on the host; only following it failed", job_id);
	return st;
}
