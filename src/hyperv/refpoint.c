/* Reference points: decoding Msvm_VirtualSystemReferencePoint (with both
 * documented ReferencePointType numberings), listing them through
 * Msvm_ReferencePointOfVirtualSystem, ConvertToReferencePoint and
 * DestroyReferencePoint (reference/vm-lifecycle-fleet.md §1.1, §1.4). */
#include <stdlib.h>
#include <string.h>

#include "hvsnap/refpoint.h"
#include "hyperv/classes.h"
#include "hyperv/invoke.h"
#include "hyperv/objects.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "hyperv/refpoint_int.h"
#include "hyperv/snapshot_int.h"
#include "util/err.h"
#include "util/strutil.h"

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void hvs_refpoint_clear(hvsnap_refpoint *rp)
{
	free(rp->id);
	free(rp->instance_id);
	free(rp->vm_id);
	free(rp->created);
	free_strings(rp->rct_ids, rp->n_rct);
	free_strings(rp->disk_ids, rp->n_disk);
	memset(rp, 0, sizeof(*rp));
}

void hvsnap_refpoint_free(hvsnap_refpoint *rp)
{
	if (!rp)
		return;
	hvs_refpoint_clear(rp);
	free(rp);
}

/* The texts of a string array property (a scalar counts as one item; nil,
 * absent and empty items give none). -1 when memory runs out. */
static int read_strings(const hvsnap_cim_instance *inst, const char *name,
                        char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const hvsnap_cim_value *v = hvsnap_cim_get(inst, name);
	if (!v)
		return 0;
	size_t count = hvsnap_cim_value_kind(v) == HVSNAP_CIM_ARRAY ? hvsnap_cim_value_count(v) : 1;
	char **items = calloc(count ? count : 1, sizeof(char *));
	if (!items)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		const hvsnap_cim_value *item =
			hvsnap_cim_value_kind(v) == HVSNAP_CIM_ARRAY ? hvsnap_cim_value_at(v, i) : v;
		const char *text = hvsnap_cim_value_text(item);
		if (!text || !*text)
			continue;
		if (!(items[k] = hvs_str_dup(text))) {
			free_strings(items, k);
			return -1;
		}
		k++;
	}
	*out = items;
	*n = k;
	return 0;
}

/* The type of one point whose code is 1, by what it carries: RCT ids mean
 * RCT; otherwise (associated data, or nothing) log. */
static hvsnap_refpoint_type type_by_content(const hvsnap_refpoint *rp)
{
	return rp->n_rct > 0 && !rp->has_associated_data ? HVSNAP_REFPOINT_RCT : HVSNAP_REFPOINT_LOG;
}

/* seen0 / seen2: the list shows the method (0/1) or class (1/2) numbering. */
static hvsnap_refpoint_type decode_type(const hvsnap_refpoint *rp, int seen0, int seen2)
{
	switch (rp->type_code) {
	case 0: return HVSNAP_REFPOINT_LOG;
	case 2: return HVSNAP_REFPOINT_RCT;
	case 1:
		if (seen0 && !seen2)
			return HVSNAP_REFPOINT_RCT;
		if (seen2 && !seen0)
			return HVSNAP_REFPOINT_LOG;
		return type_by_content(rp);
	default: return HVSNAP_REFPOINT_UNKNOWN;
	}
}

void hvs_refpoints_decode_types(hvsnap_refpoint *rps, size_t n)
{
	int seen0 = 0, seen2 = 0;
	for (size_t i = 0; i < n; i++) {
		seen0 |= rps[i].type_code == 0;
		seen2 |= rps[i].type_code == 2;
	}
	for (size_t i = 0; i < n; i++)
		rps[i].type = decode_type(&rps[i], seen0, seen2);
}

