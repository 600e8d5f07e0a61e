/* The snapshot verbs: create, apply, delete (one or a tree), rename and
 * clear-state. Each is one Invoke on a Hyper-V service followed by the
 * shared job wait. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "hvsnap/snapshot.h"
#include "hyperv/objects.h"
#include "hyperv/classes.h"
#include "hyperv/invoke.h"
#include "hyperv/policy_int.h"
#include "hyperv/job_int.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "hyperv/snapshot_int.h"
#include "hyperv/snapshot_settings.h"
#include "util/err.h"
#include "util/strutil.h"

/* ElementName limit of Msvm_VirtualSystemSettingData, in characters. */
#define MAX_SNAPSHOT_NAME 100

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static hvsnap_status check_name(const char *name, hvsnap_error *err)
{
	if (!name || !*name || strspn(name, " \t") == strlen(name))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "a snapshot name cannot be empty");
	if (utf8_chars(name) > MAX_SNAPSHOT_NAME)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "a snapshot name can have at most %d characters", MAX_SNAPSHOT_NAME);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
			               "a snapshot name cannot contain control characters");
	return HVSNAP_OK;
}

/* The VM's realized settings: their InstanceID and UserSnapshotType. */
static hvsnap_status realized_settings(hvsnap_session *s, const hvsnap_vm *vm,
                                       char **instance_id, char **snapshot_type,
                                       hvsnap_error *err)
{
	*instance_id = *snapshot_type = NULL;
	hvsnap_cim_instance *settings = NULL;
	hvsnap_status st = hvs_realized_settings(s, vm, &settings, err);
	if (st != HVSNAP_OK)
		return st;
	*instance_id = hvs_prop_dup(settings, "InstanceID");
	*snapshot_type = hvs_prop_dup(settings, "UserSnapshotType");
	hvsnap_cim_instance_free(settings);
	return *instance_id ? HVSNAP_OK : hvs_err_nomem(err);
}

static hvsnap_status get_snapshot(hvsnap_session *s, const char *instance_id,
                                  hvsnap_snapshot **out, hvsnap_error *err)
{
	hvsnap_epr *epr = hvs_vssd_epr(instance_id);
	if (!epr)
		return hvs_err_nomem(err);
	hvsnap_cim_instance *inst = NULL;
	hvsnap_status st = hvsnap_wsman_get(s, epr, &inst, err);
	hvsnap_epr_free(epr);
	if (st != HVSNAP_OK)
		return st;
	hvsnap_snapshot *snap = calloc(1, sizeof(*snap));
	if (!snap || hvs_snapshot_from_instance(snap, inst) != 0) {
		free(snap);
		hvsnap_cim_instance_free(inst);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "the new snapshot %s could not be read",
		               instance_id);
	}
	hvsnap_cim_instance_free(inst);
	*out = snap;
	return HVSNAP_OK;
}

/* Hyper-V makes a new full or disk checkpoint the parent of the VM's
 * running state; a recovery one stays outside the tree. Known from the
 * create itself, so nobody has to read every checkpoint of the VM back to
 * learn it. */
static void mark_current(hvsnap_snapshot *snap)
{
	snap->current = snap->role == HVSNAP_ROLE_CHECKPOINT;
}

/* The snapshot a finished CreateSnapshot made: ResultingSnapshot when the
 * host filled it, else the settings object the job affected (the
 * Msvm_AffectedJobElement row with ElementEffects 5, which appears when the
 * job completes). */
static hvsnap_status find_new_snapshot(hvsnap_session *s, const hvsnap_invoke_result *r,
                                       const hvsnap_job *job, hvsnap_snapshot **out,
                                       hvsnap_error *err)
{
	*out = NULL;
	const hvsnap_cim_value *rs = r ? hvsnap_cim_get(r->output, "ResultingSnapshot") : NULL;
	const char *id = hvsnap_epr_selector(hvsnap_cim_value_epr(rs), "InstanceID");
	if (id && *id) {
		hvsnap_status st = get_snapshot(s, id, out, err);
		if (st == HVSNAP_OK)
			mark_current(*out);
		return st;
	}
	if (!job)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "CreateSnapshot finished without a job or a ResultingSnapshot");
	instance_list l;
	hvsnap_status st = hvs_query_literal(s, "ASSOCIATORS OF {" CLASS_CONCRETE_JOB ".InstanceID=",
	                                 job->id, "} WHERE AssocClass = Msvm_AffectedJobElement"
	                                 " ResultClass = " CLASS_VSSD, &l, err);
	if (st != HVSNAP_OK)
		return st;
	for (size_t i = 0; i < l.n && !*out; i++) {
		/* A snapshot of any kind (a recovery one too), not the VM's own
		 * settings should a host list those as affected. */
		if (!hvs_is_snapshot_settings(l.items[i]))
			continue;
		hvsnap_snapshot *snap = calloc(1, sizeof(*snap));
		if (snap && hvs_snapshot_from_instance(snap, l.items[i]) == 0)
			*out = snap;
		else
			free(snap);
	}
	hvs_instance_list_clear(&l);
	if (!*out)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "job %s completed but the host names no new snapshot for it", job->id);
	mark_current(*out);
	return HVSNAP_OK;
}

