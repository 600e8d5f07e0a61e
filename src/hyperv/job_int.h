/* Shared by the single-job and the batched job reads: a job from the
 * Msvm_ConcreteJob instance the host sent. */
#ifndef HVSNAP_HYPERV_JOB_INT_H
#define HVSNAP_HYPERV_JOB_INT_H

#include "hvsnap/cim.h"
#include "hvsnap/job.h"

/* A new job named job_id from inst; HVSNAP_ERR_PROTOCOL when inst has no
 * JobState. */
hvsnap_status hvs_job_from_instance(const hvsnap_cim_instance *inst, const char *job_id,
                                    hvsnap_job **out, hvsnap_error *err);

#endif
