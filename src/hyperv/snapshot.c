/* Listing and finding a VM's snapshots. One query returns the VM's realized
 * settings and its snapshots together: the realized settings' Parent names
 * the current snapshot, and each snapshot's Parent names its parent. Every
 * snapshot is kept whatever its VirtualSystemType, which decides its kind
 * (reference/hyperv-wmi.md §4). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hvsnap/snapshot.h"
#include "hyperv/objects.h"
#include "hyperv/classes.h"
#include "hyperv/policy_int.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "hyperv/snapshot_int.h"
#include "util/err.h"
#include "util/casefold.h"
#include "util/strutil.h"

/* The VM's own settings (realized or planned) share the VM's
 * VirtualSystemIdentifier but are no checkpoints. */
#define SYSTEM_TYPE_PREFIX "Microsoft:Hyper-V:System:"
#define SNAPSHOT_TYPE_PREFIX "Microsoft:Hyper-V:Snapshot:"

void hvsnap_snapshot_free(hvsnap_snapshot *snap)
{
	if (!snap)
		return;
	hvs_snapshot_clear(snap);
	free(snap);
}

void hvs_snapshot_clear(hvsnap_snapshot *snap)
{
	free(snap->id);
	free(snap->instance_id);
	free(snap->name);
	free(snap->parent_id);
	free(snap->created);
	free(snap->type);
	memset(snap, 0, sizeof(*snap));
}

void hvs_snapshot_array_free(hvsnap_snapshot *snaps, size_t n)
{
	if (!snaps)
		return;
	for (size_t i = 0; i < n; i++)
		hvs_snapshot_clear(&snaps[i]);
	free(snaps);
}

void hvsnap_snapshot_list_free(hvsnap_snapshot_list *list)
{
	if (!list)
		return;
	hvs_snapshot_array_free(list->items, list->n);
	free(list);
}

hvsnap_status hvsnap_snapshot_list_policy(const hvsnap_snapshot_list *list,
                                          hvsnap_checkpoint_policy *out)
{
	if (!list || !out || out->version != HVSNAP_CHECKPOINT_POLICY_VERSION)
		return HVSNAP_ERR_USAGE;
	*out = list->policy;
	return HVSNAP_OK;
}

size_t hvsnap_snapshot_list_count(const hvsnap_snapshot_list *list)
{
	return list ? list->n : 0;
}

const hvsnap_snapshot *hvsnap_snapshot_list_at(const hvsnap_snapshot_list *list, size_t i)
{
	return list && i < list->n ? &list->items[i] : NULL;
}

const char *hvsnap_snapshot_id(const hvsnap_snapshot *snap)
{
	return snap ? snap->id : NULL;
}

const char *hvsnap_snapshot_instance_id(const hvsnap_snapshot *snap)
{
	return snap ? snap->instance_id : NULL;
}

const char *hvsnap_snapshot_name(const hvsnap_snapshot *snap)
{
	return snap ? snap->name : NULL;
}

const char *hvsnap_snapshot_parent_id(const hvsnap_snapshot *snap)
{
	return snap ? snap->parent_id : NULL;
}

const char *hvsnap_snapshot_created(const hvsnap_snapshot *snap)
{
	return snap ? snap->created : NULL;
}

int hvsnap_snapshot_is_current(const hvsnap_snapshot *snap)
{
	return snap ? snap->current : 0;
}

hvsnap_snapshot_role hvsnap_snapshot_kind_of(const hvsnap_snapshot *snap)
{
	return snap ? snap->role : HVSNAP_ROLE_OTHER;
}

const char *hvsnap_snapshot_type(const hvsnap_snapshot *snap)
{
	return snap ? snap->type : NULL;
}

int hvsnap_snapshot_is_saved(const hvsnap_snapshot *snap)
{
	return snap ? snap->saved : 0;
}

const char *hvsnap_snapshot_role_name(hvsnap_snapshot_role role)
{
	switch (role) {
	case HVSNAP_ROLE_CHECKPOINT: return "checkpoint";
	case HVSNAP_ROLE_RECOVERY: return "recovery";
	case HVSNAP_ROLE_MISSING: return "missing";
	case HVSNAP_ROLE_REPLICA: return "replica";
	case HVSNAP_ROLE_OTHER: break;
	}
	return "other";
}

/* The kind a VirtualSystemType names. The documented snapshot types are
 * Realized, Recovery, Planned, Missing and three Replica:* ones; a type
 * is compared whole (case-insensitively, as WMI compares strings), except
 * that every Replica:* one is a replica. Anything else is OTHER. */
