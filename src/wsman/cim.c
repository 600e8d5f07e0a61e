/* The generic CIM instance: an ordered list of named, typed values, plus
 * EPR helpers. Shared by the response decoder, the Put builder and the
 * embedded-instance (CIM-XML) writer. */
#include "wsman/cim_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/strutil.h"
#include "wsman/ns.h"
#include "hvsnap/wsman.h"

typedef struct cim_property {
	char *name;
	hvsnap_cim_type type;
	hvsnap_cim_value value;
} cim_property;

struct hvsnap_cim_instance {
	char *class_name;
	char *resource_uri;
	cim_property *props;
	size_t n_props;
	size_t cap;
};

hvsnap_cim_instance *hvsnap_cim_instance_new(const char *class_name,
                                             const char *resource_uri)
{
	if (!class_name || !*class_name)
		return NULL;
	hvsnap_cim_instance *inst = calloc(1, sizeof(*inst));
	if (!inst)
		return NULL;
	inst->class_name = hvs_str_dup(class_name);
	if (resource_uri) {
		inst->resource_uri = hvs_str_dup(resource_uri);
	} else {
		size_t n = strlen(WMI_V2_URI) + strlen(class_name) + 1;
		inst->resource_uri = malloc(n);
		if (inst->resource_uri) {
			memcpy(inst->resource_uri, WMI_V2_URI, sizeof(WMI_V2_URI) - 1);
			memcpy(inst->resource_uri + sizeof(WMI_V2_URI) - 1, class_name,
			       strlen(class_name) + 1);
		}
	}
	if (!inst->class_name || !inst->resource_uri) {
		hvsnap_cim_instance_free(inst);
		return NULL;
	}
	return inst;
}

void hvsnap_epr_free(hvsnap_epr *epr)
{
	if (!epr)
		return;
	free(epr->address);
	free(epr->resource_uri);
	for (size_t i = 0; i < epr->n_selectors; i++) {
		free(epr->selectors[i].name);
		free(epr->selectors[i].value);
	}
	free(epr->selectors);
	free(epr);
}

void hvs_cim_value_clear(hvsnap_cim_value *value)
{
	if (!value)
		return;
	free(value->text);
	hvsnap_epr_free(value->epr);
	for (size_t i = 0; i < value->n_items; i++)
		hvs_cim_value_clear(&value->items[i]);
	free(value->items);
	memset(value, 0, sizeof(*value));
}

void hvsnap_cim_instance_free(hvsnap_cim_instance *inst)
{
	if (!inst)
		return;
	for (size_t i = 0; i < inst->n_props; i++) {
		free(inst->props[i].name);
		hvs_cim_value_clear(&inst->props[i].value);
	}
	free(inst->props);
	free(inst->class_name);
	free(inst->resource_uri);
	free(inst);
}

static cim_property *find_prop(const hvsnap_cim_instance *inst, const char *name)
{
	for (size_t i = 0; i < inst->n_props; i++)
		if (strcmp(inst->props[i].name, name) == 0)
			return &inst->props[i];
	return NULL;
}

/* Stores value under name (replacing an existing property), taking
 * ownership of what value points to. On failure value is cleared. */
static hvsnap_status put_prop(hvsnap_cim_instance *inst, const char *name,
                              hvsnap_cim_type type, hvsnap_cim_value *value)
{
	if (!inst || !name || !*name) {
		hvs_cim_value_clear(value);
		return HVSNAP_ERR_USAGE;
	}
	cim_property *p = find_prop(inst, name);
	if (p) {
		hvs_cim_value_clear(&p->value);
		p->value = *value;
		p->type = type;
		return HVSNAP_OK;
	}
	if (inst->n_props == inst->cap) {
		size_t cap = inst->cap ? inst->cap * 2 : 16;
		cim_property *np = realloc(inst->props, cap * sizeof(*np));
		if (!np) {
			hvs_cim_value_clear(value);
			return HVSNAP_ERR_NOMEM;
		}
		inst->props = np;
		inst->cap = cap;
	}
	char *copy = hvs_str_dup(name);
	if (!copy) {
		hvs_cim_value_clear(value);
		return HVSNAP_ERR_NOMEM;
	}
	inst->props[inst->n_props].name = copy;
	inst->props[inst->n_props].type = type;
	inst->props[inst->n_props].value = *value;
	inst->n_props++;
	return HVSNAP_OK;
}

static hvsnap_cim_kind kind_for_type(hvsnap_cim_type type)
{
	return type == HVSNAP_CIM_TYPE_DATETIME ? HVSNAP_CIM_DATETIME : HVSNAP_CIM_VALUE;
}

