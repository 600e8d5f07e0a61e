/* Put through the generic WS-Man layer: a checkpoint's settings object
 * (Msvm_VirtualSystemSettingData) gets a new ElementName with
 * hvsnap_wsman_put, the host's answer and a fresh Get both show it, the
 * snapshot layer finds it by the new name, and a name the host refuses
 * comes back as a SOAP fault with its WS-Man code. One request each. */
#include "api_test.h"

#define VSSD_URI HVSNAP_WMI_V2_URI "Msvm_VirtualSystemSettingData"

/* Puts ElementName = name on the settings object target; the host's
 * resulting instance in *out. */
static hvsnap_status put_name(hvsnap_session *s, const hvsnap_epr *target, const char *iid,
                              const char *name, hvsnap_cim_instance **out, hvsnap_error *err)
{
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Msvm_VirtualSystemSettingData", NULL);
	CHECK(inst != NULL, "instance_new");
	CHECK(strcmp(hvsnap_cim_instance_resource_uri(inst), VSSD_URI) == 0,
	      "default resource URI %s", hvsnap_cim_instance_resource_uri(inst));
	CHECK(hvsnap_cim_set_value(inst, "InstanceID", HVSNAP_CIM_TYPE_STRING, iid) == HVSNAP_OK,
	      "set InstanceID");
	CHECK(hvsnap_cim_set_value(inst, "ElementName", HVSNAP_CIM_TYPE_STRING, name) == HVSNAP_OK,
	      "set ElementName");
	hvsnap_status st = hvsnap_wsman_put(s, target, inst, out, err);
	hvsnap_cim_instance_free(inst);
	return st;
}

int main(void)
{
	hvsnap_session *s = api_session();
	hvsnap_vm *vm = NULL;
	hvsnap_snapshot *snap = NULL;
	hvsnap_cim_instance *answer = NULL, *got = NULL;
	hvsnap_error err;

	CHECK(hvsnap_vm_find(s, "ci-runner", &vm, &err) == HVSNAP_OK, "find VM: %s", err.message);
	CHECK(hvsnap_snapshot_find(s, vm, "clean-install", &snap, &err) == HVSNAP_OK,
	      "find checkpoint: %s", err.message);
	if (!snap)
		return api_done("api_put");
	const char *iid = hvsnap_snapshot_instance_id(snap);
	CHECK(iid && strncmp(iid, "Microsoft:", 10) == 0, "instance id %s", iid ? iid : "(null)");

	hvsnap_epr *target = hvsnap_epr_new(VSSD_URI);
	CHECK(hvsnap_epr_add_selector(target, "InstanceID", iid) == HVSNAP_OK, "selector");
	CHECK(hvsnap_epr_selector_count(target) == 1 &&
	      strcmp(hvsnap_epr_selector(target, "InstanceID"), iid) == 0, "EPR reads back");

	size_t mark = api_log_lines();
	hvsnap_status st = put_name(s, target, iid, "renamed by put", &answer, &err);
	CHECK(st == HVSNAP_OK, "put: %s", err.message);
	CHECK(api_log_count(mark, LOG_PUT, NULL) == 1, "one Put request");
	CHECK(answer && hvsnap_cim_get_text(answer, "ElementName") &&
	      strcmp(hvsnap_cim_get_text(answer, "ElementName"), "renamed by put") == 0,
	      "the Put answer shows the new name");

	st = hvsnap_wsman_get(s, target, &got, &err);
	CHECK(st == HVSNAP_OK, "get: %s", err.message);
	const char *name = got ? hvsnap_cim_get_text(got, "ElementName") : NULL;
	CHECK(name && strcmp(name, "renamed by put") == 0, "Get reads back '%s'",
	      name ? name : "(null)");
	CHECK(strcmp(hvsnap_cim_instance_class(got), "Msvm_VirtualSystemSettingData") == 0,
	      "class %s", hvsnap_cim_instance_class(got));
	const hvsnap_cim_value *v = hvsnap_cim_get(got, "ElementName");
	CHECK(v && hvsnap_cim_value_kind(v) == HVSNAP_CIM_VALUE, "ElementName is a plain value");
	hvsnap_cim_instance_free(got);
	got = NULL;

	hvsnap_snapshot *again = NULL;
	CHECK(hvsnap_snapshot_find(s, vm, "renamed by put", &again, NULL) == HVSNAP_OK,
	      "the snapshot layer finds the new name");
	CHECK(again && strcmp(hvsnap_snapshot_id(again), hvsnap_snapshot_id(snap)) == 0,
	      "the same checkpoint");
	hvsnap_snapshot_free(again);

	/* A name the host refuses: a SOAP fault, its WS-Man code, nothing changed. */
	hvsnap_cim_instance_free(answer);
	answer = NULL;
	st = put_name(s, target, iid, "", &answer, &err);
	api_expect_error("put of an empty name", st, HVSNAP_ERR_FAULT, &err);
	CHECK(err.code_kind == HVSNAP_CODE_WSMAN && err.code != 0, "code %lld kind %d",
	      (long long)err.code, (int)err.code_kind);
	CHECK(strcmp(err.fault_subcode, "InvalidParameter") == 0, "subcode '%s'", err.fault_subcode);
	CHECK(answer == NULL, "no answer instance on a fault");

	/* Put the name back, with NULL for the answer (allowed). */
	CHECK(put_name(s, target, iid, "clean-install", NULL, NULL) == HVSNAP_OK, "put back");
	CHECK(hvsnap_wsman_get(s, target, &got, NULL) == HVSNAP_OK && got &&
	      strcmp(hvsnap_cim_get_text(got, "ElementName"), "clean-install") == 0, "restored");

	hvsnap_cim_instance_free(got);
	hvsnap_epr_free(target);
	hvsnap_snapshot_free(snap);
	hvsnap_vm_free(vm);
	hvsnap_session_free(s);
	return api_done("api_put");
}