hvsnap_snapshot_role hvs_snapshot_role_of_type(const char *type)
{
	static const size_t plen = sizeof(SNAPSHOT_TYPE_PREFIX) - 1;
	if (!type || strncasecmp(type, SNAPSHOT_TYPE_PREFIX, plen) != 0)
		return HVSNAP_ROLE_OTHER;
	const char *rest = type + plen;
	if (strcasecmp(rest, "Realized") == 0)
		return HVSNAP_ROLE_CHECKPOINT;
	if (strcasecmp(rest, "Recovery") == 0)
		return HVSNAP_ROLE_RECOVERY;
	if (strcasecmp(rest, "Missing") == 0)
		return HVSNAP_ROLE_MISSING;
	if (strncasecmp(rest, "Replica:", 8) == 0 && rest[8])
		return HVSNAP_ROLE_REPLICA;
	return HVSNAP_ROLE_OTHER;
}

int hvs_bool_text(const char *text)
{
	return text && (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0);
}

hvsnap_status hvsnap_snapshot_check_target(const hvsnap_snapshot *snap, const char *ref,
                                           int force, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	if (!snap)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no snapshot given");
	if (snap->role != HVSNAP_ROLE_RECOVERY)
		return HVSNAP_OK;
	char guid[37];
	if (!hvs_guid_of_ref(ref, guid) || !hvs_str_case_eq(guid, snap->id))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "'%s' is a recovery checkpoint (a backup product's); name it by "
		                   "its id %s and force it to use it anyway",
		                   ref ? ref : "", snap->id);
	if (!force)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "%s is a recovery checkpoint (a backup product's); it is used "
		                   "only when forced", snap->id);
	return HVSNAP_OK;
}

/* NULL stays NULL; anything else must copy (-1 when memory runs out). */
static int dup_opt(char **to, const char *from)
{
	*to = from ? hvs_str_dup(from) : NULL;
	return from && !*to ? -1 : 0;
}

hvsnap_snapshot *hvsnap_snapshot_dup(const hvsnap_snapshot *snap)
{
	if (!snap)
		return NULL;
	hvsnap_snapshot *copy = calloc(1, sizeof(*copy));
	if (!copy)
		return NULL;
	copy->current = snap->current;
	copy->saved = snap->saved;
	copy->role = snap->role;
	if (dup_opt(&copy->id, snap->id) || dup_opt(&copy->instance_id, snap->instance_id) ||
	    dup_opt(&copy->name, snap->name) || dup_opt(&copy->parent_id, snap->parent_id) ||
	    dup_opt(&copy->created, snap->created) || dup_opt(&copy->type, snap->type)) {
		hvsnap_snapshot_free(copy);
		return NULL;
	}
	return copy;
}

/* The GUID of the InstanceID inside a WMI object path such as
 *   \\HOST\root\virtualization\v2:Msvm_VirtualSystemSettingData.InstanceID="Microsoft:<GUID>"
 * The exact format is inferred, so any "Microsoft:<GUID>" in the path
 * will do. Returns a malloc'd upper-case GUID or NULL. */
char *hvs_guid_from_object_path(const char *path)
{
	if (!path)
		return NULL;
	for (const char *p = strstr(path, "Microsoft:"); p; p = strstr(p + 1, "Microsoft:")) {
		char candidate[37];
		hvs_str_copy(candidate, sizeof(candidate), p + strlen("Microsoft:"));
		if (hvs_is_guid(candidate))
			return hvs_str_dup(candidate);
	}
	return NULL;
}

int hvs_is_snapshot_settings(const hvsnap_cim_instance *inst)
{
	const char *type = hvsnap_cim_get_text(inst, "VirtualSystemType");
	return !type || strncasecmp(type, SYSTEM_TYPE_PREFIX, sizeof(SYSTEM_TYPE_PREFIX) - 1) != 0;
}

