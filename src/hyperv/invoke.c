/* Invoking Hyper-V methods and waiting for the jobs they start. */
#include "hyperv/invoke.h"

#include <stdio.h>
#include <string.h>

#include "hyperv/classes.h"
#include "hyperv/job_int.h"
#include "util/err.h"

hvsnap_status hvs_invoke_and_wait(hvsnap_session *s, const hvsnap_epr *target,
                              const char *method, const hvsnap_params *params,
                              const hvsnap_wait_options *wait,
                              hvsnap_invoke_result **result, hvsnap_job **job,
                              hvsnap_error *err)
{
	*job = NULL;
	if (result)
		*result = NULL;
	/* Checked before the method leaves: afterwards a bad version would
	 * leave its job running unwatched. */
	if (hvs_wait_options_check(wait, err) != HVSNAP_OK)
		return HVSNAP_ERR_USAGE;
	hvsnap_invoke_result *r = NULL;
	hvsnap_status st = hvsnap_wsman_invoke(s, target, method, params, &r, err);
	if (st != HVSNAP_OK)
		return st;
	if (!r->has_return_value) {
		hvsnap_invoke_result_free(r);
		hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "%s returned no ReturnValue", method);
		hvs_err_note_may_have_run(err, method, "its answer could not be read");
		return HVSNAP_ERR_PROTOCOL;
	}
	uint32_t rv = r->return_value;
	if (rv == RC_JOB_STARTED) {
		const char *job_id = r->job ? hvsnap_epr_selector(r->job, "InstanceID") : NULL;
		if (!job_id || !*job_id) {
			hvsnap_invoke_result_free(r);
			hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 4096,
			            "%s started a job but the answer does not say which", method);
			hvs_err_set_code_kind(err, HVSNAP_CODE_WMI);
			hvs_err_note_may_have_run(err, method, "its answer could not be read");
			return HVSNAP_ERR_PROTOCOL;
		}
		st = hvsnap_job_wait(s, job_id, wait, job, err);
	} else if (rv != RC_COMPLETED) {
		hvs_err_set(err, HVSNAP_ERR_FAILED, (long)rv, "%s failed: %s", method,
		        hvsnap_return_code_text(rv));
		hvs_err_add_detail(err, "return value %u", rv);
		st = HVSNAP_ERR_FAILED;
	}
	if (result)
		*result = r;
	else
		hvsnap_invoke_result_free(r);
	return st;
}

hvsnap_status hvs_modify_settings_n(hvsnap_session *s, const char *instance_id,
                                    const hvs_setting *settings, size_t n,
                                    const hvsnap_wait_options *wait, hvsnap_error *err)
{
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new(CLASS_VSSD, NULL);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_epr *svc = hvs_management_service_epr();
	int ok = inst && p && svc &&
	         hvsnap_cim_set_value(inst, "InstanceID", HVSNAP_CIM_TYPE_STRING,
	                              instance_id) == HVSNAP_OK;
	for (size_t i = 0; ok && i < n; i++)
		ok = hvsnap_cim_set_value(inst, settings[i].name, settings[i].type,
		                          settings[i].value) == HVSNAP_OK;
	hvsnap_status st = HVSNAP_ERR_NOMEM;
	if (ok && hvsnap_params_add_instance(p, "SystemSettings", inst) == HVSNAP_OK) {
		/* Settings changes are quick; they never wait on the caller's
		 * deadline for a checkpoint, but still have one. */
		hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
		w.timeout_ms = 120000;
		if (wait && wait->timeout_ms)
			w.timeout_ms = wait->timeout_ms;
		hvsnap_job *job = NULL;
		st = hvs_invoke_and_wait(s, svc, "ModifySystemSettings", p, &w, NULL, &job, err);
		hvsnap_job_free(job);
	} else {
		hvs_err_nomem(err);
	}
	hvsnap_epr_free(svc);
	hvsnap_params_free(p);
	hvsnap_cim_instance_free(inst);
	return st;
}

hvsnap_status hvs_modify_settings(hvsnap_session *s, const char *instance_id,
                              const char *property, hvsnap_cim_type type,
                              const char *value, const hvsnap_wait_options *wait,
                              hvsnap_error *err)
{
	hvs_setting one = { property, type, value };
	return hvs_modify_settings_n(s, instance_id, &one, 1, wait, err);
}