/* settings: the embedded SnapshotSettings, NULL for "". */
static hvsnap_status create_snapshot(hvsnap_session *s, const hvsnap_vm *vm,
                                     const hvsnap_create_options *o,
                                     const hvsnap_cim_instance *settings,
                                     hvsnap_snapshot **snap, hvsnap_job **job,
                                     hvsnap_error *err)
{
	hvsnap_epr *svc = hvs_snapshot_service_epr();
	hvsnap_epr *system = hvs_vm_epr(vm->id);
	hvsnap_params *p = hvsnap_params_new();
	if (!svc || !system || !p ||
	    hvsnap_params_add_epr(p, "AffectedSystem", system) ||
	    hvsnap_params_add_instance(p, "SnapshotSettings", settings) ||
	    hvsnap_params_add_uint(p, "SnapshotType", o->kind ? (unsigned)o->kind
	                                                      : HVSNAP_SNAPSHOT_FULL)) {
		hvsnap_params_free(p);
		hvsnap_epr_free(system);
		hvsnap_epr_free(svc);
		return hvs_err_nomem(err);
	}
	hvsnap_invoke_result *r = NULL;
	hvsnap_status st = hvs_invoke_and_wait(s, svc, "CreateSnapshot", p, &o->wait, &r, job, err);
	hvsnap_params_free(p);
	hvsnap_epr_free(system);
	hvsnap_epr_free(svc);
	if (st == HVSNAP_OK && !o->wait.no_wait)
		st = find_new_snapshot(s, r, *job, snap, err);
	hvsnap_invoke_result_free(r);
	if (st == HVSNAP_OK && *snap && o->name) {
		st = hvs_modify_settings(s, (*snap)->instance_id, "ElementName",
		                     HVSNAP_CIM_TYPE_STRING, o->name, &o->wait, err);
		if (st == HVSNAP_OK) {
			char *name = hvs_str_dup(o->name);
			if (name) {
				free((*snap)->name);
				(*snap)->name = name;
			}
		} else {
			char why[sizeof(err->message)];
			hvs_str_copy(why, sizeof(why), err->message);
			hvs_err_set(err, st, err->code, "snapshot %s was created but could not be renamed: %s",
			        (*snap)->id, why);
		}
	}
	return st;
}

hvsnap_status hvsnap_snapshot_from_job(hvsnap_session *s, const hvsnap_job *job,
                                       hvsnap_snapshot **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!job || !job->id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no job given");
	if (job->state != JOB_COMPLETED && job->state != JOB_COMPLETED_WITH_WARNINGS)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "job %s has not completed (state %u, %s)", job->id, job->state,
		                   hvsnap_job_state_text(job->state));
	return find_new_snapshot(s, NULL, job, out, err);
}

hvsnap_status hvsnap_create_options_init(hvsnap_create_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_CREATE_OPTIONS_VERSION, hvsnap_create_options,
	                       HVSNAP_CREATE_OPTIONS_INIT);
}

hvsnap_status hvsnap_snapshot_create(hvsnap_session *s, const hvsnap_vm *vm,
                                     const hvsnap_create_options *opts,
                                     hvsnap_snapshot **snap, hvsnap_job **job,
                                     hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;   /* optional, but the rename path reads it back */
	hvsnap_error_clear(err);
	*snap = NULL;
	*job = NULL;
	hvsnap_create_options none = HVSNAP_CREATE_OPTIONS_INIT;
	const hvsnap_create_options *o = opts ? opts : &none;
	if (hvs_check_version(err, "create options", o, HVSNAP_CREATE_OPTIONS_VERSION))
		return HVSNAP_ERR_USAGE;
	if (hvs_wait_options_check(&o->wait, err) != HVSNAP_OK)
		return HVSNAP_ERR_USAGE;
	hvsnap_cim_instance *settings = NULL;
	if (hvs_snapshot_settings_build(o, &settings, err) != HVSNAP_OK)
		return HVSNAP_ERR_USAGE;
	if (o->name && check_name(o->name, err) != HVSNAP_OK) {
		hvsnap_cim_instance_free(settings);
		return HVSNAP_ERR_USAGE;
	}
	if (o->wait.no_wait && (o->name || o->type != HVSNAP_CHECKPOINT_UNCHANGED)) {
		hvsnap_cim_instance_free(settings);
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "naming the checkpoint or choosing its type needs to wait for the job");
	}

	char *settings_id = NULL, *old_type = NULL;
	if (o->type != HVSNAP_CHECKPOINT_UNCHANGED) {
		hvsnap_status st = realized_settings(s, vm, &settings_id, &old_type, err);
		if (st != HVSNAP_OK) {
			hvsnap_cim_instance_free(settings);
			return st;
		}
		char value[16];
		snprintf(value, sizeof(value), "%d", (int)o->type);
		if (!old_type || strcmp(old_type, value) != 0) {
			st = hvs_modify_settings(s, settings_id, "UserSnapshotType", HVSNAP_CIM_TYPE_UINT16,
			                     value, &o->wait, err);
			if (st != HVSNAP_OK) {
				free(settings_id);
				free(old_type);
				hvsnap_cim_instance_free(settings);
				return st;
			}
		} else {
			free(old_type);   /* already the wanted type: nothing to restore */
			old_type = NULL;
		}
	}

	hvsnap_status st = create_snapshot(s, vm, o, settings, snap, job, err);
	hvsnap_cim_instance_free(settings);

	if (old_type) {
		/* Put the VM's own checkpoint type back whatever happened. */
		hvsnap_error restore_err;
		hvsnap_status rst = hvs_modify_settings(s, settings_id, "UserSnapshotType",
		                                    HVSNAP_CIM_TYPE_UINT16, old_type, NULL,
		                                    &restore_err);
		if (rst != HVSNAP_OK && st == HVSNAP_OK) {
			st = hvs_err_set(err, HVSNAP_ERR_FAILED, restore_err.code,
			             "the checkpoint was created, but the VM's checkpoint type could not "
			             "be put back to %s: %s", old_type, restore_err.message);
		} else if (rst != HVSNAP_OK) {
			hvs_err_add_detail(err, "also, the VM's checkpoint type could not be put back to %s: %s",
			               old_type, restore_err.message);
		}
	}
	free(settings_id);
	free(old_type);
	return st;
}