int hvs_snapshot_from_instance(hvsnap_snapshot *snap, const hvsnap_cim_instance *inst)
{
	memset(snap, 0, sizeof(*snap));
	snap->instance_id = hvs_prop_dup(inst, "InstanceID");
	snap->id = hvs_prop_dup(inst, "ConfigurationID");
	if (!hvs_is_guid(snap->id)) {
		free(snap->id);
		snap->id = hvs_str_dup(hvs_guid_of_instance_id(snap->instance_id));
	}
	snap->name = hvs_prop_dup(inst, "ElementName");
	if (!snap->name)
		snap->name = hvs_str_dup("");
	snap->parent_id = hvs_guid_from_object_path(hvsnap_cim_get_text(inst, "Parent"));
	snap->created = hvs_prop_dup(inst, "CreationTime");
	const char *type = hvsnap_cim_get_text(inst, "VirtualSystemType");
	snap->type = hvs_prop_dup(inst, "VirtualSystemType");
	snap->role = hvs_snapshot_role_of_type(type);
	snap->saved = hvs_bool_text(hvsnap_cim_get_text(inst, "IsSaved"));
	if (!snap->instance_id || !snap->id || !snap->name || (type && !snap->type)) {
		hvs_snapshot_clear(snap);
		return -1;
	}
	return 0;
}

/* Ordering a VM's snapshots, parents before children, in O(n log n): a
 * host may send thousands in one chain, or (bad data) parent links that
 * form a cycle or name a snapshot that is not there. */
typedef struct order_key {
	const hvsnap_snapshot *snap;
	size_t depth;
	size_t index;   /* the host's order, to keep the sort stable */
} order_key;

static const hvsnap_snapshot *order_items; /* for the qsort comparators */

static int cmp_index_by_id(const void *a, const void *b)
{
	return strcasecmp(order_items[*(const size_t *)a].id, order_items[*(const size_t *)b].id);
}