int hvs_refpoint_from_instance(hvsnap_refpoint *rp, const hvsnap_cim_instance *inst)
{
	memset(rp, 0, sizeof(*rp));
	rp->instance_id = hvs_prop_dup(inst, "InstanceID");
	rp->id = hvs_str_dup(hvs_guid_of_instance_id(rp->instance_id));
	rp->vm_id = hvs_prop_dup(inst, "VirtualSystemIdentifier");
	rp->created = hvs_prop_dup(inst, "CreationTime");
	unsigned long code = hvs_prop_uint(inst, "ReferencePointType", 0xffffffffUL);
	rp->type_code = code <= 0xffff ? (long)code : -1;
	unsigned long level = hvs_prop_uint(inst, "ConsistencyLevel", 0);
	rp->consistency = level == 1 ? HVSNAP_CONSISTENCY_APPLICATION
	                : level == 2 ? HVSNAP_CONSISTENCY_CRASH : HVSNAP_CONSISTENCY_DEFAULT;
	rp->has_associated_data = hvs_bool_text(hvsnap_cim_get_text(inst, "HasAssociatedData"));
	if (!rp->id ||
	    read_strings(inst, "ResilientChangeTrackingIdentifiers", &rp->rct_ids, &rp->n_rct) ||
	    read_strings(inst, "VirtualDiskIdentifiers", &rp->disk_ids, &rp->n_disk)) {
		hvs_refpoint_clear(rp);
		return -1;
	}
	rp->type = decode_type(rp, 0, 0);
	return 0;
}

static int dup_opt(char **to, const char *from)
{
	*to = from ? hvs_str_dup(from) : NULL;
	return from && !*to ? -1 : 0;
}

static int dup_strings(char ***to, char *const *from, size_t n)
{
	*to = calloc(n ? n : 1, sizeof(char *));
	if (!*to)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((*to)[i] = hvs_str_dup(from[i])))
			return -1;
	return 0;
}

hvsnap_refpoint *hvsnap_refpoint_dup(const hvsnap_refpoint *rp)
{
	if (!rp)
		return NULL;
	hvsnap_refpoint *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->type_code = rp->type_code;
	c->type = rp->type;
	c->consistency = rp->consistency;
	c->has_associated_data = rp->has_associated_data;
	/* counts first, so a partial copy is freed whole */
	c->n_rct = rp->n_rct;
	c->n_disk = rp->n_disk;
	if (dup_opt(&c->id, rp->id) || dup_opt(&c->instance_id, rp->instance_id) ||
	    dup_opt(&c->vm_id, rp->vm_id) || dup_opt(&c->created, rp->created) ||
	    dup_strings(&c->rct_ids, rp->rct_ids, rp->n_rct) ||
	    dup_strings(&c->disk_ids, rp->disk_ids, rp->n_disk)) {
		if (!c->rct_ids)
			c->n_rct = 0;
		if (!c->disk_ids)
			c->n_disk = 0;
		hvsnap_refpoint_free(c);
		return NULL;
	}
	return c;
}

const char *hvsnap_refpoint_id(const hvsnap_refpoint *rp) { return rp ? rp->id : NULL; }
const char *hvsnap_refpoint_instance_id(const hvsnap_refpoint *rp) { return rp ? rp->instance_id : NULL; }
const char *hvsnap_refpoint_vm_id(const hvsnap_refpoint *rp) { return rp ? rp->vm_id : NULL; }
const char *hvsnap_refpoint_created(const hvsnap_refpoint *rp) { return rp ? rp->created : NULL; }
long hvsnap_refpoint_type_code(const hvsnap_refpoint *rp) { return rp ? rp->type_code : -1; }
int hvsnap_refpoint_has_associated_data(const hvsnap_refpoint *rp)
{
	return rp ? rp->has_associated_data : 0;
}

hvsnap_refpoint_type hvsnap_refpoint_type_of(const hvsnap_refpoint *rp)
{
	return rp ? rp->type : HVSNAP_REFPOINT_UNKNOWN;
}

hvsnap_consistency hvsnap_refpoint_consistency(const hvsnap_refpoint *rp)
{
	return rp ? rp->consistency : HVSNAP_CONSISTENCY_DEFAULT;
}

const char *hvsnap_refpoint_type_name(hvsnap_refpoint_type type)
{
	return type == HVSNAP_REFPOINT_LOG ? "log" : type == HVSNAP_REFPOINT_RCT ? "rct" : "unknown";
}

size_t hvsnap_refpoint_rct_id_count(const hvsnap_refpoint *rp) { return rp ? rp->n_rct : 0; }
size_t hvsnap_refpoint_disk_id_count(const hvsnap_refpoint *rp) { return rp ? rp->n_disk : 0; }

const char *hvsnap_refpoint_rct_id_at(const hvsnap_refpoint *rp, size_t i)
{
	return rp && i < rp->n_rct ? rp->rct_ids[i] : NULL;
}

