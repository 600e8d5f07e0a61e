/* Shared by the single-job and the batched job reads and by the verbs that
 * wait: a job from the Msvm_ConcreteJob instance the host sent, and the
 * check of a caller's wait options. */
#ifndef HVSNAP_HYPERV_JOB_INT_H
#define HVSNAP_HYPERV_JOB_INT_H

#include "hvsnap/cim.h"
#include "hvsnap/job.h"

/* A new job named job_id from inst; HVSNAP_ERR_PROTOCOL when inst has no
 * JobState. */
hvsnap_status hvs_job_from_instance(const hvsnap_cim_instance *inst, const char *job_id,
                                    hvsnap_job **out, hvsnap_error *err);

/* HVSNAP_OK for NULL or options of the version this library knows, else
 * HVSNAP_ERR_USAGE. Verbs check before their method leaves, so that a bad
 * version never leaves a job running that nobody waits for. */
hvsnap_status hvs_wait_options_check(const hvsnap_wait_options *opts, hvsnap_error *err);

#endif