static size_t index_of_id(const size_t *by_id, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (id && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(id, order_items[by_id[mid]].id);
		if (c == 0)
			return by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return n;
}

static int cmp_order(const void *a, const void *b)
{
	const order_key *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	const char *cx = x->snap->created, *cy = y->snap->created;
	int c = cx && cy ? strcmp(cx, cy) : 0;
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Parents before children (by depth), then oldest first: a stable order
 * for printing a tree and for scripts. Depths are found by walking up to
 * the first snapshot whose depth is known, then filled in on the way back
 * down, so every link is walked once; a walk that meets itself has found a
 * cycle, whose members are put at the depth where it was entered. */
static void order_snapshots(hvsnap_snapshot *snaps, size_t n)
{
	if (n < 2)
		return;
	size_t *by_id = malloc(n * sizeof(size_t));
	size_t *parent = malloc(n * sizeof(size_t));
	size_t *depth = malloc(n * sizeof(size_t));
	size_t *path = malloc(n * sizeof(size_t));
	unsigned char *state = calloc(n, 1);   /* 0 new, 1 on the walk, 2 done */
	order_key *keys = malloc(n * sizeof(order_key));
	hvsnap_snapshot *sorted = malloc(n * sizeof(hvsnap_snapshot));
	if (!by_id || !parent || !depth || !path || !state || !keys || !sorted)
		goto out;   /* out of memory: the host's order stands */
	order_items = snaps;
	for (size_t i = 0; i < n; i++)
		by_id[i] = i;
	qsort(by_id, n, sizeof(size_t), cmp_index_by_id);
	for (size_t i = 0; i < n; i++)
		parent[i] = index_of_id(by_id, n, snaps[i].parent_id);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, at = i;
		while (at < n && state[at] == 0) {
			state[at] = 1;
			path[len++] = at;
			at = parent[at];
		}
		/* at is past the end (a root's parent), done, or on this walk (a
		 * cycle): the walk's top gets depth 0 or one more than at's. */
		size_t d = at < n && state[at] == 2 ? depth[at] + 1 : 0;
		while (len > 0) {
			size_t k = path[--len];
			depth[k] = d++;
			state[k] = 2;
		}
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = (order_key){ &snaps[i], depth[i], i };
	qsort(keys, n, sizeof(order_key), cmp_order);
	for (size_t i = 0; i < n; i++)
		sorted[i] = *keys[i].snap;
	memcpy(snaps, sorted, n * sizeof(hvsnap_snapshot));
out:
	free(by_id);
	free(parent);
	free(depth);
	free(path);
	free(state);
	free(keys);
	free(sorted);
}

/* The VM's snapshots as an array the caller frees with
 * hvs_snapshot_array_free. */
static hvsnap_status list_snapshots(hvsnap_session *s, const hvsnap_vm *vm,
                                    hvsnap_snapshot **snaps, size_t *n,
                                    hvsnap_checkpoint_policy *policy, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*snaps = NULL;
	*n = 0;
	instance_list l;
	hvsnap_status st = hvs_query_literal(s, "SELECT * FROM " CLASS_VSSD
	                                 " WHERE VirtualSystemIdentifier = ", vm->id, NULL,
	                                 &l, err);
	if (st != HVSNAP_OK)
		return st;
	hvsnap_snapshot *out = calloc(l.n ? l.n : 1, sizeof(*out));
	char *current = NULL;
	size_t count = 0;
	if (!out) {
		hvs_instance_list_clear(&l);
		return hvs_err_nomem(err);
	}
	for (size_t i = 0; i < l.n; i++) {
		const char *type = hvsnap_cim_get_text(l.items[i], "VirtualSystemType");
		if (type && strcasecmp(type, REALIZED_VIRTUAL_SYSTEM_TYPE) == 0) {
			free(current);
			current = hvs_guid_from_object_path(hvsnap_cim_get_text(l.items[i], "Parent"));
			if (policy)
				hvs_policy_from_settings(l.items[i], policy);
			continue;
		}
		if (!hvs_is_snapshot_settings(l.items[i]))
			continue;
		if (hvs_snapshot_from_instance(&out[count], l.items[i]) != 0) {
			hvs_instance_list_clear(&l);
			hvs_snapshot_array_free(out, count);
			free(current);
			return hvs_err_nomem(err);
		}
		count++;
	}
	hvs_instance_list_clear(&l);
	for (size_t i = 0; i < count; i++)
		out[i].current = current && hvs_str_case_eq(out[i].id, current);
	free(current);
	order_snapshots(out, count);
	*snaps = out;
	*n = count;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_snapshot_list_get(hvsnap_session *s, const hvsnap_vm *vm,
                                       hvsnap_snapshot_list **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	hvsnap_snapshot_list *list = calloc(1, sizeof(*list));
	if (!list)
		return hvs_err_nomem(err);
	hvsnap_checkpoint_policy_init(&list->policy, HVSNAP_CHECKPOINT_POLICY_VERSION);
	hvsnap_status st = list_snapshots(s, vm, &list->items, &list->n, &list->policy, err);
	if (st != HVSNAP_OK) {
		free(list);
		return st;
	}
	*out = list;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_snapshot_find(hvsnap_session *s, const hvsnap_vm *vm,
                                   const char *ref, hvsnap_snapshot **out,
                                   hvsnap_error *err)
{
	*out = NULL;
	if (!ref || !*ref)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no snapshot name or id given");
	hvsnap_snapshot *snaps = NULL;
	size_t n = 0;
	hvsnap_status st = list_snapshots(s, vm, &snaps, &n, NULL, err);
	if (st != HVSNAP_OK)
		return st;
	/* By id; else by name, exactly; else by name ignoring case, as the
	 * host compares VM names. */
	char guid[37];
	int by_id = hvs_guid_of_ref(ref, guid);
	size_t match = n, matches = 0;
	int fold = 0;
	for (int pass = 0; pass < 2 && matches == 0 && (pass == 0 || !by_id); pass++) {
		fold = pass;
		for (size_t i = 0; i < n; i++) {
			int hit = by_id ? hvs_str_case_eq(snaps[i].id, guid)
			          : fold ? hvs_utf8_case_eq(snaps[i].name, ref)
			                 : strcmp(snaps[i].name, ref) == 0;
			if (hit) {
				if (!matches)
					match = i;
				matches++;
			}
		}
	}
	if (matches == 0) {
		hvs_snapshot_array_free(snaps, n);
		return hvs_err_set(err, HVSNAP_ERR_NOT_FOUND, 0, "VM '%s' has no snapshot '%s'",
		               vm->name, ref);
	}
	if (matches > 1) {
		hvs_err_set(err, HVSNAP_ERR_AMBIGUOUS, 0,
		        "%zu snapshots of '%s' are named '%s'; give the id of the one you mean",
		        matches, vm->name, ref);
		for (size_t i = 0; i < n; i++)
			if (fold ? hvs_utf8_case_eq(snaps[i].name, ref) : strcmp(snaps[i].name, ref) == 0)
				hvs_err_add_detail(err, "%s (created %s)", snaps[i].id,
				               snaps[i].created ? snaps[i].created : "?");
		hvs_snapshot_array_free(snaps, n);
		return HVSNAP_ERR_AMBIGUOUS;
	}
	hvsnap_snapshot *snap = malloc(sizeof(*snap));
	if (!snap) {
		hvs_snapshot_array_free(snaps, n);
		return hvs_err_nomem(err);
	}
	*snap = snaps[match];
	memset(&snaps[match], 0, sizeof(snaps[match]));
	hvs_snapshot_array_free(snaps, n);
	*out = snap;
	return HVSNAP_OK;
}