hvsnap_status hvsnap_cim_set_value(hvsnap_cim_instance *inst, const char *name,
                                   hvsnap_cim_type type, const char *text)
{
	if (!text)
		return hvsnap_cim_set_nil(inst, name, type);
	hvsnap_cim_value v = { .kind = kind_for_type(type), .text = hvs_str_dup(text) };
	if (!v.text)
		return HVSNAP_ERR_NOMEM;
	return put_prop(inst, name, type, &v);
}

hvsnap_status hvsnap_cim_set_nil(hvsnap_cim_instance *inst, const char *name,
                                 hvsnap_cim_type type)
{
	hvsnap_cim_value v = { .kind = HVSNAP_CIM_NIL };
	return put_prop(inst, name, type, &v);
}

hvsnap_status hvsnap_cim_set_array(hvsnap_cim_instance *inst, const char *name,
                                   hvsnap_cim_type type,
                                   const char *const *texts, size_t n)
{
	hvsnap_cim_value v = { .kind = HVSNAP_CIM_ARRAY };
	if (n) {
		v.items = calloc(n, sizeof(*v.items));
		if (!v.items)
			return HVSNAP_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (!texts[i]) {
			hvs_cim_value_clear(&v);
			return HVSNAP_ERR_USAGE;
		}
		v.items[i].kind = kind_for_type(type);
		v.items[i].text = hvs_str_dup(texts[i]);
		v.n_items = i + 1;
		if (!v.items[i].text) {
			hvs_cim_value_clear(&v);
			return HVSNAP_ERR_NOMEM;
		}
	}
	return put_prop(inst, name, type, &v);
}

hvsnap_status hvsnap_cim_set_epr(hvsnap_cim_instance *inst, const char *name,
                                 const hvsnap_epr *epr)
{
	hvsnap_cim_value v = { .kind = HVSNAP_CIM_EPR, .epr = hvsnap_epr_dup(epr) };
	if (!v.epr)
		return epr ? HVSNAP_ERR_NOMEM : HVSNAP_ERR_USAGE;
	return put_prop(inst, name, HVSNAP_CIM_TYPE_STRING, &v);
}

hvsnap_status hvs_cim_take_value(hvsnap_cim_instance *inst, const char *name,
                                    hvsnap_cim_value *value)
{
	hvsnap_cim_type type = value->kind == HVSNAP_CIM_DATETIME
	                       ? HVSNAP_CIM_TYPE_DATETIME : HVSNAP_CIM_TYPE_STRING;
	hvsnap_status st = put_prop(inst, name, type, value);
	free(value);
	return st;
}

const char *hvsnap_cim_instance_class(const hvsnap_cim_instance *inst)
{
	return inst ? inst->class_name : NULL;
}

const char *hvsnap_cim_instance_resource_uri(const hvsnap_cim_instance *inst)
{
	return inst ? inst->resource_uri : NULL;
}

size_t hvsnap_cim_instance_count(const hvsnap_cim_instance *inst)
{
	return inst ? inst->n_props : 0;
}

const char *hvsnap_cim_instance_name_at(const hvsnap_cim_instance *inst, size_t i)
{
	return inst && i < inst->n_props ? inst->props[i].name : NULL;
}

const hvsnap_cim_value *hvsnap_cim_instance_value_at(const hvsnap_cim_instance *inst,
                                                     size_t i)
{
	return inst && i < inst->n_props ? &inst->props[i].value : NULL;
}

hvsnap_cim_type hvsnap_cim_instance_type_at(const hvsnap_cim_instance *inst, size_t i)
{
	return inst && i < inst->n_props ? inst->props[i].type : HVSNAP_CIM_TYPE_STRING;
}

const hvsnap_cim_value *hvsnap_cim_get(const hvsnap_cim_instance *inst,
                                       const char *name)
{
	if (!inst || !name)
		return NULL;
	cim_property *p = find_prop(inst, name);
	return p ? &p->value : NULL;
}

const char *hvsnap_cim_get_text(const hvsnap_cim_instance *inst, const char *name)
{
	const hvsnap_cim_value *v = hvsnap_cim_get(inst, name);
	if (!v)
		return NULL;
	switch (v->kind) {
	case HVSNAP_CIM_VALUE:
	case HVSNAP_CIM_DATETIME:
	case HVSNAP_CIM_INTERVAL:
		return v->text;
	default:
		return NULL;
	}
}