const char *hvsnap_refpoint_disk_id_at(const hvsnap_refpoint *rp, size_t i)
{
	return rp && i < rp->n_disk ? rp->disk_ids[i] : NULL;
}

size_t hvsnap_refpoint_list_count(const hvsnap_refpoint_list *list) { return list ? list->n : 0; }

const hvsnap_refpoint *hvsnap_refpoint_list_at(const hvsnap_refpoint_list *list, size_t i)
{
	return list && i < list->n ? &list->items[i] : NULL;
}

void hvsnap_refpoint_list_free(hvsnap_refpoint_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		hvs_refpoint_clear(&list->items[i]);
	free(list->items);
	free(list);
}

hvsnap_status hvs_refpoint_list_from(hvsnap_cim_instance *const *items, size_t n,
                                     hvsnap_refpoint_list **out, hvsnap_error *err)
{
	*out = NULL;
	hvsnap_refpoint_list *list = calloc(1, sizeof(*list));
	if (!list || !(list->items = calloc(n ? n : 1, sizeof(hvsnap_refpoint)))) {
		free(list);
		return hvs_err_nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		if (hvs_refpoint_from_instance(&list->items[list->n], items[i]) == 0)
			list->n++;
		else if (hvsnap_cim_get_text(items[i], "InstanceID") &&
		         hvs_guid_of_instance_id(hvsnap_cim_get_text(items[i], "InstanceID"))) {
			hvsnap_refpoint_list_free(list);   /* decodable: memory ran out */
			return hvs_err_nomem(err);
		}
	}
	hvs_refpoints_decode_types(list->items, list->n);
	*out = list;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_refpoint_list_get(hvsnap_session *s, const hvsnap_vm *vm,
                                       hvsnap_refpoint_list **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!vm || !vm->id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no VM given");
	instance_list l;
	hvsnap_status st = hvs_query_literal(s, "ASSOCIATORS OF {" CLASS_COMPUTER_SYSTEM
	                                     ".CreationClassName='" CLASS_COMPUTER_SYSTEM
	                                     "',Name=", vm->id,
	                                     "} WHERE AssocClass = " CLASS_REFPOINT_OF_VM
	                                     " ResultClass = " CLASS_REFPOINT, &l, err);
	if (st != HVSNAP_OK)
		return st;
	st = hvs_refpoint_list_from(l.items, l.n, out, err);
	hvs_instance_list_clear(&l);
	return st;
}

hvsnap_status hvsnap_refpoint_find(hvsnap_session *s, const hvsnap_vm *vm, const char *ref,
                                   hvsnap_refpoint **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	char guid[37];
	if (!hvs_guid_of_ref(ref, guid))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "'%s' is not a reference point id (GUID, {GUID} or Microsoft:GUID)",
		                   ref ? ref : "");
	hvsnap_refpoint_list *list = NULL;
	hvsnap_status st = hvsnap_refpoint_list_get(s, vm, &list, err);
	if (st != HVSNAP_OK)
		return st;
	for (size_t i = 0; i < list->n && !*out; i++)
		if (hvs_str_case_eq(list->items[i].id, guid) &&
		    !(*out = hvsnap_refpoint_dup(&list->items[i]))) {
			hvsnap_refpoint_list_free(list);
			return hvs_err_nomem(err);
		}
	hvsnap_refpoint_list_free(list);
	if (!*out)
		return hvs_err_set(err, HVSNAP_ERR_NOT_FOUND, 0, "VM '%s' has no reference point %s",
		                   vm->name, guid);
	return HVSNAP_OK;
}

/* One reference point read from instances the host sent, alone (no list
 * to tell the numbering). */
static hvsnap_status first_refpoint(instance_list *l, hvsnap_refpoint **out)
{
	for (size_t i = 0; i < l->n && !*out; i++) {
		hvsnap_refpoint *rp = calloc(1, sizeof(*rp));
		if (rp && hvs_refpoint_from_instance(rp, l->items[i]) == 0)
			*out = rp;
		else
			free(rp);
	}
	return *out ? HVSNAP_OK : HVSNAP_ERR_PROTOCOL;
}

/* The reference point a finished ConvertToReferencePoint made:
 * ResultingReferencePoint when the host filled it, else the job's
 * Msvm_AffectedJobElement row of that class (as for a new snapshot). */
