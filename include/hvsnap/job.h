/* Hyper-V jobs (Msvm_ConcreteJob): what a long method call leaves running
 * on the host. Looking at one, waiting for one with progress, deadline and
 * cancellation. */
#ifndef HVSNAP_JOB_H
#define HVSNAP_JOB_H

#include <stddef.h>
#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Msvm_ConcreteJob.JobState. */
typedef enum hvsnap_job_state {
	HVSNAP_JOB_NEW = 2,
	HVSNAP_JOB_STARTING = 3,
	HVSNAP_JOB_RUNNING = 4,
	HVSNAP_JOB_SUSPENDED = 5,
	HVSNAP_JOB_SHUTTING_DOWN = 6,
	HVSNAP_JOB_COMPLETED = 7,
	HVSNAP_JOB_TERMINATED = 8,
	HVSNAP_JOB_KILLED = 9,
	HVSNAP_JOB_EXCEPTION = 10,
	HVSNAP_JOB_SERVICE = 11,
	HVSNAP_JOB_QUERY_PENDING = 12,
	HVSNAP_JOB_COMPLETED_WITH_WARNINGS = 32768
} hvsnap_job_state;

/* One look at a job. Opaque; owned by whoever received it. */
typedef struct hvsnap_job hvsnap_job;

/* Borrowed from job; text may be NULL where the host sent none. */
HVSNAP_EXTERN const char *hvsnap_job_id(const hvsnap_job *job);        /* InstanceID */
HVSNAP_EXTERN uint32_t hvsnap_job_state_code(const hvsnap_job *job);   /* JobState */
HVSNAP_EXTERN uint32_t hvsnap_job_percent(const hvsnap_job *job);      /* 0..100 */
HVSNAP_EXTERN uint32_t hvsnap_job_error_code(const hvsnap_job *job);   /* 0 on success */
HVSNAP_EXTERN const char *hvsnap_job_error_description(const hvsnap_job *job);
HVSNAP_EXTERN const char *hvsnap_job_name(const hvsnap_job *job);      /* ElementName */
/* Time since the wait began, measured by the client; 0 for a single look. */
HVSNAP_EXTERN uint64_t hvsnap_job_elapsed_ms(const hvsnap_job *job);
/* A copy the caller owns (to keep a job of a list); NULL without memory. */
HVSNAP_EXTERN hvsnap_job *hvsnap_job_dup(const hvsnap_job *job);
HVSNAP_EXTERN void hvsnap_job_free(hvsnap_job *job);

/* Called after every poll with the job as just seen (borrowed for the
 * call). Return 0 to go on waiting, anything else to stop: the wait then
 * returns HVSNAP_ERR_CANCELLED, and the job goes on on the host. */
typedef int (*hvsnap_progress_fn)(const hvsnap_job *job, void *payload);

/* How to wait for a job. Versioned: start from HVSNAP_WAIT_OPTIONS_INIT
 * or hvsnap_wait_options_init(); NULL options mean these defaults. */
typedef struct hvsnap_wait_options {
	unsigned int version;        /* HVSNAP_WAIT_OPTIONS_VERSION */
	uint32_t timeout_ms;         /* 0: wait without a deadline */
	hvsnap_progress_fn progress; /* may be NULL */
	void *payload;               /* passed to progress, borrowed */
	int no_wait;                 /* return as soon as the job is known */
} hvsnap_wait_options;

#define HVSNAP_WAIT_OPTIONS_VERSION 1
#define HVSNAP_WAIT_OPTIONS_INIT { .version = HVSNAP_WAIT_OPTIONS_VERSION }
HVSNAP_EXTERN hvsnap_status hvsnap_wait_options_init(hvsnap_wait_options *opts,
                                                     unsigned int version);

/* One look at a job (one Get). A job that no longer exists (the host
 * forgets a job about 5 minutes after it ends) is HVSNAP_ERR_NOT_FOUND. On
 * success *out is new and the caller frees it. */
HVSNAP_EXTERN hvsnap_status hvsnap_job_get(hvsnap_session *session, const char *job_id,
                                           hvsnap_job **out, hvsnap_error *err);

/* Polls with a backoff from ~100 ms to ~1 s until the job ends, blocking up
 * to opts->timeout_ms. A dropped connection or an HTTP 503 is retried; a
 * WS-Man QuotaLimit is retried with backoff up to the deadline. JobState 7
 * and 32768 succeed; 8, 9 and 10 are HVSNAP_ERR_FAILED with the job's
 * ErrorCode and ErrorDescription. A passed deadline is HVSNAP_ERR_TIMEOUT,
 * a progress callback that stops or hvsnap_session_interrupt is
 * HVSNAP_ERR_CANCELLED; in those cases *out is still set (so the caller
 * can print the job id) and err->job_id names the job. */
HVSNAP_EXTERN hvsnap_status hvsnap_job_wait(hvsnap_session *session, const char *job_id,
                                            const hvsnap_wait_options *opts,
                                            hvsnap_job **out, hvsnap_error *err);

/* --- many jobs at once ------------------------------------------------ */
/* Jobs as seen by one batch poll. Opaque; the caller owns it. */
typedef struct hvsnap_job_list hvsnap_job_list;

/* Looks at n jobs of this session's host in one round trip (one WQL query
 * per 64 ids). A job the host no longer has is simply absent from the
 * list: look each one up with hvsnap_job_list_find. On success *out is a
 * new list the caller frees. Blocks for one request per 64 ids. */
HVSNAP_EXTERN hvsnap_status hvsnap_job_poll(hvsnap_session *session,
                                            const char *const *job_ids, size_t n,
                                            hvsnap_job_list **out, hvsnap_error *err);
HVSNAP_EXTERN size_t hvsnap_job_list_count(const hvsnap_job_list *list);
/* Borrowed from the list; NULL past the end. */
HVSNAP_EXTERN const hvsnap_job *hvsnap_job_list_at(const hvsnap_job_list *list, size_t i);
/* The job with this InstanceID (case-insensitive), or NULL. */
HVSNAP_EXTERN const hvsnap_job *hvsnap_job_list_find(const hvsnap_job_list *list,
                                                     const char *job_id);
HVSNAP_EXTERN void hvsnap_job_list_free(hvsnap_job_list *list);

/* "Running", "Completed", ... (static storage). */
HVSNAP_EXTERN const char *hvsnap_job_state_text(uint32_t state);
/* Whether a JobState is an end (completed, with or without warnings, or
 * failed). */
HVSNAP_EXTERN int hvsnap_job_state_is_final(uint32_t state);

#ifdef __cplusplus
}
#endif
#endif
