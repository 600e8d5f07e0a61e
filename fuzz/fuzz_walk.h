/* Helpers the fuzz targets share: walk everything a decoder returned,
 * touching every string, so that a dangling or unterminated pointer inside
 * a "successful" result is caught by ASan, and check that an hvsnap_error
 * the parser filled is properly terminated. Header-only (static) so each
 * target stays one translation unit plus the replay driver. */
#ifndef HVSNAP_FUZZ_WALK_H
#define HVSNAP_FUZZ_WALK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "hvsnap/cim.h"
#include "hvsnap/error.h"

/* A sink the optimiser cannot drop, so the reads really happen. */
static volatile size_t fuzz_sink;

static inline void fuzz_touch(const char *s)
{
	if (s)
		fuzz_sink += strlen(s);
}

static inline void fuzz_walk_epr(const hvsnap_epr *epr)
{
	if (!epr)
		return;
	fuzz_touch(epr->address);
	fuzz_touch(epr->resource_uri);
	for (size_t i = 0; i < epr->n_selectors; i++) {
		fuzz_touch(epr->selectors[i].name);
		fuzz_touch(epr->selectors[i].value);
		/* Lookup by name must find a selector that is there. */
		if (epr->selectors[i].name &&
		    !hvsnap_epr_selector(epr, epr->selectors[i].name))
			abort();
	}
}

static inline void fuzz_walk_value(const hvsnap_cim_value *v, int depth)
{
	if (!v)
		return;
	switch (v->kind) {
	case HVSNAP_CIM_VALUE:
	case HVSNAP_CIM_DATETIME:
	case HVSNAP_CIM_INTERVAL:
		fuzz_touch(v->text);
		break;
	case HVSNAP_CIM_EPR:
		fuzz_walk_epr(v->epr);
		break;
	case HVSNAP_CIM_ARRAY:
		/* The API promises arrays never nest. */
		if (depth > 0)
			abort();
		for (size_t i = 0; i < v->n_items; i++)
			fuzz_walk_value(&v->items[i], depth + 1);
		break;
	case HVSNAP_CIM_NIL:
		break;
	default:
		abort();
	}
}

/* Calls on_text (may be NULL) for every scalar text property value. */
static inline void fuzz_walk_instance(const hvsnap_cim_instance *inst,
                               void (*on_text)(const char *text))
{
	if (!inst)
		return;
	fuzz_touch(hvsnap_cim_instance_class(inst));
	fuzz_touch(hvsnap_cim_instance_resource_uri(inst));
	size_t n = hvsnap_cim_instance_count(inst);
	for (size_t i = 0; i < n; i++) {
		const char *name = hvsnap_cim_instance_name_at(inst, i);
		const hvsnap_cim_value *v = hvsnap_cim_instance_value_at(inst, i);
		fuzz_touch(name);
		fuzz_walk_value(v, 0);
		fuzz_sink += (size_t)hvsnap_cim_instance_type_at(inst, i);
		/* By-name lookup must agree that the property exists. */
		if (name && !hvsnap_cim_get(inst, name))
			abort();
		if (name) {
			uint64_t u;
			fuzz_sink += (size_t)hvsnap_cim_get_uint(inst, name, &u);
		}
		if (on_text && v && v->kind == HVSNAP_CIM_VALUE && v->text)
			on_text(v->text);
	}
}

/* Every text field of an hvsnap_error must be NUL-terminated in place. */
static inline void fuzz_check_error(const hvsnap_error *e)
{
	if (memchr(e->message, 0, sizeof(e->message)) == NULL ||
	    memchr(e->detail, 0, sizeof(e->detail)) == NULL ||
	    memchr(e->fault_code, 0, sizeof(e->fault_code)) == NULL ||
	    memchr(e->fault_subcode, 0, sizeof(e->fault_subcode)) == NULL)
		abort();
}

#endif