static hvsnap_status find_new_refpoint(hvsnap_session *s, const hvsnap_invoke_result *r,
                                       const hvsnap_job *job, hvsnap_refpoint **out,
                                       hvsnap_error *err)
{
	const hvsnap_cim_value *rv = r ? hvsnap_cim_get(r->output, "ResultingReferencePoint") : NULL;
	const hvsnap_epr *epr = hvsnap_cim_value_epr(rv);
	instance_list l = { 0 };
	hvsnap_status st;
	if (epr && hvsnap_epr_selector(epr, "InstanceID")) {
		hvsnap_cim_instance *inst = NULL;
		st = hvsnap_wsman_get(s, epr, &inst, err);
		if (st != HVSNAP_OK)
			return st;
		st = first_refpoint(&(instance_list){ &inst, 1 }, out);
		hvsnap_cim_instance_free(inst);
	} else if (job) {
		st = hvs_query_literal(s, "ASSOCIATORS OF {" CLASS_CONCRETE_JOB ".InstanceID=", job->id,
		                       "} WHERE AssocClass = Msvm_AffectedJobElement"
		                       " ResultClass = " CLASS_REFPOINT, &l, err);
		if (st != HVSNAP_OK)
			return st;
		st = first_refpoint(&l, out);
		hvs_instance_list_clear(&l);
	} else {
		st = HVSNAP_ERR_PROTOCOL;
	}
	if (st != HVSNAP_OK)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		                   "ConvertToReferencePoint completed but the host names no new "
		                   "reference point%s%s", job ? " for job " : "", job ? job->id : "");
	return HVSNAP_OK;
}

hvsnap_status hvsnap_refpoint_convert(hvsnap_session *s, const hvsnap_snapshot *snap,
                                      const hvsnap_wait_options *wait, hvsnap_refpoint **out,
                                      hvsnap_job **job, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	*job = NULL;
	if (!snap || !snap->instance_id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no snapshot given");
	/* "Only recovery snapshots can be converted to reference points"
	 * (ConvertToReferencePoint's documentation): refused before sending. */
	if (snap->role != HVSNAP_ROLE_RECOVERY)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "'%s' (%s) is a %s, not a recovery checkpoint: only recovery "
		                   "checkpoints can become reference points", snap->name ? snap->name : "",
		                   snap->id, hvsnap_snapshot_role_name(snap->role));
	hvsnap_epr *svc = hvs_snapshot_service_epr();
	hvsnap_epr *target = hvs_vssd_epr(snap->instance_id);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_status st;
	if (!svc || !target || !p || hvsnap_params_add_epr(p, "AffectedSnapshot", target) ||
	    hvsnap_params_add_instance(p, "ReferencePointSettings", NULL)) {
		st = hvs_err_nomem(err);
	} else {
		hvsnap_invoke_result *r = NULL;
		st = hvs_invoke_and_wait(s, svc, "ConvertToReferencePoint", p, wait, &r, job, err);
		if (st == HVSNAP_OK && !(wait && wait->no_wait))
			st = find_new_refpoint(s, r, *job, out, err);
		hvsnap_invoke_result_free(r);
	}
	hvsnap_params_free(p);
	hvsnap_epr_free(target);
	hvsnap_epr_free(svc);
	return st;
}

hvsnap_status hvsnap_refpoint_delete(hvsnap_session *s, const hvsnap_refpoint *rp,
                                     const hvsnap_wait_options *wait, hvsnap_job **job,
                                     hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*job = NULL;
	if (!rp || !rp->instance_id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no reference point given");
	hvsnap_epr *svc = hvs_epr_with(URI_REFPOINT_SERVICE, "CreationClassName",
	                               CLASS_REFPOINT_SERVICE);
	hvsnap_epr *target = hvs_epr_with(URI_REFPOINT, "InstanceID", rp->instance_id);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_status st;
	if (!svc || !target || !p ||
	    (rp->vm_id && hvsnap_epr_add_selector(target, "VirtualSystemIdentifier", rp->vm_id)) ||
	    hvsnap_params_add_epr(p, "AffectedReferencePoint", target))
		st = hvs_err_nomem(err);
	else
		st = hvs_invoke_and_wait(s, svc, "DestroyReferencePoint", p, wait, NULL, job, err);
	hvsnap_params_free(p);
	hvsnap_epr_free(target);
	hvsnap_epr_free(svc);
	return st;
}
