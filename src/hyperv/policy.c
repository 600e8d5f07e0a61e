/* The VM's checkpoint policy, read from and written to its realized
 * settings (the Msvm_VirtualSystemSettingData of type System:Realized).
 * Every write is read back: a host may report success and change nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/policy.h"
#include "hyperv/classes.h"
#include "hyperv/invoke.h"
#include "hyperv/objects.h"
#include "hyperv/policy_int.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "util/err.h"
#include "util/strutil.h"

hvsnap_status hvsnap_checkpoint_policy_init(hvsnap_checkpoint_policy *p, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(p, version, HVSNAP_CHECKPOINT_POLICY_VERSION, hvsnap_checkpoint_policy,
	                       HVSNAP_CHECKPOINT_POLICY_INIT);
}

const char *hvsnap_checkpoint_type_name(uint32_t type)
{
	switch (type) {
	case HVSNAP_CHECKPOINT_DISABLED: return "disabled";
	case HVSNAP_CHECKPOINT_PRODUCTION: return "production";
	case HVSNAP_CHECKPOINT_PRODUCTION_ONLY: return "production-only";
	case HVSNAP_CHECKPOINT_STANDARD: return "standard";
	}
	return NULL;
}

hvsnap_status hvs_realized_settings(hvsnap_session *s, const hvsnap_vm *vm,
                                    hvsnap_cim_instance **out, hvsnap_error *err)
{
	*out = NULL;
	instance_list l;
	hvsnap_status st = hvs_query_literal(s, "SELECT * FROM " CLASS_VSSD
	                                     " WHERE VirtualSystemIdentifier = ", vm->id,
	                                     " AND VirtualSystemType = '"
	                                     REALIZED_VIRTUAL_SYSTEM_TYPE "'", &l, err);
	if (st != HVSNAP_OK)
		return st;
	if (l.n != 1) {
		size_t n = l.n;
		hvs_instance_list_clear(&l);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		                   "expected one realized settings object for VM %s, the host sent %zu",
		                   vm->id, n);
	}
	if (!hvsnap_cim_get_text(l.items[0], "InstanceID")) {
		hvs_instance_list_clear(&l);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "VM %s's settings have no InstanceID",
		                   vm->id);
	}
	*out = l.items[0];
	l.n = 0;
	hvs_instance_list_clear(&l);
	return HVSNAP_OK;
}

void hvs_policy_from_settings(const hvsnap_cim_instance *settings, hvsnap_checkpoint_policy *out)
{
	hvsnap_checkpoint_policy_init(out, HVSNAP_CHECKPOINT_POLICY_VERSION);
	out->type = (hvsnap_checkpoint_type)hvs_prop_uint(settings, "UserSnapshotType",
	                                                  HVSNAP_CHECKPOINT_UNCHANGED);
	const char *automatic = hvsnap_cim_get_text(settings, "AutomaticSnapshotsEnabled");
	if (automatic && hvs_str_case_eq(automatic, "true"))
		out->automatic = 1;
	else if (automatic && hvs_str_case_eq(automatic, "false"))
		out->automatic = 0;
}

hvsnap_status hvsnap_vm_policy_get(hvsnap_session *s, const hvsnap_vm *vm,
                                   hvsnap_checkpoint_policy *out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	if (hvs_check_version(err, "checkpoint policy", out, HVSNAP_CHECKPOINT_POLICY_VERSION))
		return HVSNAP_ERR_USAGE;
	hvsnap_cim_instance *settings = NULL;
	hvsnap_status st = hvs_realized_settings(s, vm, &settings, err);
	if (st != HVSNAP_OK)
		return st;
	hvs_policy_from_settings(settings, out);
	hvsnap_cim_instance_free(settings);
	return HVSNAP_OK;
}

hvsnap_status hvsnap_vm_policy_set(hvsnap_session *s, const hvsnap_vm *vm,
                                   const hvsnap_checkpoint_policy *want,
                                   hvsnap_checkpoint_policy *now, hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;
	hvsnap_error_clear(err);
	if (hvs_check_version(err, "checkpoint policy", want, HVSNAP_CHECKPOINT_POLICY_VERSION))
		return HVSNAP_ERR_USAGE;
	if (want->type != HVSNAP_CHECKPOINT_UNCHANGED && !hvsnap_checkpoint_type_name(want->type))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "unknown checkpoint type %d",
		                   (int)want->type);
	if (want->automatic < -1 || want->automatic > 1)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "automatic checkpoints must be 1 (on), 0 (off) or -1 (keep)");
	hvsnap_cim_instance *settings = NULL;
	hvsnap_status st = hvs_realized_settings(s, vm, &settings, err);
	if (st != HVSNAP_OK)
		return st;
	char type_text[16];
	snprintf(type_text, sizeof(type_text), "%d", (int)want->type);
	hvs_setting changes[2];
	size_t n = 0;
	if (want->type != HVSNAP_CHECKPOINT_UNCHANGED)
		changes[n++] = (hvs_setting){ "UserSnapshotType", HVSNAP_CIM_TYPE_UINT16, type_text };
	if (want->automatic >= 0)
		changes[n++] = (hvs_setting){ "AutomaticSnapshotsEnabled", HVSNAP_CIM_TYPE_BOOLEAN,
		                              want->automatic ? "true" : "false" };
	if (n > 0)
		st = hvs_modify_settings_n(s, hvsnap_cim_get_text(settings, "InstanceID"), changes, n,
		                           NULL, err);
	hvsnap_cim_instance_free(settings);
	if (st != HVSNAP_OK)
		return st;

	hvsnap_checkpoint_policy seen = HVSNAP_CHECKPOINT_POLICY_INIT;
	st = hvsnap_vm_policy_get(s, vm, &seen, err);
	if (st != HVSNAP_OK)
		return st;
	if (now)
		*now = seen;
	int type_ok = want->type == HVSNAP_CHECKPOINT_UNCHANGED || seen.type == want->type;
	int auto_ok = want->automatic < 0 || seen.automatic == want->automatic;
	if (type_ok && auto_ok)
		return HVSNAP_OK;
	hvs_err_set(err, HVSNAP_ERR_FAILED, 0,
	            "the host reported success but VM %s's checkpoint policy did not change",
	            vm->name);
	if (!type_ok) {
		const char *name = hvsnap_checkpoint_type_name(seen.type);
		hvs_err_add_detail(err, "checkpoint type is still %s, not %s",
		                   name ? name : "unknown", hvsnap_checkpoint_type_name(want->type));
	}
	if (!auto_ok)
		hvs_err_add_detail(err, "automatic checkpoints are still %s",
		                   seen.automatic == 1 ? "on" : seen.automatic == 0 ? "off" : "unknown");
	return HVSNAP_ERR_FAILED;
}
