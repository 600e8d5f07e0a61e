/* The one invoke path of the Hyper-V layer: call a method, interpret its
 * ReturnValue, and wait for the job it started. */
#ifndef HVSNAP_HYPERV_INVOKE_H
#define HVSNAP_HYPERV_INVOKE_H

#include "hvsnap/hyperv.h"
#include "hyperv/objects.h"
#include "hvsnap/wsman.h"
#include "hyperv/epr.h"

/* Invokes method and, on 4096, waits for its job. ReturnValue 0 succeeds at
 * once (*job stays NULL); any other value is HVSNAP_ERR_FAILED with the code
 * and its text. *result (optional) receives the invoke output. */
hvsnap_status hvs_invoke_and_wait(hvsnap_session *s, const hvsnap_epr *target,
                              const char *method, const hvsnap_params *params,
                              const hvsnap_wait_options *wait,
                              hvsnap_invoke_result **result, hvsnap_job **job,
                              hvsnap_error *err);

/* One property of a settings change. */
typedef struct hvs_setting {
	const char *name;
	hvsnap_cim_type type;
	const char *value;
} hvs_setting;

/* ModifySystemSettings with an embedded Msvm_VirtualSystemSettingData
 * that carries instance_id and the n properties to change. */
hvsnap_status hvs_modify_settings_n(hvsnap_session *s, const char *instance_id,
                                    const hvs_setting *settings, size_t n,
                                    const hvsnap_wait_options *wait, hvsnap_error *err);

/* ModifySystemSettings with an embedded Msvm_VirtualSystemSettingData that
 * carries instance_id and one property to change. */
hvsnap_status hvs_modify_settings(hvsnap_session *s, const char *instance_id,
                              const char *property, hvsnap_cim_type type,
                              const char *value, const hvsnap_wait_options *wait,
                              hvsnap_error *err);

#endif
