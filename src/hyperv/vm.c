/* Finding VMs: Msvm_ComputerSystem instances whose Name is a GUID. The host
 * itself is an Msvm_ComputerSystem too (Name = computer name), and its
 * Description is localized, so it is recognised by its Name, not by text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "hyperv/classes.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "hyperv/wql.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

void hvsnap_vm_free(hvsnap_vm *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->id);
	free(vm);
}

void hvsnap_vm_list_free(hvsnap_vm *vms, size_t n)
{
	if (!vms)
		return;
	for (size_t i = 0; i < n; i++) {
		free(vms[i].name);
		free(vms[i].id);
	}
	free(vms);
}

static int is_vm(const hvsnap_cim_instance *inst)
{
	return is_guid(hvsnap_cim_get_text(inst, "Name"));
}

static int fill_vm(hvsnap_vm *vm, const hvsnap_cim_instance *inst)
{
	vm->id = prop_dup(inst, "Name");
	vm->name = prop_dup(inst, "ElementName");
	if (!vm->name)
		vm->name = str_dup("");
	vm->state = (unsigned)prop_uint(inst, "EnabledState", 0);
	return vm->id && vm->name ? 0 : -1;
}

/* Runs wql and keeps the VMs among the results. */
static hvsnap_status query_vms(hvsnap_session *s, const char *wql, hvsnap_vm **vms,
                               size_t *n, hvsnap_error *err)
{
	*vms = NULL;
	*n = 0;
	instance_list l;
	hvsnap_status st = query_all(s, wql, &l, err);
	if (st != HVSNAP_OK)
		return st;
	hvsnap_vm *out = calloc(l.n ? l.n : 1, sizeof(*out));
	if (!out) {
		instance_list_clear(&l);
		return err_nomem(err);
	}
	size_t count = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (!is_vm(l.items[i]))
			continue;
		if (fill_vm(&out[count++], l.items[i]) != 0) {
			instance_list_clear(&l);
			hvsnap_vm_list_free(out, count);
			return err_nomem(err);
		}
	}
	instance_list_clear(&l);
	*vms = out;
	*n = count;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_vm_list(hvsnap_session *s, hvsnap_vm **vms, size_t *n,
                             hvsnap_error *err)
{
	hvsnap_error_clear(err);
	return query_vms(s, "SELECT * FROM " CLASS_COMPUTER_SYSTEM, vms, n, err);
}

hvsnap_status hvsnap_vm_find(hvsnap_session *s, const char *name_or_id,
                             hvsnap_vm **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!name_or_id || !*name_or_id)
		return err_set(err, HVSNAP_ERR_USAGE, 0, "no VM name or id given");
	int by_id = is_guid(name_or_id);
	buf q = BUF_INIT;
	int rc = buf_printf(&q, "SELECT * FROM %s WHERE %s = ", CLASS_COMPUTER_SYSTEM,
	                    by_id ? "Name" : "ElementName");
	if (rc == 0 && by_id) {
		/* VM GUIDs are upper case on the host. */
		char upper[37];
		str_copy(upper, sizeof(upper), name_or_id);
		for (char *p = upper; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		rc = wql_append_literal(&q, upper);
	} else if (rc == 0) {
		rc = wql_append_literal(&q, name_or_id);
	}
	if (rc != 0) {
		buf_free(&q);
		return err_set(err, HVSNAP_ERR_USAGE, 0, "'%s' cannot be a VM name", name_or_id);
	}
	hvsnap_vm *vms = NULL;
	size_t n = 0;
	hvsnap_status st = query_vms(s, q.data, &vms, &n, err);
	buf_free(&q);
	if (st != HVSNAP_OK)
		return st;
	if (n == 0) {
		hvsnap_vm_list_free(vms, n);
		return err_set(err, HVSNAP_ERR_NOT_FOUND, 0, "no VM named '%s'", name_or_id);
	}
	if (n > 1) {
		err_set(err, HVSNAP_ERR_AMBIGUOUS, 0,
		        "%zu VMs are named '%s'; give the id of the one you mean", n, name_or_id);
		for (size_t i = 0; i < n; i++)
			err_add_detail(err, "%s (%s)", vms[i].id, hvsnap_vm_state_text(vms[i].state));
		hvsnap_vm_list_free(vms, n);
		return HVSNAP_ERR_AMBIGUOUS;
	}
	hvsnap_vm *vm = malloc(sizeof(*vm));
	if (!vm) {
		hvsnap_vm_list_free(vms, n);
		return err_nomem(err);
	}
	*vm = vms[0];
	free(vms);
	*out = vm;
	return HVSNAP_OK;
}
