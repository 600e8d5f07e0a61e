/* Invoke input parameters (hvsnap_params): an ordered list the caller fills
 * and the envelope builder turns into <p:METHOD_INPUT> children. Values are
 * checked when added, so a bad parameter is reported where it was made
 * rather than as an unexplained NULL envelope later. */
#include "wsman/params.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "util/strutil.h"
#include "wsman/envelope.h"
#include "wsman/xmltext.h"

struct hvsnap_params {
	wsman_param *items;
	size_t n;
	size_t cap;
};

hvsnap_params *hvsnap_params_new(void)
{
	return calloc(1, sizeof(hvsnap_params));
}

static void param_clear(wsman_param *w)
{
	free(w->name);
	free(w->text);
	for (size_t i = 0; i < w->n_items; i++)
		free(w->items[i]);
	free(w->items);
	hvsnap_epr_free(w->epr);
}

void hvsnap_params_free(hvsnap_params *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		param_clear(&p->items[i]);
	free(p->items);
	free(p);
}

size_t hvs_wsman_params_count(const hvsnap_params *p)
{
	return p ? p->n : 0;
}

const wsman_param *hvs_wsman_params_at(const hvsnap_params *p, size_t i)
{
	return p && i < p->n ? &p->items[i] : NULL;
}

/* Checks that name can be added. A repeated name is refused: the host
 * would read two same-named elements as an array, which is never what a
 * second add_value meant. */
static hvsnap_status check_name(const hvsnap_params *p, const char *name)
{
	if (!p || !hvs_wsman_ncname_ok(name))
		return HVSNAP_ERR_USAGE;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return HVSNAP_ERR_USAGE;
	return HVSNAP_OK;
}

/* Appends w (taking what it owns) or clears it on failure. */
static hvsnap_status append(hvsnap_params *p, wsman_param *w)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		wsman_param *np = realloc(p->items, cap * sizeof(*np));
		if (!np) {
			param_clear(w);
			return HVSNAP_ERR_NOMEM;
		}
		p->items = np;
		p->cap = cap;
	}
	p->items[p->n++] = *w;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_params_add_value(hvsnap_params *p, const char *name,
                                      const char *text)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	if (!hvs_wsman_text_ok(text))
		return HVSNAP_ERR_USAGE;
	wsman_param w = { .kind = WSMAN_PARAM_VALUE };
	w.name = hvs_str_dup(name);
	w.text = hvs_str_dup(text);
	if (!w.name || !w.text) {
		param_clear(&w);
		return HVSNAP_ERR_NOMEM;
	}
	return append(p, &w);
}

hvsnap_status hvsnap_params_add_uint(hvsnap_params *p, const char *name,
                                     uint64_t value)
{
	char text[24];
	snprintf(text, sizeof(text), "%" PRIu64, value);
	return hvsnap_params_add_value(p, name, text);
}

hvsnap_status hvsnap_params_add_array(hvsnap_params *p, const char *name,
                                      const char *const *texts, size_t n)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	if (n && !texts)
		return HVSNAP_ERR_USAGE;
	for (size_t i = 0; i < n; i++)
		if (!hvs_wsman_text_ok(texts[i]))
			return HVSNAP_ERR_USAGE;
	wsman_param w = { .kind = WSMAN_PARAM_ARRAY };
	w.name = hvs_str_dup(name);
	if (!w.name)
		return HVSNAP_ERR_NOMEM;
	if (n) {
		w.items = calloc(n, sizeof(*w.items));
		if (!w.items) {
			param_clear(&w);
			return HVSNAP_ERR_NOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		w.items[i] = hvs_str_dup(texts[i]);
		w.n_items = i + 1;
		if (!w.items[i]) {
			param_clear(&w);
			return HVSNAP_ERR_NOMEM;
		}
	}
	return append(p, &w);
}

hvsnap_status hvsnap_params_add_epr(hvsnap_params *p, const char *name,
                                    const hvsnap_epr *epr)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	if (!hvs_wsman_epr_ok(epr))
		return HVSNAP_ERR_USAGE;
	wsman_param w = { .kind = WSMAN_PARAM_EPR };
	w.name = hvs_str_dup(name);
	w.epr = hvsnap_epr_dup(epr);
	if (!w.name || !w.epr) {
		param_clear(&w);
		return HVSNAP_ERR_NOMEM;
	}
	return append(p, &w);
}

/* The instance is serialised now, not when the envelope is built, so the
 * caller may free or change it right after this call. */
hvsnap_status hvsnap_params_add_instance(hvsnap_params *p, const char *name,
                                         const hvsnap_cim_instance *inst)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	wsman_param w = { .kind = WSMAN_PARAM_INSTANCE };
	if (inst) {
		/* NULL here is almost always an instance the writer refuses
		 * (an EPR property, bad text), rarely memory. */
		w.text = hvs_wsman_cimxml_serialize(inst);
		if (!w.text)
			return HVSNAP_ERR_USAGE;
	} else {
		w.text = hvs_str_dup("");
		if (!w.text)
			return HVSNAP_ERR_NOMEM;
	}
	w.name = hvs_str_dup(name);
	if (!w.name) {
		param_clear(&w);
		return HVSNAP_ERR_NOMEM;
	}
	return append(p, &w);
}
