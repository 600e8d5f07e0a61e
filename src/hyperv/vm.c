/* Finding VMs: Msvm_ComputerSystem instances whose Name is a GUID. The host
 * itself is an Msvm_ComputerSystem too (Name = computer name), and its
 * Description is localized, so it is recognised by its Name, not by text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/vm.h"
#include "hyperv/objects.h"
#include "hyperv/classes.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "util/err.h"
#include "util/casefold.h"
#include "util/strutil.h"

void hvsnap_vm_free(hvsnap_vm *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->id);
	free(vm);
}

void hvs_vm_array_free(hvsnap_vm *vms, size_t n)
{
	if (!vms)
		return;
	for (size_t i = 0; i < n; i++) {
		free(vms[i].name);
		free(vms[i].id);
	}
	free(vms);
}

void hvsnap_vm_list_free(hvsnap_vm_list *list)
{
	if (!list)
		return;
	hvs_vm_array_free(list->items, list->n);
	free(list);
}

size_t hvsnap_vm_list_count(const hvsnap_vm_list *list)
{
	return list ? list->n : 0;
}

const hvsnap_vm *hvsnap_vm_list_at(const hvsnap_vm_list *list, size_t i)
{
	return list && i < list->n ? &list->items[i] : NULL;
}

const char *hvsnap_vm_name(const hvsnap_vm *vm)
{
	return vm ? vm->name : NULL;
}

const char *hvsnap_vm_id(const hvsnap_vm *vm)
{
	return vm ? vm->id : NULL;
}

uint32_t hvsnap_vm_state_code(const hvsnap_vm *vm)
{
	return vm ? vm->state : HVSNAP_VM_UNKNOWN;
}

hvsnap_vm *hvsnap_vm_dup(const hvsnap_vm *vm)
{
	if (!vm)
		return NULL;
	hvsnap_vm *copy = calloc(1, sizeof(*copy));
	if (!copy)
		return NULL;
	copy->name = hvs_str_dup(vm->name);
	copy->id = hvs_str_dup(vm->id);
	copy->state = vm->state;
	if (!copy->name || !copy->id) {
		hvsnap_vm_free(copy);
		return NULL;
	}
	return copy;
}

static int is_vm(const hvsnap_cim_instance *inst)
{
	return hvs_is_guid(hvsnap_cim_get_text(inst, "Name"));
}

static int fill_vm(hvsnap_vm *vm, const hvsnap_cim_instance *inst)
{
	vm->id = hvs_prop_dup(inst, "Name");
	vm->name = hvs_prop_dup(inst, "ElementName");
	if (!vm->name)
		vm->name = hvs_str_dup("");
	vm->state = (uint32_t)hvs_prop_uint(inst, "EnabledState", 0);
	return vm->id && vm->name ? 0 : -1;
}

/* Keeps the VMs among query results, consuming the list. */
static hvsnap_status keep_vms(instance_list *l, hvsnap_vm **vms, size_t *n,
                              hvsnap_error *err)
{
	*vms = NULL;
	*n = 0;
	hvsnap_vm *out = calloc(l->n ? l->n : 1, sizeof(*out));
	if (!out) {
		hvs_instance_list_clear(l);
		return hvs_err_nomem(err);
	}
	size_t count = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (!is_vm(l->items[i]))
			continue;
		if (fill_vm(&out[count++], l->items[i]) != 0) {
			hvs_instance_list_clear(l);
			hvs_vm_array_free(out, count);
			return hvs_err_nomem(err);
		}
	}
	hvs_instance_list_clear(l);
	*vms = out;
	*n = count;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_vm_list_get(hvsnap_session *s, hvsnap_vm_list **out,
                                 hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	hvsnap_vm_list *list = calloc(1, sizeof(*list));
	if (!list)
		return hvs_err_nomem(err);
	instance_list l;
	hvsnap_status st = hvs_query_all(s, "SELECT * FROM " CLASS_COMPUTER_SYSTEM, &l, err);
	if (st == HVSNAP_OK)
		st = keep_vms(&l, &list->items, &list->n, err);
	if (st != HVSNAP_OK) {
		free(list);
		return st;
	}
	*out = list;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_vm_find(hvsnap_session *s, const char *name_or_id,
                             hvsnap_vm **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!name_or_id || !*name_or_id)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no VM name or id given");
	/* VM GUIDs are upper case on the host; {GUID} is accepted too. */
	char upper[37];
	int by_id = hvs_guid_of_ref(name_or_id, upper) && strncmp(name_or_id, "Microsoft:", 10);
	instance_list l;
	hvsnap_status st = hvs_query_literal(s, by_id
	                                 ? "SELECT * FROM " CLASS_COMPUTER_SYSTEM " WHERE Name = "
	                                 : "SELECT * FROM " CLASS_COMPUTER_SYSTEM " WHERE ElementName = ",
	                                 by_id ? upper : name_or_id, NULL, &l, err);
	hvsnap_vm *vms = NULL;
	size_t n = 0;
	if (st == HVSNAP_OK)
		st = keep_vms(&l, &vms, &n, err);
	if (st == HVSNAP_OK && n == 0 && !by_id) {
		/* Windows compares names without case, but a host's WQL may fold
		 * only ASCII: one more look, over every VM, with the client's
		 * folding of accented, Greek and Cyrillic capitals. Only a miss
		 * pays for it. */
		free(vms);
		vms = NULL;
		st = hvs_query_all(s, "SELECT * FROM " CLASS_COMPUTER_SYSTEM, &l, err);
		if (st == HVSNAP_OK)
			st = keep_vms(&l, &vms, &n, err);
		size_t kept = 0;
		for (size_t i = 0; st == HVSNAP_OK && i < n; i++) {
			if (hvs_utf8_case_eq(vms[i].name, name_or_id)) {
				vms[kept++] = vms[i];
			} else {
				free(vms[i].name);
				free(vms[i].id);
			}
		}
		n = st == HVSNAP_OK ? kept : 0;
	}
	if (st != HVSNAP_OK) {
		hvs_vm_array_free(vms, n);
		return st;
	}
	if (n == 0) {
		hvs_vm_array_free(vms, n);
		return hvs_err_set(err, HVSNAP_ERR_NOT_FOUND, 0, "no VM named '%s'", name_or_id);
	}
	if (n > 1) {
		hvs_err_set(err, HVSNAP_ERR_AMBIGUOUS, 0,
		        "%zu VMs are named '%s'; give the id of the one you mean", n, name_or_id);
		for (size_t i = 0; i < n; i++)
			hvs_err_add_detail(err, "%s (%s)", vms[i].id, hvsnap_vm_state_text(vms[i].state));
		hvs_vm_array_free(vms, n);
		return HVSNAP_ERR_AMBIGUOUS;
	}
	hvsnap_vm *vm = malloc(sizeof(*vm));
	if (!vm) {
		hvs_vm_array_free(vms, n);
		return hvs_err_nomem(err);
	}
	*vm = vms[0];
	free(vms);
	*out = vm;
	return HVSNAP_OK;
}