hvsnap_status hvsnap_snapshot_apply(hvsnap_session *s, const hvsnap_snapshot *snap,
                                    const hvsnap_wait_options *wait,
                                    hvsnap_job **job, hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;   /* optional, but the code is read back below */
	hvsnap_error_clear(err);
	*job = NULL;
	hvsnap_epr *svc = hvs_snapshot_service_epr();
	hvsnap_epr *target = hvs_vssd_epr(snap->instance_id);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_status st;
	if (!svc || !target || !p || hvsnap_params_add_epr(p, "Snapshot", target) != HVSNAP_OK) {
		st = hvs_err_nomem(err);
	} else {
		st = hvs_invoke_and_wait(s, svc, "ApplySnapshot", p, wait, NULL, job, err);
		if (st == HVSNAP_ERR_FAILED && (err->code == 32775 || err->code == 5))
			hvs_err_add_detail(err, "a checkpoint can be applied only while the VM is Off or "
			               "Saved; turn the VM off or save it first");
	}
	hvsnap_params_free(p);
	hvsnap_epr_free(target);
	hvsnap_epr_free(svc);
	return st;
}

/* A snapshot service method whose one input is the snapshot's EPR. */
static hvsnap_status invoke_on_snapshot(hvsnap_session *s, const hvsnap_snapshot *snap,
                                        const char *method, const char *param,
                                        const hvsnap_wait_options *wait,
                                        hvsnap_job **job, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*job = NULL;
	if (!snap || !snap->instance_id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no snapshot given");
	hvsnap_epr *svc = hvs_snapshot_service_epr();
	hvsnap_epr *target = hvs_vssd_epr(snap->instance_id);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_status st;
	if (!svc || !target || !p || hvsnap_params_add_epr(p, param, target) != HVSNAP_OK)
		st = hvs_err_nomem(err);
	else
		st = hvs_invoke_and_wait(s, svc, method, p, wait, NULL, job, err);
	hvsnap_params_free(p);
	hvsnap_epr_free(target);
	hvsnap_epr_free(svc);
	return st;
}

hvsnap_status hvsnap_snapshot_delete(hvsnap_session *s, const hvsnap_snapshot *snap,
                                     int tree, const hvsnap_wait_options *wait,
                                     hvsnap_job **job, hvsnap_error *err)
{
	return invoke_on_snapshot(s, snap, tree ? "DestroySnapshotTree" : "DestroySnapshot",
	                          tree ? "SnapshotSettingData" : "AffectedSnapshot", wait, job, err);
}

hvsnap_status hvsnap_snapshot_clear_state(hvsnap_session *s, const hvsnap_snapshot *snap,
                                          const hvsnap_wait_options *wait,
                                          hvsnap_job **job, hvsnap_error *err)
{
	return invoke_on_snapshot(s, snap, "ClearSnapshotState", "SnapshotSettingData", wait,
	                          job, err);
}

hvsnap_status hvsnap_snapshot_rename(hvsnap_session *s, const hvsnap_snapshot *snap,
                                     const char *new_name,
                                     const hvsnap_wait_options *wait,
                                     hvsnap_error *err)
{
	hvsnap_error_clear(err);
	if (hvs_wait_options_check(wait, err) != HVSNAP_OK || check_name(new_name, err) != HVSNAP_OK)
		return HVSNAP_ERR_USAGE;
	return hvs_modify_settings(s, snap->instance_id, "ElementName", HVSNAP_CIM_TYPE_STRING,
	                       new_name, wait, err);
}