hvsnap_status hvsnap_cim_get_uint(const hvsnap_cim_instance *inst,
                                  const char *name, uint64_t *out)
{
	const char *text = hvsnap_cim_get_text(inst, name);
	if (!text)
		return HVSNAP_ERR_NOT_FOUND;
	return hvs_str_to_u64(text, UINT64_MAX, out) == 0 ? HVSNAP_OK : HVSNAP_ERR_PROTOCOL;
}

hvsnap_epr *hvsnap_epr_new(const char *resource_uri)
{
	hvsnap_epr *epr = calloc(1, sizeof(*epr));
	if (!epr)
		return NULL;
	epr->address = hvs_str_dup(WSA_ANONYMOUS);
	epr->resource_uri = hvs_str_dup(resource_uri ? resource_uri : "");
	if (!epr->address || !epr->resource_uri) {
		hvsnap_epr_free(epr);
		return NULL;
	}
	return epr;
}

hvsnap_status hvsnap_epr_add_selector(hvsnap_epr *epr, const char *name,
                                      const char *value)
{
	if (!epr || !name || !*name || !value)
		return HVSNAP_ERR_USAGE;
	/* Only this function allocates the array, so its capacity can be
	 * implied by the count: one realloc per selector was quadratic. */
	hvsnap_selector *s = hvs_grow_for(epr->selectors, epr->n_selectors, sizeof(*s));
	if (!s)
		return HVSNAP_ERR_NOMEM;
	epr->selectors = s;
	s[epr->n_selectors].name = hvs_str_dup(name);
	s[epr->n_selectors].value = hvs_str_dup(value);
	if (!s[epr->n_selectors].name || !s[epr->n_selectors].value) {
		free(s[epr->n_selectors].name);
		free(s[epr->n_selectors].value);
		return HVSNAP_ERR_NOMEM;
	}
	epr->n_selectors++;
	return HVSNAP_OK;
}

const char *hvsnap_epr_selector(const hvsnap_epr *epr, const char *name)
{
	if (!epr || !name)
		return NULL;
	for (size_t i = 0; i < epr->n_selectors; i++)
		if (strcmp(epr->selectors[i].name, name) == 0)
			return epr->selectors[i].value;
	return NULL;
}

hvsnap_epr *hvsnap_epr_dup(const hvsnap_epr *epr)
{
	if (!epr)
		return NULL;
	hvsnap_epr *copy = hvsnap_epr_new(epr->resource_uri);
	if (!copy)
		return NULL;
	if (epr->address) {
		free(copy->address);
		copy->address = hvs_str_dup(epr->address);
		if (!copy->address) {
			hvsnap_epr_free(copy);
			return NULL;
		}
	}
	for (size_t i = 0; i < epr->n_selectors; i++) {
		if (hvsnap_epr_add_selector(copy, epr->selectors[i].name,
		                            epr->selectors[i].value) != HVSNAP_OK) {
			hvsnap_epr_free(copy);
			return NULL;
		}
	}
	return copy;
}

/* ---- accessors of the opaque types -------------------------------------- */

hvsnap_cim_kind hvsnap_cim_value_kind(const hvsnap_cim_value *value)
{
	return value ? value->kind : HVSNAP_CIM_NIL;
}

const char *hvsnap_cim_value_text(const hvsnap_cim_value *value)
{
	return value ? value->text : NULL;
}

const hvsnap_epr *hvsnap_cim_value_epr(const hvsnap_cim_value *value)
{
	return value && value->kind == HVSNAP_CIM_EPR ? value->epr : NULL;
}

size_t hvsnap_cim_value_count(const hvsnap_cim_value *value)
{
	return value && value->kind == HVSNAP_CIM_ARRAY ? value->n_items : 0;
}

const hvsnap_cim_value *hvsnap_cim_value_at(const hvsnap_cim_value *value, size_t i)
{
	return i < hvsnap_cim_value_count(value) ? &value->items[i] : NULL;
}

const char *hvsnap_epr_address(const hvsnap_epr *epr)
{
	return epr ? epr->address : NULL;
}

const char *hvsnap_epr_resource_uri(const hvsnap_epr *epr)
{
	return epr ? epr->resource_uri : NULL;
}

size_t hvsnap_epr_selector_count(const hvsnap_epr *epr)
{
	return epr ? epr->n_selectors : 0;
}

const char *hvsnap_epr_selector_name_at(const hvsnap_epr *epr, size_t i)
{
	return epr && i < epr->n_selectors ? epr->selectors[i].name : NULL;
}

const char *hvsnap_epr_selector_value_at(const hvsnap_epr *epr, size_t i)
{
	return epr && i < epr->n_selectors ? epr->selectors[i].value : NULL;
}
